package service

import (
	"context"
	"io"
	"strconv"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// ObjectiveCSVColumns are the columns of the objectives export (6.2): the
// objective, its target and its latest measurement with the status it gives.
var ObjectiveCSVColumns = []string{"title", "owner", "comparison", "target_value", "unit", "due_date", "cadence", "measure",
	"indicator", "status", "status_reason", "latest_value", "latest_measured_at", "latest_met", "resources", "evaluation",
	"description", "created_at", "updated_at", "id"}

// ExportObjectivesCSV writes the objectives that f selects (all pages) as CSV.
func (s *Service) ExportObjectivesCSV(ctx context.Context, w io.Writer, f aims.ObjectiveFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export objectives"); err != nil {
		return err
	}
	return exportPages(w, ObjectiveCSVColumns, func(p aims.Page) ([]*aims.Objective, int, error) {
		f.Page = p
		return s.FindObjectives(ctx, f)
	}, func(o *aims.Objective) []string {
		var target, value, at, met string
		if o.TargetValue != nil {
			target = csvNumber(*o.TargetValue)
		}
		if o.Latest != nil {
			value, at, met = csvNumber(o.Latest.Value), csvTime(o.Latest.MeasuredAt), csvBool(o.Latest.Met)
		}
		return []string{o.Title, o.OwnerName, string(o.Comparison), target, o.Unit, csvDate(o.DueDate), string(o.Cadence),
			string(o.Measure), string(o.Indicator), string(o.Status), o.StatusReason, value, at, met, o.Resources, o.Evaluation,
			o.Description, csvTime(o.CreatedAt), csvTime(o.UpdatedAt), o.ID}
	})
}

// csvNumber writes a number as short as it reads back exactly.
func csvNumber(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
