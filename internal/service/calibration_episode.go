package service

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindOutOfCalibrationEpisodes groups the decisions made while an
// instrument producing one of their input tags was out of calibration by
// episode (the instrument and the period), newest first, with how many
// decisions each holds and how many a person overrode (ISO/IEC 42001
// A.6.2.8, A.7.4). The filter's page is ignored: an organization has few
// episodes. FindOutOfCalibrationDecisions with the episode's instrument and
// period lists its decisions.
func (s *Service) FindOutOfCalibrationEpisodes(ctx context.Context, f aims.OutOfCalibrationDecisionFilter) ([]aims.OutOfCalibrationEpisode, error) {
	scope, periods, err := s.outOfCalibrationPeriods(ctx, f)
	if err != nil {
		return nil, err
	}
	return store.FindEpisodesInPeriods(ctx, s.db, scope, f.SystemID, periods)
}

// OutOfCalibrationEpisodeCSVColumns are the columns of the episodes
// export, in order.
var OutOfCalibrationEpisodeCSVColumns = []string{"instrument", "tags", "out_of_calibration_from", "out_of_calibration_to",
	"decisions", "overridden", "first_decision_at", "last_decision_at"}

// ExportOutOfCalibrationEpisodesCSV writes the episodes as CSV (UTF-8 with
// a byte-order mark, cells a spreadsheet would run as a formula made
// text): one row per episode, tags separated by "; ", times in RFC 3339
// UTC, and an end the records leave open as an empty cell.
func (s *Service) ExportOutOfCalibrationEpisodesCSV(ctx context.Context, w io.Writer, f aims.OutOfCalibrationDecisionFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export out-of-calibration decisions"); err != nil {
		return err
	}
	episodes, err := s.FindOutOfCalibrationEpisodes(ctx, f)
	if err != nil {
		return err
	}
	if _, err := w.Write(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(OutOfCalibrationEpisodeCSVColumns); err != nil {
		return err
	}
	stamp := func(t time.Time) string {
		if t.Equal(aims.OpenStart) || t.Equal(aims.OpenEnd) {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, e := range episodes {
		rec := []string{e.InstrumentName, strings.Join(e.Tags, "; "), stamp(e.Period.From), stamp(e.Period.To),
			strconv.Itoa(e.Decisions), strconv.Itoa(e.Overridden), stamp(e.FirstDecidedAt), stamp(e.LastDecidedAt)}
		for i := range rec {
			rec[i] = escapeFormula(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
