package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

func (ui *UI) registerAudit(r chi.Router) {
	r.Get("/audit", ui.handle(ui.auditList))
}

// auditEntityTypes names the audited record types for people, in the order
// the filter offers them.
var auditEntityTypes = []option{
	{Value: aims.EntityAISystem, Label: "AI system"},
	{Value: aims.EntityModelVersion, Label: "Model version"},
	{Value: aims.EntityObligationStatus, Label: "EU AI Act obligation"},
	{Value: aims.EntityDataset, Label: "Dataset"},
	{Value: aims.EntitySupplier, Label: "Supplier"},
	{Value: aims.EntityMember, Label: "Member"},
	{Value: aims.EntityToken, Label: "API token"},
	{Value: "user", Label: "Account"}, // the store records accounts (and password changes) as "user"
	{Value: aims.EntityOrganization, Label: "Organization"},
}

// entityTypeLabel names an entity type for people.
func entityTypeLabel(t string) string {
	for _, o := range auditEntityTypes {
		if o.Value == t {
			return o.Label
		}
	}
	return capitalize(t)
}

// auditView is the audit trail page.
type auditView struct {
	Query   url.Values
	Events  []auditRow
	Pager   Pager
	Actors  []option
	Errors  formErrors
	Filters bool
}

// auditRow is one event as the page shows it.
type auditRow struct {
	Event *aims.AuditEvent
	Link  string // the record's page, while the record exists
	Diff  []diffRow
}

// auditPerPage is smaller than other lists: each event carries its diff.
const auditPerPage = 20

func (ui *UI) auditList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := aims.AuditFilter{EntityType: q.Get("entity_type"), EntityID: q.Get("entity_id"), ActorID: q.Get("actor"),
		Action: aims.AuditAction(q.Get("action")), Page: pageParams(r, auditPerPage)}
	// Dates are whole days, UTC: "until" includes its day.
	var v aims.Validation
	if d := formDate(&v, q, "since"); d != nil {
		f.Since = &d.Time
	}
	if d := formDate(&v, q, "until"); d != nil {
		end := d.Add(24 * time.Hour)
		f.Until = &end
	}
	view := auditView{Query: q}
	for _, k := range []string{"entity_type", "entity_id", "actor", "action", "since", "until"} {
		view.Filters = view.Filters || q.Get(k) != ""
	}
	err := v.Err()
	var events []*aims.AuditEvent
	total := 0
	if err == nil {
		events, total, err = ui.Svc.FindAuditEvents(ctx, f)
	}
	status := http.StatusOK
	if fe, ok := fieldErrors(err); ok {
		view.Errors, status = fe, errorStatus(err)
	} else if err != nil {
		return err
	}
	view.Pager = newPager(r, f.Page, total)
	if view.Events, err = ui.auditRows(r, events); err != nil {
		return err
	}
	if view.Actors, err = ui.memberOptions(r, f.ActorID, true); err != nil {
		return err
	}
	if f.ActorID != "" && !hasSelected(view.Actors) {
		// An API token's id, from an event's actor link.
		view.Actors = append(view.Actors, option{Value: f.ActorID, Label: "API token " + f.ActorID, Selected: true})
	}
	return render(w, r, status, AuditPage(ui.page(r, "Audit trail", "audit"), view))
}

func hasSelected(opts []option) bool {
	for _, o := range opts {
		if o.Selected {
			return true
		}
	}
	return false
}

// auditRows links each event to its record, when the record still exists.
func (ui *UI) auditRows(r *http.Request, events []*aims.AuditEvent) ([]auditRow, error) {
	refs := make([]service.EntityRef, len(events))
	for i, ev := range events {
		refs[i] = service.EntityRef{Type: ev.EntityType, ID: ev.EntityID}
		if ev.EntityType == aims.EntityModelVersion || ev.EntityType == aims.EntityObligationStatus {
			refs[i].SystemID = jsonString(ev.After, "system_id")
			if refs[i].SystemID == "" {
				refs[i].SystemID = jsonString(ev.Before, "system_id")
			}
		}
	}
	exists, err := ui.Svc.ExistingEntities(r.Context(), refs)
	if err != nil {
		return nil, err
	}
	p := viewer(r)
	rows := make([]auditRow, len(events))
	for i, ev := range events {
		rows[i] = auditRow{Event: ev, Diff: auditDiff(ev)}
		if exists[refs[i]] {
			rows[i].Link = entityLink(p, refs[i], ev.EntityLabel)
		}
	}
	return rows, nil
}

// entityLink is the page of a record, or "" when there is none the person
// may open.
func entityLink(p Page, ref service.EntityRef, label string) string {
	switch ref.Type {
	case aims.EntityAISystem:
		return "/systems/" + ref.ID
	case aims.EntityModelVersion:
		return "/systems/" + ref.SystemID + "#versions"
	case aims.EntityObligationStatus:
		return "/systems/" + ref.SystemID + "#obligation-panel"
	case aims.EntityDataset:
		return "/datasets/" + ref.ID
	case aims.EntitySupplier:
		return "/suppliers/" + ref.ID
	case aims.EntityMember:
		if p.Can(authz.ManageUsers) {
			return "/admin/users?q=" + url.QueryEscape(label) // a member's label is their email
		}
	case aims.EntityToken:
		if p.Can(authz.ManageTokens) {
			return "/admin/tokens?include_revoked=true"
		}
	}
	return ""
}

// actorKindLabel says how a change reached aims.
func actorKindLabel(k aims.ActorKind) string {
	switch k {
	case aims.ActorUser:
		return "web"
	case aims.ActorToken:
		return "API token"
	case aims.ActorCLI:
		return "command line"
	case aims.ActorSystem:
		return "aims"
	}
	return string(k)
}

// actorFilterID is the id the actor filter takes for an event's actor.
func actorFilterID(a aims.Actor) string {
	if a.TokenID != "" {
		return a.TokenID
	}
	return a.UserID
}

// auditActionOptions are the choices of the action filter.
func auditActionOptions(selected string) []option {
	return withBlank("Any", []option{
		{Value: string(aims.ActionCreate), Label: "Created", Selected: selected == string(aims.ActionCreate)},
		{Value: string(aims.ActionUpdate), Label: "Changed", Selected: selected == string(aims.ActionUpdate)},
		{Value: string(aims.ActionDelete), Label: "Deleted", Selected: selected == string(aims.ActionDelete)},
	})
}

// actionLabel names an action for people.
func actionLabel(a aims.AuditAction) string {
	switch a {
	case aims.ActionCreate:
		return "created"
	case aims.ActionUpdate:
		return "changed"
	case aims.ActionDelete:
		return "deleted"
	}
	return string(a)
}
