package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// cvAnswers is a filled questionnaire: a deployed CV screener.
func cvAnswers() url.Values {
	return url.Values{"ai_system": {"true"}, "roles": {"deployer"}, "annex_iii_points": {"4(a)"}, "gpai": {"integrated"},
		"rationale": {"It filters job applications."}}
}

func TestClassificationPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		sys := e.mustSystem("CV screener", owner)
		base := "/systems/" + sys.ID + "/classification"

		// Before any answer: the result page invites the owner, not a viewer.
		p := e.get(aims.RoleSystemOwner, base).want(t, http.StatusOK)
		query(t, p.doc, "#not-classified a#classify-start")
		noMatch(t, e.get(aims.RoleViewer, base).doc, "a#classify-start")
		query(t, e.get(aims.RoleViewer, "/systems/"+sys.ID).doc, "#classification-panel")

		// The questionnaire: every question without JavaScript, the roles
		// taken from the inventory; a viewer may not open it.
		form := e.get(aims.RoleSystemOwner, base+"/edit").want(t, http.StatusOK)
		for _, sel := range []string{"#ai_system-true", "#roles-deployer[checked]", "#public_body", "#annex_i_third_party",
			"#annex_iii_points-4-a", "#q-derogation #profiling", "#derogation_conditions-a", "#transparency-50-1", "#gpai-none[checked]",
			"textarea#rationale", `fieldset#ai_system[hx-trigger="load, change consume"]`} {
			query(t, form.doc, sel)
		}
		if n := len(queryAll(form.doc, `input[name=annex_iii_points]`)); n != 25 {
			t.Errorf("%d Annex III points offered, want 25", n)
		}
		e.get(aims.RoleViewer, base+"/edit").want(t, http.StatusForbidden)

		// htmx asks for the questions that matter for the answers so far.
		q := func(v url.Values) page {
			return e.get(aims.RoleSystemOwner, base+"/questions?"+v.Encode()).want(t, http.StatusOK)
		}
		frag := q(url.Values{"ai_system": {"true"}, "roles": {"provider"}})
		for _, sel := range []string{"#q-derogation", "#public_body", "#annex_i_third_party", "#gpai_systemic_risk"} {
			noMatch(t, frag.doc, sel)
		}
		query(t, frag.doc, "div#questions[hx-trigger=change]")
		frag = q(url.Values{"ai_system": {"true"}, "roles": {"deployer"}, "annex_iii_points": {"4(a)"}, "annex_i_product": {"true"}, "gpai": {"provided"}})
		for _, sel := range []string{"#q-derogation", "#public_body", "#annex_i_third_party", "#gpai_systemic_risk", "details#area-4[open]"} {
			query(t, frag.doc, sel)
		}
		noMatch(t, frag.doc, "details#area-1[open]")
		frag = q(url.Values{"ai_system": {"false"}})
		noMatch(t, frag.doc, "#annex_iii_points")
		query(t, frag.doc, "#gpai")

		// Refused answers come back with the message next to the question.
		bad := cvAnswers()
		bad.Set("annex_iii_points", "9(z)")
		p = e.post(aims.RoleSystemOwner, base, bad).want(t, http.StatusUnprocessableEntity)
		if msg := text(query(t, p.doc, "#annex_iii_points-error")); !strings.Contains(msg, "not an Annex III point") {
			t.Errorf("error = %q", msg)
		}
		bad = cvAnswers()
		bad.Del("annex_iii_points")
		bad.Set("derogation_conditions", "a")
		p = e.post(aims.RoleSystemOwner, base, bad).want(t, http.StatusUnprocessableEntity)
		query(t, p.doc, "#derogation_conditions-error")
		query(t, p.doc, `.form-error-summary a[href="#derogation_conditions"]`)
		query(t, p.doc, `fieldset#ai_system[hx-trigger="change consume"]`) // errors stay on the page

		// Classify; the result shows the tier, the obligations with dates,
		// and the reasons.
		p = e.post(aims.RoleSystemOwner, base, cvAnswers()).want(t, http.StatusSeeOther)
		if p.location != base {
			t.Fatalf("redirect to %q", p.location)
		}
		res := e.get(aims.RoleViewer, base).want(t, http.StatusOK)
		if got := text(query(t, res.doc, "#tier .badge")); got != "High-risk" {
			t.Errorf("tier = %q", got)
		}
		rows := texts(res.doc, "#obligations tbody tr")
		if len(rows) != 3 || !strings.Contains(rows[1], "Art. 26") || !strings.Contains(rows[1], "2026-08-02") || !strings.Contains(rows[1], "proposed: 2027-12-02") {
			t.Errorf("obligations = %q, want Art. 4, 26 and 73 with their dates", rows)
		}
		if why := texts(res.doc, "#rationale li"); !slices.ContainsFunc(why, func(s string) bool { return strings.Contains(s, "It filters job applications.") }) {
			t.Errorf("rationale = %q", why)
		}
		query(t, res.doc, "#impact-class")

		// Answer again with profiling and the derogation: still high-risk,
		// and the page says why.
		again := cvAnswers()
		again.Set("profiling", "true")
		again.Set("derogation_conditions", "d")
		again.Set("no_significant_risk", "true")
		e.post(aims.RoleContributor, base, again).want(t, http.StatusSeeOther)
		res = e.get(aims.RoleViewer, base).want(t, http.StatusOK)
		if got := text(query(t, res.doc, "#tier .badge")); got != "High-risk" {
			t.Errorf("tier with profiling = %q", got)
		}
		if why := strings.Join(texts(res.doc, "#rationale li"), " "); !strings.Contains(why, "performs profiling of natural persons") {
			t.Errorf("rationale does not name profiling: %q", why)
		}

		// History: version 2 lists the answers that changed.
		hist := e.get(aims.RoleAuditor, base+"/history").want(t, http.StatusOK)
		changed := texts(hist.doc, "#version-2 table.diff tbody th")
		if want := []string{"Profiling of natural persons", "Art. 6(3) conditions", "No significant risk of harm (Art. 6(3))"}; !slices.Equal(changed, want) {
			t.Errorf("changed answers = %q, want %q", changed, want)
		}
		query(t, hist.doc, "#version-1")

		// The portfolio summary counts the system, and lists the other as
		// unclassified.
		e.mustSystem("Forecaster", owner)
		sum := e.get(aims.RoleViewer, "/classifications").want(t, http.StatusOK)
		if got := texts(sum.doc, "#tiers .count"); !slices.Equal(got, []string{"0", "1", "0", "0", "0", "1"}) {
			t.Errorf("tier counts = %q", got)
		}
		if got := texts(sum.doc, "#unclassified a"); !slices.Equal(got, []string{"Forecaster"}) {
			t.Errorf("unclassified = %q", got)
		}
		noMatch(t, sum.doc, "#export-csv") // a viewer may not export
		query(t, e.get(aims.RoleAuditor, "/classifications").doc, "#export-csv")
		query(t, e.get(aims.RoleViewer, "/systems/"+sys.ID).doc, "#classification-panel #panel-tier .badge")

		// Another organization's system is not found.
		other := storetest.System("Theirs", e.other.Admin.ID)
		if err := e.svc.CreateSystem(authz.WithPrincipal(t.Context(), e.byID[e.other.Admin.ID]), other); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"", "/edit", "/history", "/questions"} {
			e.get(aims.RoleAdmin, "/systems/"+other.ID+"/classification"+path).want(t, http.StatusNotFound)
		}
		e.post(aims.RoleAdmin, "/systems/"+other.ID+"/classification", cvAnswers()).want(t, http.StatusNotFound)
	})
}
