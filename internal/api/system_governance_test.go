package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestSystemGovernance checks the system as the hub: the governance answer
// names the system's risks, the controls that treat them with their rows
// in the newest SoA version, its obligations with their status, and what
// blocks it; setting an obligation's status records who and when, and
// unblocks it; bad input names its field.
func TestSystemGovernance(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		sys, _ := classifiedSystem(t, e, o, nil)
		id := sys["id"]
		high := o.mustRisk(t, e, id, o.Admin.ID, 4, 4, "A.6.2.4")
		low := o.mustRisk(t, e, id, o.Admin.ID, 1, 1, "A.6.2.6", "A.6.2.4")
		soa := o.soaApproved(t, e.svc)
		plain := o.mustSystem(t, e.db, o.Admin.ID)
		url := "/api/v1/systems/" + id
		governance := func(check func(t *testing.T, g aims.SystemGovernance)) func(t *testing.T, res *httptest.ResponseRecorder) {
			return func(t *testing.T, res *httptest.ResponseRecorder) {
				var g aims.SystemGovernance
				decode(t, res, &g)
				check(t, g)
			}
		}
		blocked := func(g aims.SystemGovernance, kind, subjectOrID string) bool {
			for _, b := range g.Blockers {
				if b.Kind == kind && (b.ID == subjectOrID || len(b.Subject) >= len(subjectOrID) && b.Subject[:len(subjectOrID)] == subjectOrID) {
					return true
				}
			}
			return false
		}
		obligation := func(g aims.SystemGovernance, article string) *aims.SystemObligation {
			for i := range g.Obligations {
				if g.Obligations[i].Article == article {
					return &g.Obligations[i]
				}
			}
			t.Fatalf("no obligation %s in %+v", article, g.Obligations)
			return nil
		}
		e.run(t, []scenario{
			{name: "a viewer reads the hub", role: aims.RoleViewer, method: http.MethodGet, url: url + "/governance", wantStatus: 200,
				check: governance(func(t *testing.T, g aims.SystemGovernance) {
					if len(g.Risks) != 2 || g.Risks[0].ID != high.ID && g.Risks[1].ID != high.ID {
						t.Errorf("risks %d, want the system's two", len(g.Risks))
					}
					if g.SoAVersion != soa || g.SoAStatus != aims.SoAApproved {
						t.Errorf("SoA version %d %s, want %d approved", g.SoAVersion, g.SoAStatus, soa)
					}
					if len(g.Controls) != 2 {
						t.Fatalf("controls %+v, want A.6.2.4 and A.6.2.6", g.Controls)
					}
					for _, c := range g.Controls {
						if !c.InSoA || c.Applicability != aims.Applicable || c.Status == "" || c.Title == "" {
							t.Errorf("control %+v: want its SoA row (applicable) and title", c)
						}
						if c.RequirementID == "A.6.2.4" && len(c.Risks) != 2 {
							t.Errorf("A.6.2.4 treats %v, want both risks", c.Risks)
						}
					}
					if g.ClassificationVersion != 1 || obligation(g, "Art. 4").State.Status != aims.ObligationOpen {
						t.Errorf("classification %d, Art. 4 %+v: want version 1, open", g.ClassificationVersion, obligation(g, "Art. 4").State)
					}
					if !blocked(g, aims.BlockerRisk, high.ID) || blocked(g, aims.BlockerRisk, low.ID) {
						t.Errorf("blockers %+v: want the high risk (above appetite, not accepted) and not the low one", g.Blockers)
					}
					if !blocked(g, aims.BlockerObligation, "Art. 4") {
						t.Errorf("blockers %+v: want the open Art. 4", g.Blockers)
					}
				})},
			{name: "a viewer may not set a status", role: aims.RoleViewer, method: http.MethodPut, url: url + "/obligations",
				body: map[string]any{"article": "Art. 4", "status": "met"}, wantStatus: 403},
			{name: "an article the classification does not name", role: aims.RoleAdmin, method: http.MethodPut, url: url + "/obligations",
				body: map[string]any{"article": "Art. 99", "status": "met"}, wantStatus: 422, check: wantPointers("/article")},
			{name: "not applicable needs a reason", role: aims.RoleAdmin, method: http.MethodPut, url: url + "/obligations",
				body: map[string]any{"article": "Art. 4", "status": "not_applicable", "note": "  "}, wantStatus: 422, check: wantPointers("/note")},
			{name: "an unknown status", role: aims.RoleAdmin, method: http.MethodPut, url: url + "/obligations",
				body: map[string]any{"article": "Art. 4", "status": "done"}, wantStatus: 422, check: wantPointers("/status")},
			{name: "a system not classified has no obligations", role: aims.RoleAdmin, method: http.MethodPut,
				url: "/api/v1/systems/" + plain.ID + "/obligations", body: map[string]any{"article": "Art. 4", "status": "met"},
				wantStatus: 422, check: wantPointers("/article")},
			{name: "an unknown system", role: aims.RoleAdmin, method: http.MethodPut, url: "/api/v1/systems/nope/obligations",
				body: map[string]any{"article": "Art. 4", "status": "met"}, wantStatus: 404},
			{name: "in progress", role: aims.RoleAdmin, method: http.MethodPut, url: url + "/obligations",
				body: map[string]any{"article": "Art. 4", "status": "in_progress"}, wantStatus: 200},
			{name: "met", role: aims.RoleAdmin, method: http.MethodPut, url: url + "/obligations",
				body: map[string]any{"article": "Art. 4", "status": "met", "note": "Training given in March"}, wantStatus: 200,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var so aims.SystemObligation
					decode(t, res, &so)
					if so.State.Status != aims.ObligationMet || so.State.SetByName == "" || so.State.SetAt == nil || so.Title == "" {
						t.Errorf("answer %+v: want met, with who, when and the article's title", so)
					}
				}},
			{name: "the hub shows who set it and no longer blocks on it", role: aims.RoleViewer, method: http.MethodGet, url: url + "/governance",
				wantStatus: 200, check: governance(func(t *testing.T, g aims.SystemGovernance) {
					st := obligation(g, "Art. 4").State
					if st.Status != aims.ObligationMet || st.Note != "Training given in March" || st.SetByName == "" || st.SetAt == nil {
						t.Errorf("Art. 4 %+v: want met with the note, who and when", st)
					}
					if blocked(g, aims.BlockerObligation, "Art. 4") {
						t.Errorf("blockers %+v: Art. 4 is met", g.Blockers)
					}
				})},
			{name: "the audit trail holds both changes", role: aims.RoleAdmin, method: http.MethodGet,
				url: "/api/v1/audit-events?entity_type=" + aims.EntityObligationStatus, wantStatus: 200,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var p listPage[aims.AuditEvent]
					decode(t, res, &p)
					if p.Total != 2 {
						t.Errorf("%d audit events, want a create and an update", p.Total)
					}
				}},
		})
	})
}
