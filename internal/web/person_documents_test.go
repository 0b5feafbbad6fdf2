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

// TestPersonPageDocuments approves a policy owned by the admin that the
// viewer acknowledges, and reads both people's pages: the owner's lists
// the policy and, in the one acknowledgements panel, that they have still
// to acknowledge it (marked as the AI policy in force), the viewer's the
// version they acknowledged; a person without an account owns none and
// is told why the policy in force is not acknowledged; another
// organization does not find the page.
func TestPersonPageDocuments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		admin := e.members[aims.RoleAdmin]
		docURL := e.post(aims.RoleAdmin, "/documents/new", url.Values{"title": {"AI policy"}, "doc_type": {"ai_policy"},
			"classification": {"internal"}, "owner_id": {admin.ID}, "review_interval_months": {"12"}}).want(t, http.StatusSeeOther).location
		verURL := attr(query(t, e.get(aims.RoleAdmin, docURL).doc, `table a[href*="/versions/"]`), "href")
		e.post(aims.RoleAdmin, verURL+"/submit", url.Values{"approvers": {e.members[aims.RoleAIMSManager].ID}, "quorum": {"1"}}).
			want(t, http.StatusSeeOther)
		form := query(t, e.get(aims.RoleAIMSManager, verURL).doc, `form[action^="/approvals/"]`)
		e.post(aims.RoleAIMSManager, attr(form, "action"), url.Values{"verdict": {"approve"}}).want(t, http.StatusSeeOther)
		e.post(aims.RoleViewer, verURL+"/acknowledge", nil).want(t, http.StatusSeeOther)

		adminPage := e.get(aims.RoleAdmin, "/people/by-account/"+admin.ID).want(t, http.StatusSeeOther).location
		viewerPage := e.get(aims.RoleAdmin, "/people/by-account/"+e.members[aims.RoleViewer].ID).want(t, http.StatusSeeOther).location
		for _, role := range []aims.Role{aims.RoleAuditor, aims.RoleViewer} {
			owner := e.get(role, adminPage).want(t, http.StatusOK)
			query(t, owner.doc, `section[aria-labelledby=person-documents] a[href="`+docURL+`"]`)
			query(t, owner.doc, `ul#person-to-acknowledge a[href="`+verURL+`"]`)
			if got := text(query(t, owner.doc, "ul#person-to-acknowledge li")); !strings.Contains(got, "AI policy in force") {
				t.Errorf("%s: the owner's policy to acknowledge is not marked as the AI policy in force: %q", role, got)
			}
			noMatch(t, owner.doc, "#person-no-policy")
			reader := e.get(role, viewerPage).want(t, http.StatusOK)
			if got := text(query(t, reader.doc, "#person-to-acknowledge")); !strings.Contains(got, "every approved version") {
				t.Errorf("%s: the viewer's page says %q", role, got)
			}
			query(t, reader.doc, `table#person-acknowledged a[href="`+verURL+`"]`)
			if got := text(query(t, reader.doc, "table#person-acknowledged tbody tr")); !strings.Contains(got, "AI policy in force") {
				t.Errorf("%s: the acknowledged policy is not marked as the AI policy in force: %q", role, got)
			}
			if n := len(queryAll(reader.doc, "section[aria-labelledby=person-acknowledgements]")); n != 1 {
				t.Errorf("%s: %d acknowledgement panels, want one", role, n)
			}
		}

		night := &aims.Person{Name: "Night operator", Active: true}
		if err := e.svc.CreatePerson(e.ctx(aims.RoleAdmin), night); err != nil {
			t.Fatal(err)
		}
		page := e.get(aims.RoleViewer, "/people/"+night.ID).want(t, http.StatusOK)
		query(t, page.doc, "#person-no-account")
		query(t, page.doc, `ul#person-policy-unacknowledged a[href="`+verURL+`"]`)
		noMatch(t, page.doc, "#person-to-acknowledge")
		if got := text(page.doc); !strings.Contains(got, "this person does not") {
			t.Errorf("a person without an account: %q", got)
		}
		e.do(e.other.Admin, http.MethodGet, adminPage, nil, nil).want(t, http.StatusNotFound)
	})
}
