package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// riskFormValues is a valid risk form, to be changed as a test needs.
func riskFormValues(systemID, ownerID string) url.Values {
	return url.Values{"title": {"Scorecard declines some groups more often"}, "system_id": {systemID}, "source": {"annex_c:C.3.4"},
		"characteristics": {"fair"}, "owner_id": {ownerID}, "inherent_likelihood": {"4"}, "inherent_consequence": {"4"},
		"treatment": {"mitigate"}, "controls": {"A.5.4", "A.7.4"}, "status": {"open"}, "next_review": {"2027-03-31"}}
}

func TestRiskFormComputesTheLevelAndShowsErrorsNextToFields(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		sys := e.mustSystem("Credit scoring", owner)

		form := riskFormValues(sys.ID, owner.ID)
		form.Set("inherent_likelihood", "")
		form.Set("title", "")
		p := e.post(aims.RoleSystemOwner, "/risks/new", form).want(t, http.StatusUnprocessableEntity)
		query(t, p.doc, "select#inherent_likelihood[aria-invalid=true]")
		if got := text(query(t, p.doc, "#inherent_likelihood-error")); !strings.Contains(got, "from 1 to 5") {
			t.Errorf("likelihood error = %q", got)
		}
		query(t, p.doc, "#title-error")
		query(t, p.doc, `input[value="A.5.4"][checked]`) // what was ticked is kept

		p = e.post(aims.RoleSystemOwner, "/risks/new", riskFormValues(sys.ID, owner.ID)).want(t, http.StatusSeeOther)
		detail := e.get(aims.RoleViewer, p.location).want(t, http.StatusOK)
		if got := text(query(t, detail.doc, "#inherent-level")); got != "High" {
			t.Errorf("inherent level shown = %q, want High", got)
		}
		if got := texts(detail.doc, "#risk-controls li a"); strings.Join(got, " ") != "A.5.4 A.7.4" {
			t.Errorf("controls = %v", got)
		}
		// A viewer sees no edit, and no acceptance form.
		noMatch(t, detail.doc, `a[href$="/edit"]`)
		noMatch(t, detail.doc, "#accept")
		// The system owner may not accept a high risk: the page says who may.
		id := strings.TrimPrefix(p.location, "/risks/")
		refused := e.post(aims.RoleSystemOwner, "/risks/"+id+"/accept", url.Values{"rationale": {"We live with it"}}).want(t, http.StatusForbidden)
		if got := text(query(t, refused.doc, "#accept-error")); !strings.Contains(got, "needs an AIMS manager") {
			t.Errorf("refusal = %q", got)
		}
		e.post(aims.RoleAIMSManager, "/risks/"+id+"/accept", url.Values{"rationale": {"Until the refit"}}).want(t, http.StatusSeeOther)
		accepted := e.get(aims.RoleViewer, "/risks/"+id).want(t, http.StatusOK)
		if got := text(query(t, accepted.doc, "#accepted")); !strings.Contains(got, "manager@acme.test") {
			t.Errorf("acceptance = %q", got)
		}
		// Actions: add one overdue, see it flagged in the register's overdue filter.
		e.post(aims.RoleSystemOwner, "/risks/"+id+"/actions", url.Values{"title": {"Disparity test"}, "due_date": {"2020-01-01"}}).
			want(t, http.StatusSeeOther)
		list := e.get(aims.RoleViewer, "/risks?overdue=true").want(t, http.StatusOK)
		if got := texts(list.doc, "#risk-table tbody tr td a.risk-ref"); len(got) != 1 || got[0] != "R-1" {
			t.Errorf("overdue risks = %v", got)
		}
	})
}

