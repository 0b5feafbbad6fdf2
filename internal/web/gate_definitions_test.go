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

// TestGateDefinitionPages (issue 17): an admin sees each gate's checks in
// words (defaults for ordinary and strict systems), edits a gate's checks
// with errors beside the field, and resets it to the default; an AIMS
// manager may not.
func TestGateDefinitionPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		e.get(aims.RoleAIMSManager, "/admin/gates").want(t, http.StatusForbidden)
		doc := e.get(aims.RoleAdmin, "/admin/gates").want(t, http.StatusOK).doc
		body := strings.Join(texts(doc, "main li"), "\n")
		for _, want := range []string{"Approved by 2 people (AIMS manager or Administrator)", "Evidence attached: validation report (of the model version itself)",
			"Evidence attached: model card (of the model version itself)"} {
			if !strings.Contains(body, want) {
				t.Errorf("gates page lacks %q:\n%s", want, body)
			}
		}
		page := "/admin/gates/model_version_deployment"
		e.get(aims.RoleAdmin, page).want(t, http.StatusOK)
		bad := e.post(aims.RoleAdmin, page, url.Values{"kinds": {"approvals"}, "roles": {"aims_manager"}, "quorum": {"0"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#quorum-error")
		bad = e.post(aims.RoleAdmin, page, url.Values{"kinds": {"approvals"}, "quorum": {"2"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#roles-error")
		e.post(aims.RoleAIMSManager, page, url.Values{"kinds": {"approvals"}, "roles": {"aims_manager"}, "quorum": {"3"}}).want(t, http.StatusForbidden)
		e.post(aims.RoleAdmin, page, url.Values{"kinds": {"approvals"}, "roles": {"aims_manager"}, "quorum": {"3"}}).want(t, http.StatusSeeOther)
		defs, err := e.svc.FindGateDefinitions(e.ctx(aims.RoleAdmin))
		if err != nil || len(defs.Own) != 1 || defs.Definitions[2].Checks[0].Quorum != 3 {
			t.Fatalf("after save: %+v %v", defs, err)
		}
		doc = e.get(aims.RoleAdmin, "/admin/gates").want(t, http.StatusOK).doc
		if body := strings.Join(texts(doc, "main li"), "\n"); !strings.Contains(body, "Approved by 3 people (AIMS manager)") {
			t.Errorf("own definition not shown:\n%s", body)
		}
		e.post(aims.RoleAdmin, page+"/reset", url.Values{}).want(t, http.StatusSeeOther)
		if defs, _ := e.svc.FindGateDefinitions(e.ctx(aims.RoleAdmin)); len(defs.Own) != 0 {
			t.Errorf("after reset: own %v", defs.Own)
		}
	})
}
