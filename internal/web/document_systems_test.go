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

// TestDocumentFormPicksSystems: the document form offers the inventory's
// AI systems as boxes; the ones ticked are kept and shown ticked on edit;
// another organization's system is refused.
func TestDocumentFormPicksSystems(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		sys := storetest.System("Scorer", e.members[aims.RoleAdmin].ID)
		if err := e.svc.CreateSystem(e.ctx(aims.RoleAdmin), sys); err != nil {
			t.Fatal(err)
		}
		theirs := storetest.System("Theirs", e.other.Admin.ID)
		if err := e.svc.CreateSystem(authz.WithPrincipal(t.Context(), e.byID[e.other.Admin.ID]), theirs); err != nil {
			t.Fatal(err)
		}
		query(t, e.get(aims.RoleAdmin, "/documents/new").want(t, http.StatusOK).doc, `input[name=system_ids][value="`+sys.ID+`"]`)
		form := url.Values{"title": {"Scorer procedure"}, "doc_type": {"procedure"}, "classification": {"internal"},
			"owner_id": {e.members[aims.RoleAdmin].ID}, "review_interval_months": {"12"}, "system_ids": {sys.ID}}
		res := e.post(aims.RoleAdmin, "/documents/new", form)
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		d, err := e.svc.FindDocumentByID(e.ctx(aims.RoleAdmin), strings.TrimPrefix(res.location, "/documents/"))
		if err != nil || !slices.Equal(d.SystemIDs, []string{sys.ID}) {
			t.Fatalf("document systems %v (%v), want the scorer", d, err)
		}
		edit := e.get(aims.RoleAdmin, res.location+"/edit").want(t, http.StatusOK)
		if _, on := attrOK(query(t, edit.doc, `input[name=system_ids][value="`+sys.ID+`"]`), "checked"); !on {
			t.Fatal("the edit form does not show the system ticked")
		}
		form.Set("title", "Their procedure")
		form["system_ids"] = []string{theirs.ID}
		if res := e.post(aims.RoleAdmin, "/documents/new", form); res.status != http.StatusUnprocessableEntity {
			t.Fatalf("another organization's system: %d, want 422", res.status)
		}
	})
}
