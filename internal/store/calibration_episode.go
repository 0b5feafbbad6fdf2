package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// FindEpisodesInPeriods groups the decisions of the organization in scope
// (of one system, unless systemID is empty) that named a tag as an input
// within one of its periods by episode: an instrument and one of its
// out-of-calibration periods. Each decision counts once per episode, even
// when it named several of the instrument's tags. Episodes without
// decisions are left out; the newest come first.
func FindEpisodesInPeriods(ctx context.Context, q Querier, scope aims.Scope, systemID string, periods []TagPeriod) ([]aims.OutOfCalibrationEpisode, error) {
	out := []aims.OutOfCalibrationEpisode{}
	ranges, err := periodRanges(ctx, q, scope, periods)
	if err != nil {
		return nil, fmt.Errorf("find out-of-calibration episodes: %w", err)
	}
	// One row per episode and tag set: a decision has one tag set, so it
	// matches one row of its episode however many of the tags it named.
	type episodeKey struct {
		instrument string
		from, to   time.Time
	}
	type row struct {
		episode   int
		set       string
		tags      []string
		decisions int
	}
	episodeOf := map[episodeKey]int{}
	var episodes []aims.OutOfCalibrationEpisode
	rowOf := map[[2]string]int{}
	var rows []row
	for _, r := range ranges {
		p := periods[r.period]
		k := episodeKey{p.InstrumentID, p.From, p.To}
		e, ok := episodeOf[k]
		if !ok {
			e = len(episodes)
			episodeOf[k] = e
			episodes = append(episodes, aims.OutOfCalibrationEpisode{InstrumentID: p.InstrumentID, InstrumentName: p.InstrumentName,
				Tags: []string{}, Period: p.Period})
		}
		rk := [2]string{strconv.Itoa(e), r.set}
		i, ok := rowOf[rk]
		if !ok {
			i = len(rows)
			rowOf[rk] = i
			rows = append(rows, row{episode: e, set: r.set})
		}
		if !slices.Contains(rows[i].tags, p.Tag) {
			rows[i].tags = append(rows[i].tags, p.Tag)
		}
	}
	text, stamp := "$%d", "$%d"
	if dialectOf(q) == Postgres {
		text, stamp = "CAST($%d AS TEXT)", "CAST($%d AS TIMESTAMPTZ)"
	}
	for start := 0; start < len(rows); start += chunkSize {
		chunk := rows[start:min(start+chunkSize, len(rows))]
		args := []any{scope.OrgID(), opt(systemID), string(aims.HumanOverridden)}
		var values strings.Builder
		for i, r := range chunk {
			if i > 0 {
				values.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&values, "("+text+", "+text+", "+stamp+", "+stamp+")", n+1, n+2, n+3, n+4)
			p := episodes[r.episode].Period
			args = append(args, strconv.Itoa(start+i), r.set, p.From.UTC(), p.To.UTC())
		}
		res, err := q.queryer().QueryContext(ctx, `WITH r (k, set_id, p_from, p_to) AS (VALUES `+values.String()+`)
			SELECT r.k, COUNT(*), SUM(CASE WHEN d.human = $3 THEN 1 ELSE 0 END) FROM r
			JOIN decisions d ON d.org_id = $1 AND d.tag_set_id = r.set_id AND d.decided_at >= r.p_from AND d.decided_at < r.p_to
			WHERE (CAST($2 AS TEXT) IS NULL OR d.system_id = $2)
			GROUP BY r.k`, args...)
		if err != nil {
			return nil, fmt.Errorf("count out-of-calibration episodes: %w", mapError(err))
		}
		for res.Next() {
			var k string
			var n, overridden int
			if err := res.Scan(&k, &n, &overridden); err != nil {
				res.Close()
				return nil, fmt.Errorf("count out-of-calibration episodes: %w", err)
			}
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(rows) {
				res.Close()
				return nil, fmt.Errorf("count out-of-calibration episodes: row %q", k)
			}
			e := &episodes[rows[i].episode]
			rows[i].decisions = n
			e.Decisions += n
			e.Overridden += overridden
			for _, t := range rows[i].tags {
				if !slices.Contains(e.Tags, t) {
					e.Tags = append(e.Tags, t)
				}
			}
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, fmt.Errorf("count out-of-calibration episodes: %w", err)
		}
	}
	// The first and last decision of each row, from the index.
	for _, r := range rows {
		if r.decisions == 0 {
			continue
		}
		e := &episodes[r.episode]
		for _, end := range []struct {
			order string
			dst   *time.Time
			keep  func(t time.Time) bool
		}{{"", &e.FirstDecidedAt, func(t time.Time) bool { return e.FirstDecidedAt.IsZero() || t.Before(e.FirstDecidedAt) }},
			{" DESC", &e.LastDecidedAt, func(t time.Time) bool { return t.After(e.LastDecidedAt) }}} {
			var t time.Time
			err := q.queryer().QueryRowContext(ctx, `SELECT decided_at FROM decisions
				WHERE org_id = $1 AND tag_set_id = $2 AND decided_at >= $3 AND decided_at < $4
					AND (CAST($5 AS TEXT) IS NULL OR system_id = $5)
				ORDER BY decided_at`+end.order+` LIMIT 1`, scope.OrgID(), r.set, e.Period.From.UTC(), e.Period.To.UTC(), opt(systemID)).Scan(&t)
			if err != nil {
				return nil, fmt.Errorf("find out-of-calibration episodes: %w", mapError(err))
			}
			if t = t.UTC(); end.keep(t) {
				*end.dst = t
			}
		}
	}
	for _, e := range episodes {
		if e.Decisions > 0 {
			slices.Sort(e.Tags)
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b aims.OutOfCalibrationEpisode) int {
		return cmp.Or(b.LastDecidedAt.Compare(a.LastDecidedAt), strings.Compare(a.InstrumentName, b.InstrumentName))
	})
	return out, nil
}
