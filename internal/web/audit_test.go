package web

import (
	"encoding/json"
	"net/http"
	"net/url"
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
		// The owner moves the stage by its act (issue 17): the system's
		// update event records it.
		e.post(aims.RoleSystemOwner, created.location+"/stage", url.Values{"to": {"verification_and_validation"}}).want(t, http.StatusSeeOther)

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
		if !slices.Contains(changed, "Lifecycle stage") || slices.Contains(changed, "Name") {
			t.Errorf("changed fields = %v", changed)
		}
		for _, tr := range queryAll(upd, "table.diff tr.changed") {
			if text(query(t, tr, "th")) == "Lifecycle stage" {
				if text(query(t, tr, "del")) != aims.StageDevelopment.Title() || text(query(t, tr, "ins")) != aims.StageVerification.Title() {
					t.Errorf("stage change shown as %q -> %q", text(query(t, tr, "del")), text(query(t, tr, "ins")))
				}
			}
		}
		// A create shows the record.
		if got := texts(crt, "table.diff th"); !slices.Contains(got, "Purpose") {
			t.Errorf("created record fields = %v", got)
		}
		// Times are UTC.
		if got := text(query(t, upd, "header time")); !strings.HasSuffix(got, " UTC") {
			t.Errorf("time shown as %q", got)
		}

		// Filters: by actor, by action, by day.
		byOwner := e.get(aims.RoleAuditor, "/audit?actor="+owner.ID).want(t, http.StatusOK)
		if n := len(queryAll(byOwner.doc, "li.audit-event")); n != 2 {
			t.Errorf("owner's events: %d, want the system's update and the stage act", n)
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
	const owner, gone = "01a24c31-8d3e-7e64-8df7-4fafaccd3962", "01a24c31-8e96-7859-836d-bfeb586cddb7"
	names := func(id string) (recordName, bool) {
		if id == owner {
			return recordName{Name: "Ada Admin", Href: "/audit?actor=" + owner}, true
		}
		return recordName{}, false
	}
	ev := &aims.AuditEvent{Action: aims.ActionUpdate,
		Before: json.RawMessage(`{"id":"` + gone + `","name":"A","tags":["x"],"in_scope":true,"supplier_id":"","owner_id":"` + gone + `","owner_name":"Old Owner","lifecycle_stage":"idea","datasets":[{"dataset_id":"` + gone + `","dataset_name":"D","purpose":"training"}],"updated_at":"2026-03-04T05:06:07.5Z"}`),
		After:  json.RawMessage(`{"id":"` + gone + `","name":"A","tags":["x","y"],"in_scope":false,"supplier_id":"","owner_id":"` + owner + `","owner_name":"Ada Admin","lifecycle_stage":"deployed","datasets":[],"updated_at":"2026-03-05T05:06:07Z"}`)}
	type row struct {
		Label, Before, After string
		Changed              bool
	}
	var got []row
	for _, r := range auditDiff(ev, names) {
		got = append(got, row{r.Label, r.Before.String(), r.After.String(), r.Changed})
	}
	want := []row{
		// The record's own id and the names beside ids are not rows.
		{"Name", "A", "A", false},
		{"Tags", "x", "x; y", true},
		{"In the AIMS scope", "Yes", "No", true},
		// supplier_id is empty on both sides: left out.
		{"Owner", "Old Owner", "Ada Admin", true},
		{"Lifecycle stage", aims.LifecycleStage("idea").Title(), aims.LifecycleStage("deployed").Title(), true},
		{"Datasets", "(Dataset: D, Purpose: " + aims.DatasetPurpose("training").Title() + ")", "—", true},
		{"Last changed", "2026-03-04 05:06:07 UTC", "2026-03-05 05:06:07 UTC", true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("diff =\n%+v\nwant\n%+v", got, want)
	}
	for _, r := range auditDiff(ev, names) {
		if r.Field == "owner_id" && (len(r.After) != 1 || r.After[0].Href != "/audit?actor="+owner) {
			t.Errorf("the owner is not linked to them: %+v", r.After)
		}
	}
	created := auditDiff(&aims.AuditEvent{Action: aims.ActionCreate, After: json.RawMessage(`{"b":1,"a":null,"c":"` + gone + `"}`)}, names)
	if len(created) != 3 || created[0].After.String() != "1" || created[1].After.String() != "—" || created[2].After.String() != "a record no longer known" {
		t.Errorf("create diff = %+v", created)
	}
}
