package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
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

// TrainingDataset is a dataset with a window that a model version was
// trained on.
type TrainingDataset struct {
	SystemID, SystemName    string
	ModelVersionID, Version string
	DatasetID, DatasetName  string
	Window                  aims.Period
}

// FindTrainingDatasets lists the datasets with a window that model
// versions of the organization in scope (of one system, unless systemID is
// empty) were trained on, by system, model version (newest first) and
// dataset.
func FindTrainingDatasets(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]TrainingDataset, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT s.id, s.name, mv.id, mv.version, d.id, d.name, d.window_start, d.window_end
		FROM dataset_uses du
		JOIN model_versions mv ON mv.id = du.model_version_id
		JOIN ai_systems s ON s.id = mv.system_id
		JOIN datasets d ON d.id = du.dataset_id
		WHERE du.org_id = $1 AND du.purpose = 'training' AND d.window_start IS NOT NULL AND d.window_end IS NOT NULL
			AND (CAST($2 AS TEXT) IS NULL OR mv.system_id = $2)
		ORDER BY s.name_key, s.id, mv.created_at DESC, mv.id, d.name_key, d.id`, scope.OrgID(), opt(systemID))
	if err != nil {
		return nil, fmt.Errorf("find training datasets: %w", mapError(err))
	}
	defer rows.Close()
	var out []TrainingDataset
	for rows.Next() {
		var td TrainingDataset
		var ws, we sql.NullTime
		if err := rows.Scan(&td.SystemID, &td.SystemName, &td.ModelVersionID, &td.Version, &td.DatasetID, &td.DatasetName, &ws, &we); err != nil {
			return nil, fmt.Errorf("find training datasets: %w", err)
		}
		if w, ok := aims.DatasetWindow(scanDate(ws), scanDate(we)); ok {
			td.Window = w
			out = append(out, td)
		}
	}
	return out, rows.Err()
}

// DatasetInstrument is an instrument producing a tag a dataset declares.
type DatasetInstrument struct {
	DatasetID, InstrumentID string
}

// FindUncoveredInstruments returns, for datasets with their windows, the
// instruments that need calibration, produce a tag the dataset declares,
// and are not covered over the whole window by one passed or adjusted
// calibration that no later failed check cut short (rules.Vouched): the only ones that may have been out of calibration then
// (several calibrations may still cover the window between them).
func FindUncoveredInstruments(ctx context.Context, q Querier, scope aims.Scope, windows map[string]aims.Period) ([]DatasetInstrument, error) {
	var out []DatasetInstrument
	if len(windows) == 0 {
		return out, nil
	}
	text, stamp := "$%d", "$%d"
	if dialectOf(q) == Postgres {
		text, stamp = "CAST($%d AS TEXT)", "CAST($%d AS TIMESTAMPTZ)"
	}
	args := []any{scope.OrgID()}
	var values strings.Builder
	for id, w := range windows {
		if len(args) > 1 {
			values.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&values, "("+text+", "+stamp+", "+stamp+")", n+1, n+2, n+3)
		args = append(args, id, w.From.UTC(), w.To.UTC())
	}
	rows, err := q.queryer().QueryContext(ctx, `WITH w (dataset_id, w_from, w_to) AS (VALUES `+values.String()+`)
		SELECT DISTINCT w.dataset_id, t.instrument_id
		FROM w
		JOIN dataset_tags dt ON dt.org_id = $1 AND dt.dataset_id = w.dataset_id
		JOIN tags t ON t.id = dt.tag_id
		JOIN instruments i ON i.id = t.instrument_id
		WHERE i.calibration_required AND NOT EXISTS (SELECT 1 FROM calibrations c
			WHERE c.org_id = $1 AND c.instrument_id = i.id AND c.result IN ('passed', 'adjusted')
				AND c.valid_from <= w.w_from AND c.valid_to >= w.w_to
				AND NOT EXISTS (SELECT 1 FROM calibrations f WHERE f.org_id = $1 AND f.instrument_id = i.id
					AND f.result = 'failed' AND f.valid_from > c.valid_from AND f.valid_from < w.w_to))`, args...)
	if err != nil {
		return nil, fmt.Errorf("find uncovered instruments: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var di DatasetInstrument
		if err := rows.Scan(&di.DatasetID, &di.InstrumentID); err != nil {
			return nil, fmt.Errorf("find uncovered instruments: %w", err)
		}
		out = append(out, di)
	}
	return out, rows.Err()
}

// FindDatasetInstrumentTags returns the tags each dataset declares of each
// instrument, for the given pairs, by name.
func FindDatasetInstrumentTags(ctx context.Context, q Querier, scope aims.Scope, pairs []DatasetInstrument) (map[DatasetInstrument][]aims.LineageRef, error) {
	out := map[DatasetInstrument][]aims.LineageRef{}
	want := map[DatasetInstrument]bool{}
	var datasets []string
	seen := map[string]bool{}
	for _, p := range pairs {
		want[p] = true
		if !seen[p.DatasetID] {
			seen[p.DatasetID] = true
			datasets = append(datasets, p.DatasetID)
		}
	}
	err := eachChunk(datasets, func(chunk []string) error {
		rows, err := q.queryer().QueryContext(ctx, `SELECT dt.dataset_id, t.instrument_id, t.id, t.name
			FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id
			WHERE dt.org_id = $1 AND t.instrument_id IS NOT NULL AND dt.dataset_id IN (`+marks(2, len(chunk))+`)
			ORDER BY t.name_key`, append([]any{scope.OrgID()}, anySlice(chunk)...)...)
		if err != nil {
			return fmt.Errorf("tags of datasets: %w", mapError(err))
		}
		defer rows.Close()
		for rows.Next() {
			var p DatasetInstrument
			var r aims.LineageRef
			if err := rows.Scan(&p.DatasetID, &p.InstrumentID, &r.ID, &r.Name); err != nil {
				return fmt.Errorf("tags of datasets: %w", err)
			}
			if want[p] {
				out[p] = append(out[p], r)
			}
		}
		return rows.Err()
	})
	return out, err
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
// period, with the total. Ties go by the order of periods.
//
// Each period of a tag is a range of the index (tag set, decided_at) for
// every tag set holding the tag: the ranges are counted in one query, and
// the page is merged from the newest rows of each range, so that neither
// depends on sorting every match.
func FindDecisionsInPeriods(ctx context.Context, q Querier, scope aims.Scope, systemID string, periods []TagPeriod, page aims.Page) ([]aims.OutOfCalibrationDecision, int, error) {
	out := []aims.OutOfCalibrationDecision{}
	limit, offset := limitOffset(page)
	ranges, err := periodRanges(ctx, q, scope, periods)
	if err != nil {
		return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", err)
	}
	if len(ranges) == 0 {
		return out, 0, nil
	}
	text, stamp := "$%d", "$%d"
	if dialectOf(q) == Postgres {
		text, stamp = "CAST($%d AS TEXT)", "CAST($%d AS TIMESTAMPTZ)"
	}
	counts := make([]int, len(ranges))
	total := 0
	for start := 0; start < len(ranges); start += chunkSize {
		chunk := ranges[start:min(start+chunkSize, len(ranges))]
		args := []any{scope.OrgID(), opt(systemID)}
		var values strings.Builder
		for i, r := range chunk {
			if i > 0 {
				values.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&values, "("+text+", "+text+", "+stamp+", "+stamp+")", n+1, n+2, n+3, n+4)
			args = append(args, strconv.Itoa(start+i), r.set, periods[r.period].From.UTC(), periods[r.period].To.UTC())
		}
		rows, err := q.queryer().QueryContext(ctx, `WITH r (k, set_id, p_from, p_to) AS (VALUES `+values.String()+`)
			SELECT r.k, COUNT(*) FROM r
			JOIN decisions d ON d.org_id = $1 AND d.tag_set_id = r.set_id AND d.decided_at >= r.p_from AND d.decided_at < r.p_to
			WHERE (CAST($2 AS TEXT) IS NULL OR d.system_id = $2)
			GROUP BY r.k`, args...)
		if err != nil {
			return nil, 0, fmt.Errorf("count out-of-calibration decisions: %w", mapError(err))
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, 0, fmt.Errorf("count out-of-calibration decisions: %w", err)
			}
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(ranges) {
				rows.Close()
				return nil, 0, fmt.Errorf("count out-of-calibration decisions: range %q", k)
			}
			counts[i], total = n, total+n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, fmt.Errorf("count out-of-calibration decisions: %w", err)
		}
	}
	if offset >= total {
		return out, total, nil
	}
	// The newest offset+limit of each range hold the page: found from the
	// index alone, merged, and only the page's rows read.
	type entry struct {
		at    time.Time
		id    string
		order int // the period's index
	}
	// A range needs at most offset+limit rows, less those of the ranges
	// wholly newer than it.
	need := make([]int, len(ranges))
	for i, r := range ranges {
		ahead := 0
		for j, o := range ranges {
			if !periods[o.period].From.Before(periods[r.period].To) {
				ahead += counts[j]
			}
		}
		need[i] = max(0, min(counts[i], offset+limit-ahead))
	}
	var merged []entry
	for i, r := range ranges {
		if need[i] == 0 {
			continue
		}
		p := periods[r.period]
		rows, err := q.queryer().QueryContext(ctx, `
			SELECT decided_at, id FROM decisions
			WHERE org_id = $1 AND tag_set_id = $2 AND decided_at >= $3 AND decided_at < $4
				AND (CAST($5 AS TEXT) IS NULL OR system_id = $5)
			ORDER BY decided_at DESC, id DESC
			LIMIT $6`, scope.OrgID(), r.set, p.From.UTC(), p.To.UTC(), opt(systemID), need[i])
		if err != nil {
			return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", mapError(err))
		}
		for rows.Next() {
			e := entry{order: r.period}
			if err := rows.Scan(&e.at, &e.id); err != nil {
				rows.Close()
				return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", err)
			}
			merged = append(merged, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", err)
		}
	}
	slices.SortFunc(merged, func(a, b entry) int {
		return cmp.Or(b.at.Compare(a.at), strings.Compare(b.id, a.id), cmp.Compare(a.order, b.order))
	})
	merged = merged[offset:min(offset+limit, len(merged))]
	ids := make([]any, 0, len(merged))
	for _, e := range merged {
		ids = append(ids, e.id)
	}
	byID := map[string]aims.OutOfCalibrationDecision{}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT d.id, d.system_id, s.name, d.leaf_index, d.decided_at, d.model_version, d.human
		FROM decisions d JOIN ai_systems s ON s.id = d.system_id
		WHERE d.org_id = $1 AND d.id IN (`+marks(2, len(ids))+`)`, append([]any{scope.OrgID()}, ids...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var d aims.OutOfCalibrationDecision
		var idx int64
		var human string
		if err := rows.Scan(&d.ID, &d.SystemID, &d.SystemName, &idx, &d.DecidedAt, &d.ModelVersion, &human); err != nil {
			return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", err)
		}
		d.LogIndex, d.Human = uint64(idx), aims.HumanAction(human)
		d.Overridden = d.Human == aims.HumanOverridden
		d.DecidedAt = d.DecidedAt.UTC()
		byID[d.ID] = d
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find out-of-calibration decisions: %w", err)
	}
	for _, e := range merged {
		d, ok := byID[e.id]
		if !ok {
			return nil, 0, fmt.Errorf("find out-of-calibration decisions: decision %s vanished", e.id)
		}
		p := periods[e.order]
		d.InstrumentID, d.InstrumentName, d.Tag, d.Period = p.InstrumentID, p.InstrumentName, p.Tag, p.Period
		out = append(out, d)
	}
	return out, total, nil
}

