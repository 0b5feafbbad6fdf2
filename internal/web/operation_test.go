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
		// Payloads are personal data (read_payload): a viewer sees that a
		// person overrode, not who, nor the output; the owner sees both.
		for _, where := range []string{path, path + "/decisions"} {
			if b := e.get(aims.RoleViewer, where).want(t, http.StatusOK).body; strings.Contains(b, "operator Ana") || !strings.Contains(b, "(withheld)") {
				t.Errorf("%s as a viewer shows the payload, or does not say it is withheld", where)
			}
			if b := e.get(aims.RoleSystemOwner, where).want(t, http.StatusOK).body; !strings.Contains(b, "operator Ana") || strings.Contains(b, "(withheld)") {
				t.Errorf("%s as the system's owner does not show the payload", where)
			}
		}

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

// TestDecisionListPage checks the page of a system's decisions: paged
// newest first, filtered by day, model version, source and what a person
// did, with the CSV export of the same selection; a bad day is named next
// to its field; an empty selection says so; another organization's member
// does not find the system.
func TestDecisionListPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		sys := e.mustSystem("Setpoint optimizer", owner)
		ctx := e.ctx(aims.RoleAdmin)
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.1", Status: aims.ModelValidated, Digest: fmt.Sprintf("%064x", 21)}
		if err := e.svc.CreateModelVersion(ctx, mv); err != nil {
			t.Fatal(err)
		}
		day0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		// 30 decisions, one a day from March 1: gw-1 and gw-2 by turns,
		// every third overridden, from the 20th on by model version 2.1.
		for i := range 30 {
			human, version := "", "1.0"
			if i%3 == 0 {
				human = `,"human":{"action":"overridden","by":"operator Ana","at":"` + day0.Format(time.RFC3339) + `","value":39}`
			}
			if i >= 19 {
				version = "2.1"
			}
			body := fmt.Sprintf(`{"model_version":%q,"source":"gw-%d","seq":%d,"source_time":%q,"inputs":{"TT-101 torque":41},"output":{"value":%d,"unit":"%%"}%s}`,
				version, i%2+1, i, day0.AddDate(0, 0, i).Format(time.RFC3339), 40+i, human)
			if _, err := e.svc.RecordDecision(ctx, sys.ID, []byte(body), service.ViaCLI); err != nil {
				t.Fatal(err)
			}
		}
		path := "/systems/" + sys.ID + "/decisions"
		rows := func(pg page) []string {
			var out []string
			for _, tr := range queryAll(pg.doc, "table.decisions tbody tr") {
				out = append(out, strings.Fields(text(queryAll(tr, "td")[2]))[0]+" "+strings.Fields(text(queryAll(tr, "td")[0]))[0])
			}
			return out
		}
		// The operator view links here.
		query(t, e.get(aims.RoleViewer, "/systems/"+sys.ID).want(t, http.StatusOK).doc, `a[href="`+path+`"]`)

		pg := e.get(aims.RoleAuditor, path).want(t, http.StatusOK)
		if s := text(query(t, pg.doc, `p[role="status"]`)); !strings.Contains(s, "30 decisions") {
			t.Errorf("status %q", s)
		}
		if got := rows(pg); len(got) != listPerPage || got[0] != "gw-2 2026-03-30" {
			t.Errorf("page 1: %d rows from %v, want %d from gw-2 2026-03-30", len(got), got, listPerPage)
		}
		if got := rows(e.get(aims.RoleAuditor, path+"?page=2").want(t, http.StatusOK)); len(got) != 30-listPerPage || got[len(got)-1] != "gw-1 2026-03-01" {
			t.Errorf("page 2: %v", got)
		}

		for _, c := range []struct {
			name, query string
			want        []string
			export      string
		}{
			{"days, the last included", "since=2026-03-10&until=2026-03-12", []string{"gw-2 2026-03-12", "gw-1 2026-03-11", "gw-2 2026-03-10"},
				"since=2026-03-10T00%3A00%3A00Z&until=2026-03-13T00%3A00%3A00Z"},
			{"source and person", "source=gw-2&human=overridden", []string{"gw-2 2026-03-28", "gw-2 2026-03-22", "gw-2 2026-03-16", "gw-2 2026-03-10", "gw-2 2026-03-04"},
				"human=overridden&source=gw-2"},
			{"model version", "model_version=" + mv.ID + "&since=2026-03-28", []string{"gw-2 2026-03-30", "gw-1 2026-03-29", "gw-2 2026-03-28"},
				"model_version=" + mv.ID + "&since=2026-03-28T00%3A00%3A00Z"},
		} {
			pg := e.get(aims.RoleViewer, path+"?"+c.query).want(t, http.StatusOK)
			if got := rows(pg); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
			if href := attr(query(t, pg.doc, `p[role="status"] a`), "href"); href != "/api/v1/systems/"+sys.ID+"/decisions/export.csv?"+c.export {
				t.Errorf("%s: export link %q", c.name, href)
			}
			query(t, pg.doc, `a[href="`+path+`"][role="button"]`) // Clear
		}
		if sel := query(t, e.get(aims.RoleViewer, path+"?model_version="+mv.ID).doc, `#model_version option[selected]`); attr(sel, "value") != mv.ID {
			t.Errorf("the model version chosen is not selected: %q", attr(sel, "value"))
		}

		pg = e.get(aims.RoleViewer, path+"?since=2026-03-12&until=2026-03-10").want(t, http.StatusUnprocessableEntity)
		query(t, pg.doc, "#until-error")
		pg = e.get(aims.RoleViewer, path+"?since=tuesday").want(t, http.StatusUnprocessableEntity)
		query(t, pg.doc, "#since-error")
		pg = e.get(aims.RoleViewer, path+"?source=gw-9").want(t, http.StatusOK)
		if s := text(query(t, pg.doc, "article.empty")); !strings.Contains(s, "No decision matches") {
			t.Errorf("empty selection says %q", s)
		}
		noMatch(t, pg.doc, `p[role="status"] a`)

		e.do(e.other.Admin, http.MethodGet, path, nil, nil).want(t, http.StatusNotFound)
	})
}
