package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestObjectivePages sets objectives through the form (a missing measure
// and target refused next to their fields), measures a computed one and
// records a value by hand, and checks that the auditor and the viewer read
// the page, its chart and its status, without the buttons and forms to
// measure, and are refused when they post.
func TestObjectivePages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleAIMSManager].ID
		form := url.Values{"title": {"Controls implemented"}, "owner_id": {owner}, "comparison": {"at_least"},
			"due_date": {"2030-06-30"}, "cadence": {"monthly"}}
		bad := e.post(aims.RoleAIMSManager, "/objectives/new", form).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "select#measure[aria-invalid=true]")
		query(t, bad.doc, "input#target_value[aria-invalid=true]")

		form.Set("measure", "computed")
		form.Set("indicator", "controls_implemented")
		form.Set("target_value", "80")
		computed := e.post(aims.RoleAIMSManager, "/objectives/new", form).want(t, http.StatusSeeOther)
		e.post(aims.RoleContributor, computed.location+"/measure", url.Values{}).want(t, http.StatusSeeOther)

		manual := e.post(aims.RoleAIMSManager, "/objectives/new", url.Values{"title": {"Literacy sessions"}, "owner_id": {owner},
			"comparison": {"at_least"}, "target_value": {"6"}, "unit": {"sessions"}, "due_date": {"2030-06-30"},
			"cadence": {"quarterly"}, "measure": {"manual"}}).want(t, http.StatusSeeOther)
		noEvidence := e.post(aims.RoleAIMSManager, manual.location+"/measurements", url.Values{"value": {"2"}}).want(t, http.StatusUnprocessableEntity)
		query(t, noEvidence.doc, "input#evidence[aria-invalid=true]")
		e.post(aims.RoleAIMSManager, manual.location+"/measurements", url.Values{"value": {"2"}, "evidence": {"Attendance list"}}).
			want(t, http.StatusSeeOther)

		for _, role := range []aims.Role{aims.RoleAuditor, aims.RoleViewer} {
			page := e.get(role, computed.location).want(t, http.StatusOK)
			query(t, page.doc, "figure.objective-chart svg[role=img]")
			if got := text(query(t, page.doc, "main .badge")); got != "At risk" && got != "On track" && got != "Off track" {
				t.Errorf("%s: status badge %q", role, got)
			}
			noMatch(t, page.doc, `form[action="`+computed.location+`/measure"]`)
			noMatch(t, e.get(role, manual.location).doc, `form[action="`+manual.location+`/measurements"]`)
			e.post(role, computed.location+"/measure", url.Values{}).want(t, http.StatusForbidden)
			e.post(role, manual.location+"/measurements", url.Values{"value": {"3"}, "evidence": {"x"}}).want(t, http.StatusForbidden)
			e.post(role, "/objectives/new", form).want(t, http.StatusForbidden)
			list := e.get(role, "/objectives").want(t, http.StatusOK)
			if got := strings.Join(texts(list.doc, "tbody td a"), ", "); got != "Controls implemented, Literacy sessions" {
				t.Errorf("%s: list shows %q", role, got)
			}
			home := e.get(role, "/").want(t, http.StatusOK)
			query(t, home.doc, `#home-objectives a[href="/objectives"]`)
			e.get(role, "/indicators").want(t, http.StatusOK)
		}
		query(t, e.get(aims.RoleAIMSManager, manual.location).doc, `form[action="`+manual.location+`/measurements"]`)

		// The list sorts by its headers and exports what it shows.
		sorted := e.get(aims.RoleAuditor, "/objectives?sort=-title").want(t, http.StatusOK)
		if got := strings.Join(texts(sorted.doc, "tbody td a"), ", "); got != "Literacy sessions, Controls implemented" {
			t.Errorf("sorted by title, reversed: %q", got)
		}
		query(t, sorted.doc, `th[aria-sort=descending] a[href="/objectives?sort=title"]`)
		query(t, sorted.doc, `a#export-csv[href="/api/v1/objectives/export.csv?sort=-title"]`)
		noMatch(t, e.get(aims.RoleViewer, "/objectives").doc, "a#export-csv")

		// The audit trail links the objectives and their measurements.
		trail := e.get(aims.RoleAuditor, "/audit?entity_type=objective").want(t, http.StatusOK)
		query(t, trail.doc, `li.audit-event header a[href="`+computed.location+`"]`)
		measured := e.get(aims.RoleAuditor, "/audit?entity_type=objective_measurement").want(t, http.StatusOK)
		query(t, measured.doc, `li.audit-event header a[href="`+manual.location+`#history"]`)
	})
}
