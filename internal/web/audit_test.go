package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestAuditTrailShowsWhoChangedWhat(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		created := e.post(aims.RoleContributor, "/systems/new", systemFormValues("Setpoint optimizer", owner.ID)).want(t, http.StatusSeeOther)
		id := strings.TrimPrefix(created.location, "/systems/")
		form := systemFormValues("Setpoint optimizer", owner.ID)
		form.Set("lifecycle_stage", "deployed")
		e.post(aims.RoleSystemOwner, created.location+"/edit", form).want(t, http.StatusSeeOther)

		for _, role := range []aims.Role{aims.RoleViewer, aims.RoleContributor, aims.RoleSystemOwner} {
			e.get(role, "/audit").want(t, http.StatusForbidden)
			noMatch(t, e.get(role, created.location).doc, `a[href="`+auditURL(aims.EntityAISystem, id)+`"]`)
		}
		// The system page links its history for those who may read it.
		query(t, e.get(aims.RoleAuditor, created.location).doc, `a[href="`+auditURL(aims.EntityAISystem, id)+`"]`)

		p := e.get(aims.RoleAuditor, auditURL(aims.EntityAISystem, id)).want(t, http.StatusOK)
		events := queryAll(p.doc, "li.audit-event")
		if len(events) != 2 {
			t.Fatalf("%d events, want create and update", len(events))
		}
		upd, crt := events[0], events[1]
		if got := text(query(t, upd, "header .badge")); got != "changed" {
			t.Errorf("newest event is %q", got)
		}
		if !strings.Contains(text(query(t, upd, "header small")), owner.Email) {
			t.Errorf("update actor: %q", text(query(t, upd, "header small")))
		}
		if !strings.Contains(text(query(t, crt, "header small")), e.members[aims.RoleContributor].Email) {
			t.Errorf("create actor: %q", text(query(t, crt, "header small")))
		}
		// Each event links its own proof from the tamper-evident log.
		proofs := map[string]bool{}
		for _, ev := range events {
			href := attr(query(t, ev, "a.proof-link"), "href")
			if !regexp.MustCompile(`^/api/v1/audit-events/[0-9a-f-]{36}/proof$`).MatchString(href) {
				t.Errorf("proof link %q", href)
			}
			proofs[href] = true
		}
		if len(proofs) != len(events) {
			t.Errorf("%d distinct proof links for %d events", len(proofs), len(events))
		}
		// The record still exists: the event links it.
		query(t, upd, `header a[href="/systems/`+id+`"]`)
		// Changed fields are highlighted with before and after.
		changed := texts(upd, "table.diff tr.changed th")
		if !slices.Contains(changed, "lifecycle_stage") || slices.Contains(changed, "name") {
			t.Errorf("changed fields = %v", changed)
		}
		for _, tr := range queryAll(upd, "table.diff tr.changed") {
			if text(query(t, tr, "th")) == "lifecycle_stage" {
				if text(query(t, tr, "del")) != "development" || text(query(t, tr, "ins")) != "deployed" {
					t.Errorf("stage change shown as %q -> %q", text(query(t, tr, "del")), text(query(t, tr, "ins")))
				}
			}
		}
		// A create shows the record.
		if got := texts(crt, "table.diff th"); !slices.Contains(got, "purpose") {
			t.Errorf("created record fields = %v", got)
		}
		// Times are UTC.
		if got := text(query(t, upd, "header time")); !strings.HasSuffix(got, " UTC") {
			t.Errorf("time shown as %q", got)
		}

		// Filters: by actor, by action, by day.
		byOwner := e.get(aims.RoleAuditor, "/audit?actor="+owner.ID).want(t, http.StatusOK)
		if n := len(queryAll(byOwner.doc, "li.audit-event")); n != 1 {
			t.Errorf("owner's events: %d", n)
		}
		query(t, byOwner.doc, `select#actor option[value="`+owner.ID+`"][selected]`)
		if n := len(queryAll(e.get(aims.RoleAuditor, "/audit?action=create&entity_type=ai_system").doc, "li.audit-event")); n != 1 {
			t.Errorf("create events: %d", n)
		}
		today := time.Now().UTC().Format(aims.DateLayout)
		if n := len(queryAll(e.get(aims.RoleAuditor, "/audit?entity_type=ai_system&since="+today+"&until="+today).doc, "li.audit-event")); n != 2 {
			t.Errorf("events today: %d, want 2 (until includes its day)", n)
		}
		bad := e.get(aims.RoleAuditor, "/audit?since=2025-02-01&until=2025-01-01").want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#until[aria-invalid=true]")

		// Once deleted, the events name the record without linking it.
		e.post(aims.RoleContributor, created.location+"/delete", nil).want(t, http.StatusSeeOther)
		after := e.get(aims.RoleAuditor, auditURL(aims.EntityAISystem, id)).want(t, http.StatusOK)
		noMatch(t, after.doc, `li.audit-event header a[href="/systems/`+id+`"]`)
		del := queryAll(after.doc, "li.audit-event")[0]
		if got := text(query(t, del, "header .badge")); got != "deleted" {
			t.Errorf("newest event after delete: %q", got)
		}
		if got := text(query(t, del, "header strong")); got != "Setpoint optimizer" {
			t.Errorf("deleted record named %q", got)
		}
		// Another organization's trail is not shown.
		if strings.Contains(e.get(aims.RoleAuditor, "/audit").body, e.other.Admin.Email) {
			t.Error("the audit trail shows another organization's events")
		}
	})
}

func TestAuditDiff(t *testing.T) {
	ev := &aims.AuditEvent{Action: aims.ActionUpdate,
		Before: json.RawMessage(`{"name":"A","tags":["x"],"in_scope":true,"supplier_id":"","datasets":[{"dataset_name":"D","purpose":"training"}]}`),
		After:  json.RawMessage(`{"name":"A","tags":["x","y"],"in_scope":false,"supplier_id":"","datasets":[]}`)}
	rows := auditDiff(ev)
	want := []diffRow{
		{Field: "name", Before: "A", After: "A"},
		{Field: "tags", Before: "x", After: "x; y", Changed: true},
		{Field: "in_scope", Before: "Yes", After: "No", Changed: true},
		// supplier_id is empty on both sides: left out.
		{Field: "datasets", Before: "(dataset_name: D, purpose: training)", After: "—", Changed: true},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("diff =\n%+v\nwant\n%+v", rows, want)
	}
	created := auditDiff(&aims.AuditEvent{Action: aims.ActionCreate, After: json.RawMessage(`{"b":1,"a":null}`)})
	if !slices.Equal(created, []diffRow{{Field: "b", Before: "—", After: "1"}, {Field: "a", Before: "—", After: "—"}}) {
		t.Errorf("create diff = %+v", created)
	}
}
