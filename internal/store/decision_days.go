package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// decision_days counts each system's decisions per day (UTC), by what a
// person did and model version (migration 00053 says why): the override
// chart and most totals of the decision list read it.

// decisionDay is the day of decision_days a time falls on.
func decisionDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// decisionDayKey is a row of decision_days.
type decisionDayKey struct {
	system, day, human, version, versionID string
}

// countDecisionDays adds the decisions ds, stored in the transaction, to
// decision_days: one row per day, person and version among them.
func (tx *Tx) countDecisionDays(ctx context.Context, scope aims.Scope, ds []*NewDecision) error {
	counts := map[decisionDayKey]int64{}
	for _, nd := range ds {
		d := nd.D
		counts[decisionDayKey{d.SystemID, decisionDay(d.SourceTime), string(d.Human), d.ModelVersion, d.ModelVersionID}]++
	}
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b decisionDayKey) int {
		return cmp.Or(cmp.Compare(a.system, b.system), cmp.Compare(a.day, b.day), cmp.Compare(a.human, b.human),
			cmp.Compare(a.version, b.version), cmp.Compare(a.versionID, b.versionID))
	})
	args := make([]any, 0, len(keys)*7)
	for _, k := range keys {
		args = append(args, scope.OrgID(), k.system, k.day, k.human, k.version, k.versionID, counts[k])
	}
	_, err := tx.insertRows(ctx, "decision_days", "org_id, system_id, day, human, model_version, model_version_id, decisions", 7, args,
		` ON CONFLICT (org_id, system_id, day, human, model_version, model_version_id)
		DO UPDATE SET decisions = decision_days.decisions + excluded.decisions`)
	if err != nil {
		return fmt.Errorf("count decisions by day: %w", err)
	}
	return nil
}

// decisionTotal counts the decisions of one system that f selects: from
// decision_days when f's bounds are whole days and it names no source (a
// row per day, person and version), otherwise from the index
// decisions_time (an entry per decision).
func decisionTotal(ctx context.Context, q Querier, scope aims.Scope, systemID string, f aims.DecisionFilter) (int, error) {
	byDay := f.Source == "" && wholeDay(f.Since) && wholeDay(f.Until)
	where, args := decisionFilter(scope, systemID, f, byDay)
	query := `SELECT COUNT(*) FROM decisions ` + where
	if byDay {
		query = `SELECT COALESCE(SUM(decisions), 0) FROM decision_days ` + where
	}
	var total int64
	if err := q.queryer().QueryRowContext(ctx, query, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count decisions: %w", mapError(err))
	}
	return int(total), nil
}

// wholeDay reports whether t is absent or midnight UTC.
func wholeDay(t *time.Time) bool {
	return t == nil || t.UTC().Equal(t.UTC().Truncate(24*time.Hour))
}

// DecisionDays counts the decisions of one system per day (UTC) from since
// on, with how many a person overrode or approved. Days without decisions
// are left out.
func DecisionDays(ctx context.Context, q Querier, scope aims.Scope, systemID string, since time.Time) ([]aims.OverrideBucket, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT day, SUM(decisions),
			SUM(CASE WHEN human = 'overridden' THEN decisions ELSE 0 END),
			SUM(CASE WHEN human = 'approved' THEN decisions ELSE 0 END)
		FROM decision_days
		WHERE org_id = $1 AND system_id = $2 AND day >= $3
		GROUP BY day ORDER BY day`, scope.OrgID(), systemID, decisionDay(since))
	if err != nil {
		return nil, fmt.Errorf("count overrides: %w", mapError(err))
	}
	defer rows.Close()
	var out []aims.OverrideBucket
	for rows.Next() {
		var b aims.OverrideBucket
		var day string
		var n, over, appr int64
		if err := rows.Scan(&day, &n, &over, &appr); err != nil {
			return nil, fmt.Errorf("count overrides: %w", err)
		}
		if b.Start, err = time.Parse(time.DateOnly, day); err != nil {
			return nil, fmt.Errorf("count overrides: day %q: %w", day, err)
		}
		b.Decisions, b.Overridden, b.Approved = int(n), int(over), int(appr)
		out = append(out, b)
	}
	return out, rows.Err()
}
