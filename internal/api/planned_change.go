package api

import (
	"context"
	"io"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// PlannedChangeInput is a new change to the AIMS (ISO/IEC 42001 6.3).
type PlannedChangeInput struct {
	Title          string            `json:"title" maxLength:"200" doc:"Unique in the organization, any case"`
	Purpose        string            `json:"purpose" maxLength:"20000"`
	Consequences   string            `json:"consequences,omitempty" maxLength:"20000" doc:"Potential consequences of the change"`
	Resources      string            `json:"resources,omitempty" maxLength:"20000" doc:"The resources the change needs"`
	ResponsibleID  string            `json:"responsible_id,omitempty" doc:"The member responsible for the change"`
	TargetDate     string            `json:"target_date,omitempty" format:"date"`
	Status         aims.ChangeStatus `json:"status,omitempty" enum:"planned,in_progress,completed,cancelled" default:"planned"`
	CompletedOn    string            `json:"completed_on,omitempty" format:"date" doc:"Required when completed"`
	CompletionNote string            `json:"completion_note,omitempty" maxLength:"20000" doc:"Required when cancelled"`
}

type plannedChangeList struct {
	PageParams
	Q      string `query:"q" doc:"Part of the title, any case"`
	Status string `query:"status" enum:"planned,in_progress,completed,cancelled"`
	Sort   string `query:"sort" enum:"name,-name,updated_at,-updated_at,target,-target" doc:"The order; a leading - reverses it"`
}

func (in *plannedChangeList) filter() aims.PlannedChangeFilter {
	return aims.PlannedChangeFilter{Search: in.Q, Status: aims.ChangeStatus(in.Status), Sort: in.Sort, Page: in.page()}
}

func (h *Handlers) registerPlannedChanges(api huma.API) {
	crud[aims.PlannedChange, plannedChangeList, PlannedChangeInput, aims.PlannedChangeUpdate]{
		tag: "Planning of changes", path: "/changes", noun: "planned change", plural: "planned changes", ids: [2]string{"planned-change", "planned-changes"}, a: "a",
		list: func(ctx context.Context, in *plannedChangeList) ([]*aims.PlannedChange, int, error) {
			return h.svc.FindPlannedChanges(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *plannedChangeList) error {
			return h.svc.ExportPlannedChangesCSV(ctx, w, in.filter())
		},
		exportColumns: service.PlannedChangeCSVColumns,
		create: func(ctx context.Context, b PlannedChangeInput) (*aims.PlannedChange, error) {
			return created(ctx, &aims.PlannedChange{Title: b.Title, Purpose: b.Purpose, Consequences: b.Consequences, Resources: b.Resources,
				ResponsibleID: b.ResponsibleID, TargetDate: dateOrNil(b.TargetDate), Status: b.Status, CompletedOn: dateOrNil(b.CompletedOn),
				CompletionNote: b.CompletionNote}, h.svc.CreatePlannedChange)
		},
		get: h.svc.FindPlannedChangeByID, update: h.svc.UpdatePlannedChange, delete: h.svc.DeletePlannedChange,
	}.register(api)
}