// indexRange is a period of a tag (its index in the periods given) within
// one tag set holding the tag: a range of the index (tag set, decided_at).
type indexRange struct {
	period int
	set    string
}

// periodRanges finds the index ranges of the periods that can hold
// decisions: the tag sets holding each period's tag whose first and last
// decisions bound a span that overlaps the period.
func periodRanges(ctx context.Context, q Querier, scope aims.Scope, periods []TagPeriod) ([]indexRange, error) {
	var tags []string
	seen := map[string]bool{}
	for _, p := range periods {
		if !seen[p.Tag] {
			seen[p.Tag] = true
			tags = append(tags, p.Tag)
		}
	}
	setsOf := map[string][]string{}
	err := eachChunk(tags, func(chunk []string) error {
		rows, err := q.queryer().QueryContext(ctx, `SELECT tag, tag_set_id FROM decision_tag_set_tags
			WHERE org_id = $1 AND tag IN (`+marks(2, len(chunk))+`) ORDER BY tag, tag_set_id`, append([]any{scope.OrgID()}, anySlice(chunk)...)...)
		if err != nil {
			return mapError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var tag, set string
			if err := rows.Scan(&tag, &set); err != nil {
				return err
			}
			setsOf[tag] = append(setsOf[tag], set)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	// The first and last decision of each tag set bound its ranges: most
	// periods (before an instrument's first calibration, after its last)
	// hold none.
	bounds := map[string]aims.Period{}
	for _, sets := range setsOf {
		for _, set := range sets {
			if _, ok := bounds[set]; ok {
				continue
			}
			var b aims.Period
			for _, end := range []struct {
				order string
				dst   *time.Time
			}{{"", &b.From}, {" DESC", &b.To}} {
				err := q.queryer().QueryRowContext(ctx, `SELECT decided_at FROM decisions WHERE org_id = $1 AND tag_set_id = $2
					ORDER BY decided_at`+end.order+` LIMIT 1`, scope.OrgID(), set).Scan(end.dst)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return nil, mapError(err)
				}
			}
			b.To = b.To.Add(time.Microsecond) // half-open
			bounds[set] = b
		}
	}
	var ranges []indexRange
	for i, p := range periods {
		for _, set := range setsOf[p.Tag] {
			if b := bounds[set]; !b.Empty() && p.From.Before(b.To) && b.From.Before(p.To) {
				ranges = append(ranges, indexRange{i, set})
			}
		}
	}
	return ranges, nil
}

// FindLineageOrphans finds the loose ends of the lineage records of the
// organization in scope (see aims.LineageOrphans), at most limit of each,
// with the totals.
func FindLineageOrphans(ctx context.Context, q Querier, scope aims.Scope, now time.Time, limit int) (*aims.LineageOrphans, error) {
	o := &aims.LineageOrphans{UnusedTags: []*aims.Tag{}, FeaturesWithoutTags: []*aims.Feature{}, InstrumentsWithoutCurrentCalibration: []*aims.Instrument{}}
	var err error
	// Counted apart: the page stops after limit tags in name order.
	const unused = `t.org_id = $1 AND t.id NOT IN (
			SELECT ft.tag_id FROM model_version_features mvf
			JOIN feature_tags ft ON ft.feature_id = mvf.feature_id
			WHERE mvf.org_id = $1
			UNION
			SELECT dt.tag_id FROM dataset_uses du
			JOIN dataset_tags dt ON dt.dataset_id = du.dataset_id
			WHERE du.org_id = $1)`
	if err := q.queryer().QueryRowContext(ctx, `SELECT COUNT(*) FROM tags t WHERE `+unused, scope.OrgID()).Scan(&o.UnusedTagsTotal); err != nil {
		return nil, fmt.Errorf("count unused tags: %w", mapError(err))
	}
	err = eachTag(ctx, q, tagSelect+` WHERE `+unused+` ORDER BY t.name_key, t.id LIMIT $2`, []any{scope.OrgID(), limit},
		func(t *aims.Tag) error { o.UnusedTags = append(o.UnusedTags, t); return nil })
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
