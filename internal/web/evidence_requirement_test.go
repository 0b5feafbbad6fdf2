package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestEvidenceRequirementForm: from a control's page an AIMS manager says
// which evidence shows it (a bad kind refused next to its field), sees it
// expected (missing), and removes it; a viewer gets no form; another
// organization's expectation is not found.
func TestEvidenceRequirementForm(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		const ctl = "/catalog/iso42001/A.6.2.4"
		noMatch(t, e.get(aims.RoleViewer, ctl).want(t, http.StatusOK).doc, "#expect-evidence")
		e.get(aims.RoleViewer, "/evidence-requirements/new?requirement=iso42001:A.6.2.4").want(t, http.StatusForbidden)
		form := attr(query(t, e.get(aims.RoleAIMSManager, ctl).want(t, http.StatusOK).doc, "#expect-evidence"), "href")
		page := e.get(aims.RoleAIMSManager, form).want(t, http.StatusOK)
		if got := attr(query(t, page.doc, `form input[name=requirement]`), "value"); got != "iso42001:A.6.2.4" {
			t.Fatalf("the form names control %q", got)
		}
		bad := e.post(aims.RoleAIMSManager, "/evidence-requirements/new", url.Values{"requirement": {"iso42001:A.6.2.4"},
			"kind": {"Validation Report!"}, "max_age_days": {"90"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#kind-error")
		if got := attr(query(t, bad.doc, `input[name=max_age_days]`), "value"); got != "90" {
			t.Fatalf("the refused form lost the age: %q", got)
		}
		res := e.post(aims.RoleAIMSManager, "/evidence-requirements/new", url.Values{"requirement": {"iso42001:A.6.2.4"},
			"kind": {"validation-report"}, "max_age_days": {"90"}})
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, ctl) {
			t.Fatalf("create: %d %s %s", res.status, res.location, res.body)
		}
		row := query(t, e.get(aims.RoleAIMSManager, ctl).want(t, http.StatusOK).doc, "#control-evidence tbody tr")
		if got := text(row); !strings.Contains(got, "90 days") || !strings.Contains(got, "Missing") {
			t.Fatalf("expected row %q, want fresh for 90 days and missing", got)
		}
		remove := attr(query(t, row, "form"), "action")
		theirs := &aims.EvidenceRequirement{Requirement: "iso42001:A.6.2.4", Kind: "model-card"}
		if err := e.svc.CreateEvidenceRequirement(authz.WithPrincipal(e.ctx(aims.RoleAdmin), e.byID[e.other.Admin.ID]), theirs); err != nil {
			t.Fatal(err)
		}
		e.post(aims.RoleAIMSManager, "/evidence-requirements/"+theirs.ID+"/delete", url.Values{"requirement": {"iso42001:A.6.2.4"}}).
			want(t, http.StatusNotFound)
		e.post(aims.RoleAIMSManager, remove, url.Values{"requirement": {"iso42001:A.6.2.4"}}).want(t, http.StatusSeeOther)
		noMatch(t, e.get(aims.RoleAIMSManager, ctl).want(t, http.StatusOK).doc, "#control-evidence tbody tr")
	})
}
