package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

func (ui *UI) registerPlannedChanges(r chi.Router) {
	crud[aims.PlannedChange]{
		path: "/changes", noun: "planned change", plural: "planned changes",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.PlannedChange, int, bool, error) {
			f := aims.PlannedChangeFilter{Search: q.Get("q"), Status: aims.ChangeStatus(q.Get("status")), Sort: q.Get("sort"), Page: page}
			list, total, err := ui.Svc.FindPlannedChanges(ctx, f)
			return list, total, f.Search != "" || f.Status != "", err
		},
		listPage: PlannedChangeListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, c *aims.PlannedChange) error {
			return render(w, r, http.StatusOK, PlannedChangePage(ui.page(r, c.Title, "planned changes"), c))
		},
		find:  ui.Svc.FindPlannedChangeByID,
		key:   func(c *aims.PlannedChange) (string, string) { return c.ID, c.Title },
		blank: func() *aims.PlannedChange { return &aims.PlannedChange{Status: aims.ChangePlanned} },
		read: func(id string, f url.Values) (*aims.PlannedChange, error) {
			c := &aims.PlannedChange{ID: id, Title: f.Get("title"), Purpose: f.Get("purpose"), Consequences: f.Get("consequences"),
				Resources: f.Get("resources"), ResponsibleID: f.Get("responsible_id"), Status: aims.ChangeStatus(f.Get("status")),
				CompletionNote: f.Get("completion_note")}
			var v aims.Validation
			c.TargetDate = formDate(&v, f, "target_date")
			c.CompletedOn = formDate(&v, f, "completed_on")
			return c, v.Err()
		},
		create: ui.Svc.CreatePlannedChange,
		update: func(ctx context.Context, c *aims.PlannedChange) error {
			target, done := zeroIfNil(c.TargetDate), zeroIfNil(c.CompletedOn)
			_, err := ui.Svc.UpdatePlannedChange(ctx, c.ID, aims.PlannedChangeUpdate{Title: &c.Title, Purpose: &c.Purpose,
				Consequences: &c.Consequences, Resources: &c.Resources, ResponsibleID: &c.ResponsibleID, TargetDate: &target,
				Status: &c.Status, CompletedOn: &done, CompletionNote: &c.CompletionNote})
			return err
		},
		delete: ui.Svc.DeletePlannedChange,
		form: func(ui *UI, r *http.Request, p Page, st formState[aims.PlannedChange]) (templ.Component, error) {
			members, err := ui.memberOptions(r, st.Record.ResponsibleID, false)
			if err != nil {
				return nil, err
			}
			return PlannedChangeFormPage(p, plannedChangeForm{formState: st, Members: members}), nil
		},
	}.routes(ui, r)
}

// zeroIfNil is the date an update clears a date with when d is nil.
func zeroIfNil(d *aims.Date) aims.Date {
	if d == nil {
		return aims.Date{}
	}
	return *d
}

// plannedChangeForm is the create and edit form of a planned change.
type plannedChangeForm struct {
	formState[aims.PlannedChange]
	Members []option
}

// Action is where the form posts.
func (f plannedChangeForm) Action() string {
	if f.New {
		return "/changes/new"
	}
	return "/changes/" + f.Record.ID + "/edit"
}
