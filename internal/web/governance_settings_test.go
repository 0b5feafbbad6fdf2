package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestGovernanceSettingsPage: only an administrator opens the approval and
// evidence settings; a bad window is refused next to its field; turning
// separation of duties off holds for this organization only, and the
// document version's approval form follows the policy: a box to ask for
// it when the policy is off, words saying it applies when it is on.
func TestGovernanceSettingsPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		e.get(aims.RoleAIMSManager, "/admin/settings").want(t, http.StatusForbidden)
		e.post(aims.RoleAIMSManager, "/admin/settings", url.Values{"expiring_days": {"10"}}).want(t, http.StatusForbidden)
		page := e.get(aims.RoleAdmin, "/admin/settings").want(t, http.StatusOK)
		if _, on := attrOK(query(t, page.doc, `input[name=separation_of_duties]`), "checked"); !on {
			t.Fatal("separation of duties is not checked by default")
		}
		if got := attr(query(t, page.doc, `input[name=expiring_days]`), "value"); got != "30" {
			t.Fatalf("expiring window shown %q, want 30", got)
		}

		bad := e.post(aims.RoleAdmin, "/admin/settings", url.Values{"separation_of_duties": {"true"}, "expiring_days": {"0"}}).
			want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, `#expiring_days-error`)

		res := e.post(aims.RoleAdmin, "/admin/settings", url.Values{"expiring_days": {"45"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.status, res.body)
		}
		page = e.get(aims.RoleAdmin, "/admin/settings").want(t, http.StatusOK)
		if _, on := attrOK(query(t, page.doc, `input[name=separation_of_duties]`), "checked"); on {
			t.Fatal("separation of duties still checked after turning it off")
		}
		if got := attr(query(t, page.doc, `input[name=expiring_days]`), "value"); got != "45" {
			t.Fatalf("expiring window shown %q, want 45", got)
		}
		other, err := e.svc.FindApprovalSettings(authz.WithPrincipal(context.Background(), e.byID[e.other.Admin.ID]))
		if err != nil || !other.SeparationOfDuties {
			t.Fatalf("the other organization's policy: %+v %v, want still on", other, err)
		}

		res = e.post(aims.RoleAdmin, "/documents/new", url.Values{"title": {"Release procedure"}, "doc_type": {"procedure"},
			"classification": {"internal"}, "owner_id": {e.members[aims.RoleAdmin].ID}, "review_interval_months": {"12"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("create document: %d %s", res.status, res.body)
		}
		v := &aims.DocumentVersion{Major: 1, Body: "# Release\n\nCheck twice.", ChangeSummary: "First"}
		if err := e.svc.CreateDocumentVersion(e.ctx(aims.RoleAdmin), strings.TrimPrefix(res.location, "/documents/"), v); err != nil {
			t.Fatal(err)
		}
		verURL := res.location + "/versions/" + v.ID
		query(t, e.get(aims.RoleAdmin, verURL).doc, `form[action$="/submit"] input[name=separation_of_duties]`)

		e.post(aims.RoleAdmin, "/admin/settings", url.Values{"separation_of_duties": {"true"}, "expiring_days": {"45"}}).want(t, http.StatusSeeOther)
		ver := e.get(aims.RoleAdmin, verURL).want(t, http.StatusOK)
		noMatch(t, ver.doc, `form[action$="/submit"] input[name=separation_of_duties]`)
		if !strings.Contains(text(query(t, ver.doc, `form[action$="/submit"] .separation-of-duties`)), "may not approve your own request") {
			t.Fatal("the approval form does not say the organization requires separation of duties")
		}
	})
}
