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

// TestContextPages follows the climate-change question on the Context
// page (flagged until determined), a refused issue shown again with the
// errors next to their fields, and the requirement rows of an interested
// party and the record of a communication made.
func TestContextPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		ctx := e.get(aims.RoleViewer, "/context").want(t, http.StatusOK)
		query(t, ctx.doc, "#climate-flag")
		noMatch(t, ctx.doc, `#climate-flag a[href="/context/issues/new"]`) // a viewer cannot record it
		query(t, e.get(aims.RoleContributor, "/context").doc, `#climate-flag a[href="/context/issues/new"]`)

		form := url.Values{"title": {"Climate change"}, "category": {"Environmental"}, "origin": {"external"},
			"relevance": {"not_relevant"}, "climate_change": {"on"}}
		bad := e.post(aims.RoleContributor, "/context/issues/new", form).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "textarea#relevance_reason[aria-invalid=true]")
		query(t, bad.doc, "#relevance_reason-error")
		query(t, bad.doc, "input#climate_change[checked]")
		form.Set("relevance_reason", "Our AI runs on two edge devices")
		created := e.post(aims.RoleContributor, "/context/issues/new", form).want(t, http.StatusSeeOther)
		ctx = e.get(aims.RoleAuditor, "/context").want(t, http.StatusOK)
		noMatch(t, ctx.doc, "#climate-flag")
		if got := text(query(t, ctx.doc, "#climate-answer")); !strings.Contains(got, "Not relevant") || !strings.Contains(got, "Climate change") {
			t.Errorf("climate answer %q", got)
		}
		query(t, ctx.doc, `#climate-answer a[href="`+created.location+`"]`)

		party := url.Values{"name": {"Works council"}, "kind": {"works_council"}, "origin": {"internal"}, "rows": {"3"},
			"requirements/0/text": {"Information on AI at work"}, "requirements/0/addressed": {"addressed"},
			"requirements/0/through": {"iso42001:7.4; document:Briefing pack"},
			"requirements/2/text":    {""}, "requirements/2/addressed": {"partly_addressed"}, "requirements/2/through": {"iso42001:Z.1"}}
		bad = e.post(aims.RoleContributor, "/interested-parties/new", party).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#requirements-1-text[aria-invalid=true]") // the empty middle row was dropped
		party.Set("requirements/2/text", "Consultation")
		party.Set("requirements/2/through", "iso42001:A.8.2")
		created = e.post(aims.RoleContributor, "/interested-parties/new", party).want(t, http.StatusSeeOther)
		detail := e.get(aims.RoleViewer, created.location).want(t, http.StatusOK)
		query(t, detail.doc, `a[href="/catalog/iso42001/7.4"]`)

		comm := url.Values{"subject": {"Use of AI at work"}, "audience_kind": {"internal"}, "audience": {"Works council"},
			"cadence": {"quarterly"}, "first_due": {"2020-01-01"}}
		created = e.post(aims.RoleContributor, "/communications/new", comm).want(t, http.StatusSeeOther)
		query(t, e.get(aims.RoleViewer, created.location).doc, "#overdue-flag")
		e.post(aims.RoleViewer, created.location+"/records", url.Values{"date": {"2026-01-01"}, "summary": {"x"}}).want(t, http.StatusForbidden)
		bad = e.post(aims.RoleContributor, created.location+"/records", url.Values{"date": {aims.DateOf(db.Now()).String()}}).
			want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "textarea#summary[aria-invalid=true]")
		e.post(aims.RoleContributor, created.location+"/records", url.Values{"date": {aims.DateOf(db.Now()).String()},
			"summary": {"Quarterly briefing"}}).want(t, http.StatusSeeOther)
		noMatch(t, e.get(aims.RoleViewer, created.location).doc, "#overdue-flag")
	})
}
