package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestOperationPanel checks the operator view of a system: its decisions
// and override chart, and the stop and resume buttons for those with the
// authority only, with a refused stop's message next to its field.
func TestOperationPanel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		sys := storetest.System("Setpoint optimizer", owner.ID)
		sys.LifecycleStage = aims.StageDeployed
		e.org.MustCreateSystem(t, db, sys)
		ctx := e.ctx(aims.RoleAdmin)
		for i := range 5 {
			human := ""
			if i%2 == 0 {
				human = `,"human":{"action":"overridden","by":"operator Ana","at":"` + time.Now().UTC().Format(time.RFC3339) + `","value":39}`
			}
			body := fmt.Sprintf(`{"model_version":"1.0","source":"gw","seq":%d,"source_time":%q,"inputs":{"TT-101 torque":41},"output":{"value":%d,"unit":"%%"}%s}`,
				i, time.Now().UTC().Add(-time.Duration(i)*24*time.Hour).Format(time.RFC3339), 40+i, human)
			if _, err := e.svc.RecordDecision(ctx, sys.ID, []byte(body), service.ViaCLI); err != nil {
				t.Fatal(err)
			}
		}
		path := "/systems/" + sys.ID
		pg := e.get(aims.RoleViewer, path).want(t, http.StatusOK)
		if got := len(queryAll(pg.doc, "table.decisions tbody tr")); got != 5 {
			t.Errorf("%d recent decisions shown, want 5", got)
		}
		if got := len(queryAll(pg.doc, "svg.override-chart rect.overridden")); got != overrideDays {
			t.Errorf("%d days in the override chart, want %d", got, overrideDays)
		}
		if c := text(query(t, pg.doc, "#overrides-caption")); !strings.Contains(c, "5 decisions, 3 overridden") {
			t.Errorf("chart caption %q", c)
		}
		query(t, pg.doc, `#operation-lineage .empty-graph`)
		query(t, pg.doc, `.authorization[data-authorized="yes"]`)
		noMatch(t, pg.doc, "form.suspend")

		// The system's owner stops it; a reason is required.
		pg = e.post(aims.RoleSystemOwner, path+"/suspend", url.Values{"reason": {""}}).want(t, http.StatusUnprocessableEntity)
		query(t, pg.doc, "#reason-error")
		pg = e.post(aims.RoleSystemOwner, path+"/suspend", url.Values{"reason": {"moisture probe out of calibration"}}).want(t, http.StatusSeeOther)
		pg = e.get(aims.RoleSystemOwner, path).want(t, http.StatusOK)
		if s := text(query(t, pg.doc, `.authorization[data-authorized="no"]`)); !strings.Contains(s, "moisture probe out of calibration") {
			t.Errorf("authorization state %q", s)
		}
		query(t, pg.doc, "form.resume")
		// A contributor who does not own it may not; the service refuses
		// the post even without the form.
		e.post(aims.RoleContributor, path+"/resume", url.Values{"note": {"x"}}).want(t, http.StatusForbidden)
		e.post(aims.RoleSystemOwner, path+"/resume", url.Values{"note": {"probe replaced"}}).want(t, http.StatusSeeOther)
		pg = e.get(aims.RoleAuditor, path).want(t, http.StatusOK)
		query(t, pg.doc, `.authorization[data-authorized="yes"]`)
		if h := text(query(t, pg.doc, "table.suspensions tbody")); !strings.Contains(h, "probe replaced") || !strings.Contains(h, "moisture probe") {
			t.Errorf("history %q", h)
		}
	})
}
