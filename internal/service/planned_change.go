package service

import (
	"context"
	"io"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// plannedChanges is the register of changes to the AIMS (ISO/IEC 42001 6.3).
var plannedChanges = register[aims.PlannedChange, *aims.PlannedChange, aims.PlannedChangeFilter, aims.PlannedChangeUpdate]{
	plural: "planned changes",
	list:   store.FindPlannedChanges, find: store.FindPlannedChangeByID,
	create: store.CreatePlannedChange, update: store.UpdatePlannedChange, delete: store.DeletePlannedChange,
	checkFilter: func(f aims.PlannedChangeFilter) error {
		if f.Status != "" && !f.Status.IsValid() {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown status", Fields: []aims.FieldError{{Field: "status", Detail: "is not a known status"}}}
		}
		return nil
	},
	checkRefs: func(ctx context.Context, q store.Querier, scope aims.Scope, c *aims.PlannedChange) error {
		var err error
		c.ResponsibleName, err = checkAccount(ctx, q, scope, "responsible_id", c.ResponsibleID)
		return err
	},
}

// FindPlannedChanges lists the planned changes of the caller's organization.
func (s *Service) FindPlannedChanges(ctx context.Context, f aims.PlannedChangeFilter) ([]*aims.PlannedChange, int, error) {
	return plannedChanges.findAll(ctx, s, f)
}

// FindPlannedChangeByID returns one planned change.
func (s *Service) FindPlannedChangeByID(ctx context.Context, id string) (*aims.PlannedChange, error) {
	return plannedChanges.findByID(ctx, s, id)
}

// CreatePlannedChange adds a planned change.
func (s *Service) CreatePlannedChange(ctx context.Context, in *aims.PlannedChange) error {
	return plannedChanges.add(ctx, s, in)
}

// UpdatePlannedChange changes a planned change.
func (s *Service) UpdatePlannedChange(ctx context.Context, id string, upd aims.PlannedChangeUpdate) (*aims.PlannedChange, error) {
	return plannedChanges.change(ctx, s, id, upd)
}

// DeletePlannedChange removes a planned change.
func (s *Service) DeletePlannedChange(ctx context.Context, id string) error {
	return plannedChanges.remove(ctx, s, id)
}

// PlannedChangeCSVColumns are the columns of the planned changes export.
var PlannedChangeCSVColumns = []string{"title", "purpose", "consequences", "resources", "responsible", "target_date", "status",
	"completed_on", "completion_note", "created_at", "updated_at", "id"}

// ExportPlannedChangesCSV writes the changes that f selects (all pages) as CSV.
func (s *Service) ExportPlannedChangesCSV(ctx context.Context, w io.Writer, f aims.PlannedChangeFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export planned changes"); err != nil {
		return err
	}
	return exportPages(w, PlannedChangeCSVColumns, func(p aims.Page) ([]*aims.PlannedChange, int, error) {
		f.Page = p
		return s.FindPlannedChanges(ctx, f)
	}, func(c *aims.PlannedChange) []string {
		return []string{c.Title, c.Purpose, c.Consequences, c.Resources, c.ResponsibleName, csvDate(c.TargetDate), string(c.Status),
			csvDate(c.CompletedOn), c.CompletionNote, csvTime(c.CreatedAt), csvTime(c.UpdatedAt), c.ID}
	})
}
