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
	{Value: aims.EntityDocument, Label: "Document"},
	{Value: aims.EntityDocumentVersion, Label: "Document version"},
	{Value: aims.EntityAcknowledgement, Label: "Acknowledgement"},
	{Value: aims.EntityApprovalRequest, Label: "Approval request"},
	{Value: aims.EntityContextIssue, Label: "Context issue"},
	{Value: aims.EntityContextCategories, Label: "Context categories"},
	{Value: aims.EntityInterestedParty, Label: "Interested party"},
	{Value: aims.EntityPlannedChange, Label: "Planned change"},
	{Value: aims.EntityResource, Label: "Resource"},
	{Value: aims.EntityCommunication, Label: "Communication"},
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
	// Record names the one record whose history is shown (entity_id).
	Record string
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
	if f.EntityID != "" {
		view.Record = "a record without history"
		if len(events) > 0 {
			view.Record = entityTypeLabel(events[0].EntityType) + " “" + events[0].EntityLabel + "”"
		}
	}
	if view.Actors, err = ui.memberOptions(r, f.ActorID, true); err != nil {
		return err
	}
	if f.ActorID != "" && !hasSelected(view.Actors) {
		// An API token's id, from an event's actor link: named as its
		// events name it.
		label := "an API token"
		if len(events) > 0 {
			label = events[0].Actor.Label // "gateway@plant.example (token edge-7)"
		}
		view.Actors = append(view.Actors, option{Value: f.ActorID, Label: label, Selected: true})
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
		if ev.EntityType == aims.EntityMeasurement {
			refs[i].ObjectiveID = jsonString(ev.After, "objective_id")
			if refs[i].ObjectiveID == "" {
				refs[i].ObjectiveID = jsonString(ev.Before, "objective_id")
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
		rows[i] = auditRow{Event: ev}
		if exists[refs[i]] {
			rows[i].Link = entityLink(p, refs[i], ev.EntityLabel)
		}
	}
	names, err := ui.auditNames(r, events, rows)
	if err != nil {
		return nil, err
	}
	for i, ev := range events {
		rows[i].Diff = auditDiff(ev, names)
	}
	return rows, nil
}

// auditNames names the records the events' fields link to by id: the
// events' own records, the organization's members (linked to what they
// did), and any other record by its latest name in the trail, linked to
// its page while it exists.
func (ui *UI) auditNames(r *http.Request, events []*aims.AuditEvent, rows []auditRow) (namer, error) {
	ctx := r.Context()
	known := map[string]recordName{}
	ids := map[string]bool{}
	for i, ev := range events {
		known[ev.EntityID] = recordName{Name: ev.EntityLabel, Href: rows[i].Link}
		jsonIDs(ev.Before, ids)
		jsonIDs(ev.After, ids)
	}
	members, _, err := ui.Svc.FindMembers(ctx, aims.MemberFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		known[m.ID] = recordName{Name: m.Name, Href: "/audit?actor=" + url.QueryEscape(m.ID)}
	}
	var refs []service.EntityRef
	const maxLookups = 50 // a page of 20 events names far fewer
	for id := range ids {
		if _, ok := known[id]; ok || len(refs) >= maxLookups {
			continue
		}
		evs, _, err := ui.Svc.FindAuditEvents(ctx, aims.AuditFilter{EntityID: id, Page: aims.Page{Limit: 1}})
		if err != nil {
			return nil, err
		}
		if len(evs) == 1 {
			known[id] = recordName{Name: evs[0].EntityLabel}
			refs = append(refs, service.EntityRef{Type: evs[0].EntityType, ID: id})
		}
	}
	if len(refs) > 0 {
		exists, err := ui.Svc.ExistingEntities(ctx, refs)
		if err != nil {
			return nil, err
		}
		p := viewer(r)
		for _, ref := range refs {
			if exists[ref] && ref.Type != aims.EntityModelVersion {
				n := known[ref.ID]
				n.Href = entityLink(p, ref, n.Name)
				known[ref.ID] = n
			}
		}
	}
	return func(id string) (recordName, bool) {
		n, ok := known[id]
		return n, ok && n.Name != ""
	}, nil
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
	case aims.EntityContextIssue:
		return "/context/issues/" + ref.ID
	case aims.EntityInterestedParty:
		return "/interested-parties/" + ref.ID
	case aims.EntityPlannedChange:
		return "/changes/" + ref.ID
	case aims.EntityResource:
		return "/resources/" + ref.ID
	case aims.EntityCommunication:
		return "/communications/" + ref.ID
	case aims.EntityObjective:
		return "/objectives/" + ref.ID
	case aims.EntityMeasurement:
		return "/objectives/" + ref.ObjectiveID + "#history"
	case aims.EntityPerson:
		return "/people/" + ref.ID
	case aims.EntityAIMSRole:
		return "/aims-roles/" + ref.ID
	case aims.EntityCompetenceRequirement:
		return "/competence-requirements/" + ref.ID
	case aims.EntityTrainingRecord:
		return "/training-records/" + ref.ID
	case aims.EntityAwarenessSession:
		return "/awareness-sessions/" + ref.ID
	case aims.EntityDocument:
		return "/documents/" + ref.ID
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