func TestRiskRegisterFiltersHeatMapAndCriteria(t *testing.T) {
	db := storetest.OpenSQLite(t)
	e := newTestEnv(t, db)
	owner := e.members[aims.RoleSystemOwner]
	sys := e.mustSystem("Chatbot", owner)
	ctx := e.ctx(aims.RoleContributor)
	for _, lc := range [][2]int{{1, 1}, {4, 4}, {5, 5}} {
		r := &aims.Risk{SystemID: sys.ID, OwnerID: owner.ID, Title: "Risk", Likelihood: lc[0], Consequence: lc[1],
			Source: aims.RiskSource{Kind: aims.SourceNISTGAI, ID: "GAI-2"}}
		if err := e.svc.CreateRisk(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	org := &aims.Risk{OwnerID: owner.ID, Title: "Shadow AI", Likelihood: 3, Consequence: 3, Source: aims.RiskSource{Kind: aims.SourceCustom, Text: "Staff"}}
	if err := e.svc.CreateRisk(ctx, org); err != nil {
		t.Fatal(err)
	}
	rows := func(path string) []string {
		t.Helper()
		return texts(e.get(aims.RoleViewer, path).want(t, http.StatusOK).doc, "#risk-table tbody tr td a.risk-ref")
	}
	for _, tc := range []struct{ path, want string }{
		{"/risks", "R-3 R-2 R-4 R-1"},
		{"/risks?level=high", "R-2"},
		{"/risks?system_id=none", "R-4"},
		{"/risks?system_id=" + sys.ID + "&level=low", "R-1"},
		{"/risks?owner_id=" + e.members[aims.RoleAuditor].ID, ""},
		{"/risks?status=open&q=shadow", "R-4"},
	} {
		if got := strings.Join(rows(tc.path), " "); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
		}
	}
	p := e.get(aims.RoleAuditor, "/risks").want(t, http.StatusOK)
	query(t, p.doc, `a[href="/api/v1/risks/export?format=xlsx"]`)

	hm := e.get(aims.RoleViewer, "/risks/heatmap").want(t, http.StatusOK)
	cell := query(t, hm.doc, `#inherent [data-likelihood="5"][data-consequence="5"]`)
	if !hasWord(attr(cell, "class"), "heat-3") || text(query(t, cell, ".heat-count")) != "1" {
		t.Errorf("critical cell class %q, text %q", attr(cell, "class"), text(cell))
	}
	if got := texts(hm.doc, "#residual .heat-risks a"); len(got) != 0 {
		t.Errorf("residual map shows %v without residual assessments", got)
	}

	crit := e.get(aims.RoleViewer, "/risk-criteria").want(t, http.StatusOK)
	noMatch(t, crit.doc, `a[href="/risk-criteria/edit"]`)
	e.get(aims.RoleContributor, "/risk-criteria/edit").want(t, http.StatusForbidden)
	form := e.get(aims.RoleAIMSManager, "/risk-criteria/edit").want(t, http.StatusOK)
	values := url.Values{}
	var inputs []*html.Node
	for _, tag := range []string{"input", "select", "textarea"} {
		inputs = append(inputs, queryAll(form.doc, "#criteria-form "+tag)...)
	}
	for _, n := range inputs {
		name := attr(n, "name")
		switch n.Data {
		case "select":
			for _, o := range queryAll(n, "option[selected]") {
				values.Set(name, attr(o, "value"))
			}
		case "textarea":
			values.Set(name, text(n))
		default:
			values.Set(name, attr(n, "value"))
		}
	}
	values.Set("levels/1/accept_by", "nobody")
	values.Set("matrix/4/4", "low") // lower than its neighbours
	bad := e.post(aims.RoleAIMSManager, "/risk-criteria/edit", values).want(t, http.StatusUnprocessableEntity)
	query(t, bad.doc, `select#matrix-4-4[aria-invalid=true]`)
	values.Set("matrix/4/4", "critical")
	values.Set("note", "Medium risks need a manager")
	e.post(aims.RoleAIMSManager, "/risk-criteria/edit", values).want(t, http.StatusSeeOther)
	c, err := e.svc.RiskCriteria(ctx)
	if err != nil || c.Version != 2 || c.Levels[1].AcceptBy != aims.AcceptByNobody || c.Note != "Medium risks need a manager" {
		t.Errorf("saved criteria = v%d %+v (%v)", c.Version, c.Levels[1], err)
	}
}

func TestImpactAssessmentPagesAndTheSystemBanner(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		sys := e.mustSystem("CV screener", owner)
		page := e.get(aims.RoleSystemOwner, "/systems/"+sys.ID).want(t, http.StatusOK)
		query(t, page.doc, "#impact-missing")

		p := e.post(aims.RoleSystemOwner, "/systems/"+sys.ID+"/impact-assessments", url.Values{}).want(t, http.StatusSeeOther)
		form := e.get(aims.RoleSystemOwner, p.location).want(t, http.StatusOK)
		query(t, form.doc, "#impact-form textarea#intended_use")
		values := url.Values{"intended_use": {"Summaries for recruiters"}, "affected_parties": {"individuals"}, "conclusion": {"Acceptable"}, "do": {"sign-off"}}
		for _, a := range aims.ImpactAreaValues() {
			if a == aims.AreaEmployment {
				continue // left blank
			}
			for f, v := range map[string]string{"severity": "2", "likelihood": "2", "people_affected": "Applicants", "mitigations": "Review", "residual_impact": "low"} {
				values.Set(areaField(a, f), v)
			}
		}
		values.Set(areaField(aims.AreaFairness, "residual_impact"), "high")
		refused := e.post(aims.RoleSystemOwner, p.location, values).want(t, http.StatusUnprocessableEntity)
		if got := text(query(t, refused.doc, "#areas-employment-error")); !strings.Contains(got, "Employment is blank") {
			t.Errorf("blank area message = %q", got)
		}
		if got := attr(query(t, refused.doc, "textarea#intended_use"), "id"); got == "" || text(query(t, refused.doc, "textarea#intended_use")) != "Summaries for recruiters" {
			t.Error("what was typed is lost")
		}
		values.Set(areaField(aims.AreaEmployment, "not_applicable"), "true")
		values.Set(areaField(aims.AreaEmployment, "notes"), "Recruiters keep their roles")
		e.post(aims.RoleSystemOwner, p.location, values).want(t, http.StatusSeeOther)
		signed := e.get(aims.RoleViewer, p.location).want(t, http.StatusOK)
		if got := text(query(t, signed.doc, "#impact-status")); !strings.Contains(got, "Signed off by system_owner@acme.test") {
			t.Errorf("status = %q", got)
		}
		noMatch(t, signed.doc, "#impact-form")
		page = e.get(aims.RoleViewer, "/systems/"+sys.ID).want(t, http.StatusOK)
		if got := text(query(t, page.doc, "#impact-current")); !strings.Contains(got, "High") {
			t.Errorf("banner = %q", got)
		}
		// Raise the high fairness impact as a risk in one step.
		query(t, e.get(aims.RoleSystemOwner, p.location).doc, "#raise-fairness_bias")
		r := e.post(aims.RoleSystemOwner, p.location+"/areas/fairness_bias/risk", url.Values{}).want(t, http.StatusSeeOther)
		if !strings.HasPrefix(r.location, "/risks/") {
			t.Fatalf("raise went to %q", r.location)
		}
		// A newer deployed model version puts it out of date, on the system page too.
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.0", Digest: strings.Repeat("ef", 32), Status: aims.ModelDeployed}
		if err := e.svc.CreateReleasedModelVersion(e.ctx(aims.RoleAIMSManager), mv, testApproval); err != nil {
			t.Fatal(err)
		}
		page = e.get(aims.RoleViewer, "/systems/"+sys.ID).want(t, http.StatusOK)
		if got := text(query(t, page.doc, "#impact-out-of-date")); !strings.Contains(got, "model version 2.0 was deployed after sign-off") {
			t.Errorf("out-of-date banner = %q", got)
		}
		// Another organization's admin gets 404 on the pages.
		other := e.do(e.other.Admin, http.MethodGet, p.location, nil, nil)
		if other.status != http.StatusNotFound {
			t.Errorf("other organization: status %d", other.status)
		}
	})
}

