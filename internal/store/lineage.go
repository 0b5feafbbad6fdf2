package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// FindInstrumentsByIDs returns the instruments of the organization in scope
// among ids, with their state at now, by id; unknown ids are left out.
func FindInstrumentsByIDs(ctx context.Context, q Querier, scope aims.Scope, ids []string, now time.Time) (map[string]*aims.Instrument, error) {
	out := map[string]*aims.Instrument{}
	err := eachChunk(ids, func(chunk []string) error {
		rows, err := q.queryer().QueryContext(ctx, `SELECT `+instrumentColumns+` FROM (`+instrumentInner+`
			AND i.id IN (`+marks(3, len(chunk))+`)) x`, append([]any{scope.OrgID(), now.UTC()}, anySlice(chunk)...)...)
		if err != nil {
			return fmt.Errorf("find instruments: %w", mapError(err))
		}
		defer rows.Close()
		for rows.Next() {
			in, err := scanInstrument(rows)
			if err != nil {
				return fmt.Errorf("find instruments: %w", err)
			}
			out[in.ID] = in
		}
		return rows.Err()
	})
	return out, err
}

// TrainingInput is a tag of an instrument that needs calibration, declared
// by a dataset with a window that a model version was trained on.
type TrainingInput struct {
	SystemID, SystemName         string
	ModelVersionID, Version      string
	DatasetID, DatasetName       string
	WindowStart, WindowEnd       *aims.Date
	TagID, TagName               string
	InstrumentID, InstrumentName string
}

