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

// TestDocumentPages: a new AI policy starts from the template; a body with
// script renders inert on the version page; the version is submitted for
// the AIMS manager, who approves it from the page; the policy page then
// lists who has acknowledged it and who has not; an auditor sees no form.
func TestDocumentPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		res := e.post(aims.RoleAdmin, "/documents/new", url.Values{"title": {"AI policy"}, "doc_type": {"ai_policy"},
			"classification": {"internal"}, "owner_id": {e.members[aims.RoleAdmin].ID}, "review_interval_months": {"12"},
			"requirements": {"iso42001:5.2"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		docURL := res.location
		doc := e.get(aims.RoleAdmin, docURL).want(t, http.StatusOK)
		link := query(t, doc.doc, `table a[href*="/versions/"]`)
		verURL := attr(link, "href")
		ver := e.get(aims.RoleAdmin, verURL).want(t, http.StatusOK)
		if !strings.Contains(text(query(t, ver.doc, `article.document-body`)), "continual improvement") &&
			!strings.Contains(strings.ToLower(text(query(t, ver.doc, `article.document-body`))), "improvement") {
			t.Fatalf("the new policy does not start from the template")
		}

		res = e.post(aims.RoleAdmin, verURL+"/edit", url.Values{"change_summary": {"Ours"},
			"body": {"# Our policy\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1))"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.status, res.body)
		}
		ver = e.get(aims.RoleAdmin, verURL).want(t, http.StatusOK)
		noMatch(t, ver.doc, `article.document-body script`)
		noMatch(t, ver.doc, `article.document-body a[href^="javascript"]`)
		query(t, ver.doc, `article.document-body h1`)

		res = e.post(aims.RoleAdmin, verURL+"/submit", url.Values{"approvers": {e.members[aims.RoleAIMSManager].ID},
			"quorum": {"1"}, "separation_of_duties": {"on"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", res.status, res.body)
		}
		mgr := e.get(aims.RoleAIMSManager, verURL).want(t, http.StatusOK)
		form := query(t, mgr.doc, `form[action^="/approvals/"]`)
		noMatch(t, e.get(aims.RoleAdmin, verURL).doc, `form[action^="/approvals/"]`) // the requester does not decide
		noMatch(t, e.get(aims.RoleAuditor, verURL).doc, `main form[method=post]`)
		res = e.post(aims.RoleAIMSManager, attr(form, "action"), url.Values{"verdict": {"approve"}, "comment": {"Fine"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", res.status, res.body)
		}
		res = e.post(aims.RoleViewer, verURL+"/acknowledge", nil)
		if res.status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d %s", res.status, res.body)
		}
		doc = e.get(aims.RoleAuditor, docURL).want(t, http.StatusOK)
		acks := text(query(t, doc.doc, `section[aria-labelledby=acks]`))
		if !strings.Contains(acks, "1 of 6 members") || !strings.Contains(acks, "Not yet") {
			t.Errorf("acknowledgements panel: %q", acks)
		}
		work := e.get(aims.RoleAdmin, "/my-work").want(t, http.StatusOK)
		if !strings.Contains(text(work.doc), "Document to acknowledge") {
			t.Errorf("admin's work does not list the policy to acknowledge")
		}
		e.get(aims.RoleViewer, "/approvals?status=approved").want(t, http.StatusOK)
		list := e.get(aims.RoleViewer, "/documents?doc_type=ai_policy&status=approved").want(t, http.StatusOK)
		query(t, list.doc, `table a[href="`+docURL+`"]`)
	})
}