// TestRiskRegisterSortsByItsHeaders: the register's Risk, Title, Residual
// and Next review headers sort it on the server, say how it is sorted
// (aria-sort), keep the filters and go back to the first page; an unknown
// order is refused.
func TestRiskRegisterSortsByItsHeaders(t *testing.T) {
	db := storetest.OpenSQLite(t)
	e := newTestEnv(t, db)
	owner := e.members[aims.RoleSystemOwner]
	ctx := e.ctx(aims.RoleContributor)
	for _, title := range []string{"Bravo", "alpha", "Charlie"} {
		r := &aims.Risk{OwnerID: owner.ID, Title: title, Likelihood: 2, Consequence: 2, Source: aims.RiskSource{Kind: aims.SourceCustom, Text: "Staff"}}
		if err := e.svc.CreateRisk(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	doc := e.get(aims.RoleViewer, "/risks").want(t, http.StatusOK).doc
	if got := text(query(t, doc, "#risk-table th[aria-sort=descending]")); !strings.Contains(got, "Residual") {
		t.Errorf("default order marked on %q, want Residual (highest level first)", got)
	}
	doc = e.get(aims.RoleViewer, "/risks?q=a&sort=title&page=1").want(t, http.StatusOK).doc
	if got := strings.Join(recordLinks(doc, "#risk-table tbody tr td a"), " "); got != "R-2 R-1 R-3" {
		t.Errorf("sorted by title: %q, want R-2 R-1 R-3 (alpha, Bravo, Charlie)", got)
	}
	th := query(t, doc, "#risk-table th[aria-sort=ascending]")
	if got := attr(query(t, th, "a"), "href"); got != "/risks?q=a&sort=-title" {
		t.Errorf("title header links %q, want the reverse order with the filter and no page", got)
	}
	if got := len(queryAll(doc, "#risk-table th[aria-sort]")); got != 1 {
		t.Errorf("%d headers carry aria-sort, want 1", got)
	}
	e.get(aims.RoleViewer, "/risks?sort=owner").want(t, http.StatusUnprocessableEntity)
}