// FindTrainingInputs lists the training inputs of the model versions of the
// organization in scope (of one system, unless systemID is empty), by
// system, model version (newest first), dataset, instrument and tag.
func FindTrainingInputs(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]TrainingInput, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT s.id, s.name, mv.id, mv.version, d.id, d.name, d.window_start, d.window_end, t.id, t.name, i.id, i.name
		FROM dataset_uses du
		JOIN model_versions mv ON mv.id = du.model_version_id
		JOIN ai_systems s ON s.id = mv.system_id
		JOIN datasets d ON d.id = du.dataset_id
		JOIN dataset_tags dt ON dt.dataset_id = d.id
		JOIN tags t ON t.id = dt.tag_id
		JOIN instruments i ON i.id = t.instrument_id
		WHERE du.org_id = $1 AND du.purpose = 'training' AND d.window_start IS NOT NULL AND d.window_end IS NOT NULL
			AND i.calibration_required AND (CAST($2 AS TEXT) IS NULL OR mv.system_id = $2)
		ORDER BY s.name_key, s.id, mv.created_at DESC, mv.id, d.name_key, d.id, i.name_key, i.id, t.name_key, t.id`,
		scope.OrgID(), opt(systemID))
	if err != nil {
		return nil, fmt.Errorf("find training inputs: %w", mapError(err))
	}
	defer rows.Close()
	var out []TrainingInput
	for rows.Next() {
		var in TrainingInput
		var ws, we sql.NullTime
		if err := rows.Scan(&in.SystemID, &in.SystemName, &in.ModelVersionID, &in.Version, &in.DatasetID, &in.DatasetName,
			&ws, &we, &in.TagID, &in.TagName, &in.InstrumentID, &in.InstrumentName); err != nil {
			return nil, fmt.Errorf("find training inputs: %w", err)
		}
		in.WindowStart, in.WindowEnd = scanDate(ws), scanDate(we)
		out = append(out, in)
	}
	return out, rows.Err()
}

// DecisionTagInstrument is a tag that decisions of the organization name
// as an input, with the instrument (that needs calibration) producing it.
type DecisionTagInstrument struct {
	Tag                          string
	InstrumentID, InstrumentName string
}

// FindDecisionTagInstruments lists the tags decisions have named as
// inputs that are declared tags of an instrument that needs calibration.
func FindDecisionTagInstruments(ctx context.Context, q Querier, scope aims.Scope) ([]DecisionTagInstrument, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT DISTINCT t.name, i.id, i.name
		FROM decision_tag_set_tags ts
		JOIN tags t ON t.org_id = ts.org_id AND t.name = ts.tag
		JOIN instruments i ON i.id = t.instrument_id
		WHERE ts.org_id = $1 AND i.calibration_required
		ORDER BY 3, 1`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find decision tags: %w", mapError(err))
	}
	defer rows.Close()
	var out []DecisionTagInstrument
	for rows.Next() {
		var d DecisionTagInstrument
		if err := rows.Scan(&d.Tag, &d.InstrumentID, &d.InstrumentName); err != nil {
			return nil, fmt.Errorf("find decision tags: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// TagPeriod is a period in which the instrument of a tag was out of
// calibration.
type TagPeriod struct {
	DecisionTagInstrument
	aims.Period
}

// FindDecisionsInPeriods lists the decisions of the organization in scope
// (of one system, unless systemID is empty) that named a tag as an input
// within one of its periods, newest first, one row per decision and tag
// period, with the total. The caller orders periods as ties should go
// (by instrument and tag).
func FindDecisionsInPeriods(ctx context.Context, q Querier, scope aims.Scope, systemID string, periods []TagPeriod, page aims.Page) ([]aims.OutOfCalibrationDecision, int, error) {
	out := []aims.OutOfCalibrationDecision{}
	if len(periods) == 0 {
		return out, 0, nil
	}
	limit, offset := limitOffset(page)
	args := []any{scope.OrgID(), opt(systemID)}
	num, text, stamp := "$%d", "$%d", "$%d"
	if dialectOf(q) == Postgres {
		num, text, stamp = "CAST($%d AS INTEGER)", "CAST($%d AS TEXT)", "CAST($%d AS TIMESTAMPTZ)"
	}
	var values strings.Builder
	for i, p := range periods {
		if i > 0 {
			values.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&values, "("+num+", "+text+", "+stamp+", "+stamp+")", n+1, n+2, n+3, n+4)
		args = append(args, i, p.Tag, p.From.UTC(), p.To.UTC())
	}
	with := `WITH bad (k, tag, p_from, p_to) AS (VALUES ` + values.String() + `)`
	const join = `
		FROM bad
		JOIN decision_tag_set_tags ts ON ts.org_id = $1 AND ts.tag = bad.tag
		JOIN decisions d ON d.org_id = $1 AND d.tag_set_id = ts.tag_set_id AND d.decided_at >= bad.p_from AND d.decided_at < bad.p_to
		WHERE (CAST($2 AS TEXT) IS NULL OR d.system_id = $2)`
	var total int
	if err := q.queryer().QueryRowContext(ctx, with+` SELECT COUNT(*) `+join, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count out-of-calibration decisions: %w", mapError(err))
	}
	if total == 0 || offset >= total {
		return out, total, nil
	}
	rows, err := q.queryer().QueryContext(ctx, with+`
		SELECT d.id, d.system_id, s.name, d.leaf_index, d.decided_at, d.model_version, d.human,
			bad.k`+
		strings.Replace(join, "WHERE", "JOIN ai_systems s ON s.id = d.system_id\n\t\tWHERE", 1)+fmt.Sprintf(`
		ORDER BY d.decided_at DESC, d.id DESC, bad.k
		LIMIT $%d OFFSET $%d`, len(args)+1, len(args)+2), append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var d aims.OutOfCalibrationDecision
		var idx int64
		var human string
		var k int
		if err := rows.Scan(&d.ID, &d.SystemID, &d.SystemName, &idx, &d.DecidedAt, &d.ModelVersion, &human, &k); err != nil {
			return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", err)
		}
		if k < 0 || k >= len(periods) {
			return nil, 0, fmt.Errorf("find out-of-calibration decisions: period %d of %d", k, len(periods))
		}
		p := periods[k]
		d.InstrumentID, d.InstrumentName, d.Tag, d.Period = p.InstrumentID, p.InstrumentName, p.Tag, p.Period
		d.LogIndex, d.Human = uint64(idx), aims.HumanAction(human)
		d.Overridden = d.Human == aims.HumanOverridden
		d.DecidedAt = d.DecidedAt.UTC()
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// FindLineageOrphans finds the loose ends of the lineage records of the
// organization in scope (see aims.LineageOrphans), at most limit of each,
// with the totals.
func FindLineageOrphans(ctx context.Context, q Querier, scope aims.Scope, now time.Time, limit int) (*aims.LineageOrphans, error) {
	o := &aims.LineageOrphans{UnusedTags: []*aims.Tag{}, FeaturesWithoutTags: []*aims.Feature{}, InstrumentsWithoutCurrentCalibration: []*aims.Instrument{}}
	var err error
	o.UnusedTags, o.UnusedTagsTotal, err = scanPage(ctx, q, "unused tags", tagColumns+`, COUNT(*) OVER ()`+tagFrom+`
		WHERE t.org_id = $1
			AND NOT EXISTS (SELECT 1 FROM feature_tags ft JOIN model_version_features mvf ON mvf.feature_id = ft.feature_id
				WHERE ft.org_id = $1 AND ft.tag_id = t.id)
			AND NOT EXISTS (SELECT 1 FROM dataset_tags dt JOIN dataset_uses du ON du.dataset_id = dt.dataset_id
				WHERE dt.org_id = $1 AND dt.tag_id = t.id)
		ORDER BY t.name_key, t.id LIMIT $2`, []any{scope.OrgID(), limit},
		func(sc scanner, total *int) (*aims.Tag, error) { return scanTag(sc, total) })
	if err != nil {
		return nil, err
	}
	o.FeaturesWithoutTags, o.FeaturesWithoutTagsTotal, err = scanPage(ctx, q, "features without tags", featureColumns+`, COUNT(*) OVER ()
		FROM features f
		WHERE f.org_id = $1 AND NOT EXISTS (SELECT 1 FROM feature_tags ft WHERE ft.feature_id = f.id)
		ORDER BY f.name_key, f.id LIMIT $2`, []any{scope.OrgID(), limit},
		func(sc scanner, total *int) (*aims.Feature, error) { return scanFeature(sc, total) })
	if err != nil {
		return nil, err
	}
	o.InstrumentsWithoutCurrentCalibration, o.InstrumentsWithoutCurrentCalibrationTotal, err = scanPage(ctx, q,
		"instruments without a current calibration", `SELECT `+instrumentColumns+`, COUNT(*) OVER () FROM (`+instrumentInner+`) x
		WHERE x.state IN ('out_of_calibration', 'never_calibrated')
		ORDER BY x.name_key, x.id LIMIT $3`, []any{scope.OrgID(), now.UTC(), limit},
		func(sc scanner, total *int) (*aims.Instrument, error) { return scanInstrument(sc, total) })
	if err != nil {
		return nil, err
	}
	return o, nil
}
