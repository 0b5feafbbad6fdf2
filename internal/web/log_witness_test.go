package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
	"github.com/aimsproject/aims/internal/witness"
)

// TestLogPageWitnesses: an admin adds a witness and publishes the
// checkpoints from the log page; a bad key is named next to its field;
// other roles see the witnesses but no form, and may not post.
func TestLogPageWitnesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		_, vkey, err := witness.GenerateKey("witness.site2.example")
		if err != nil {
			t.Fatal(err)
		}
		bad := e.post(aims.RoleAdmin, "/log/witnesses", url.Values{"url": {"https://w.example"}, "verifier_key": {"not a key"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#verifier_key[aria-invalid=true]")
		query(t, bad.doc, "#verifier_key-error")
		if got := attr(query(t, bad.doc, "input#url"), "value"); got != "https://w.example" {
			t.Errorf("URL kept as %q", got)
		}

		e.post(aims.RoleAdmin, "/log/witnesses", url.Values{"url": {"https://w.example"}, "verifier_key": {vkey}}).want(t, http.StatusSeeOther)
		admin := e.get(aims.RoleAdmin, "/log").want(t, http.StatusOK)
		if got := texts(admin.doc, "#witnesses tbody td.secret"); len(got) != 1 || got[0] != "witness.site2.example" {
			t.Fatalf("witnesses listed: %v", got)
		}
		query(t, admin.doc, "form#witness-form")

		viewer := e.get(aims.RoleViewer, "/log").want(t, http.StatusOK)
		if got := texts(viewer.doc, "#witnesses tbody td.secret"); len(got) != 1 {
			t.Errorf("a viewer sees witnesses %v", got)
		}
		noMatch(t, viewer.doc, "form#witness-form")
		noMatch(t, viewer.doc, `form[action="/log/publish"]`)
		e.post(aims.RoleAIMSManager, "/log/publish", url.Values{"public": {"on"}}).want(t, http.StatusForbidden)
		e.post(aims.RoleViewer, "/log/witnesses", url.Values{"url": {"https://x.example"}, "verifier_key": {vkey}}).want(t, http.StatusForbidden)

		e.post(aims.RoleAdmin, "/log/publish", url.Values{"public": {"on"}}).want(t, http.StatusSeeOther)
		if s, _ := e.svc.LogSettings(e.ctx(aims.RoleViewer)); !s.PublicCheckpoints {
			t.Error("publishing from the page did not publish")
		}
		if !strings.Contains(e.get(aims.RoleAdmin, "/log").body, "Stop publishing") {
			t.Error("the page does not offer to stop publishing")
		}

		ws, _ := e.svc.ListLogWitnesses(e.ctx(aims.RoleAdmin))
		// Another organization's admin cannot remove it.
		if p := e.do(e.other.Admin, http.MethodPost, "/log/witnesses/"+ws[0].ID+"/remove", url.Values{}, nil); p.status != http.StatusNotFound {
			t.Errorf("another organization removing the witness: status %d, want 404", p.status)
		}
		e.post(aims.RoleAdmin, "/log/witnesses/"+ws[0].ID+"/remove", url.Values{}).want(t, http.StatusSeeOther)
		if ws, _ := e.svc.ListLogWitnesses(e.ctx(aims.RoleAdmin)); len(ws) != 0 {
			t.Errorf("%d witnesses left after removing", len(ws))
		}
	})
}
