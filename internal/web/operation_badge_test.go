package web

import (
	"net/http"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestRefusalBadgeSaysWhy: a system at the idea stage is "Not deployed",
// never "Stopped"; a suspended one is "Stopped".
func TestRefusalBadgeSaysWhy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		idea := storetest.System("Forecast idea", e.members[aims.RoleSystemOwner].ID)
		idea.LifecycleStage = aims.StageIdea
		e.org.MustCreateSystem(t, db, idea)
		pg := e.get(aims.RoleViewer, "/systems/"+idea.ID).want(t, http.StatusOK)
		if got := text(query(t, pg.doc, `.authorization[data-authorized="no"] .badge`)); got != "Not deployed" {
			t.Errorf("an idea-stage system's badge says %q", got)
		}
		live := storetest.System("Live optimizer", e.members[aims.RoleSystemOwner].ID)
		live.LifecycleStage = aims.StageDeployed
		e.org.MustCreateSystem(t, db, live)
		if _, err := e.svc.SuspendSystem(e.ctx(aims.RoleAdmin), live.ID, aims.NewSuspension{Reason: "probe fault"}); err != nil {
			t.Fatal(err)
		}
		pg = e.get(aims.RoleViewer, "/systems/"+live.ID).want(t, http.StatusOK)
		if got := text(query(t, pg.doc, `.authorization[data-authorized="no"] .badge`)); got != "Stopped" {
			t.Errorf("a suspended system's badge says %q", got)
		}
	})
}
