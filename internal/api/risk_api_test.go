package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestRiskTenancy checks that one organization never sees another's risks,
// criteria or impact assessments: lists leave them out, and their ids
// answer 404 to every operation, exactly as an unknown id does.
func TestRiskTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o, me := e.orgs["b"], e.orgs["a"]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		r := o.mustRisk(t, e, sys.ID, o.Admin.ID, 2, 2, "A.6.2.6")
		act := o.mustAction(t, e, r.ID)
		a := o.mustAssessment(t, e, sys.ID, true)
		mine := me.mustSystem(t, e.db, me.Admin.ID)
		myRisk := me.mustRisk(t, e, mine.ID, me.Admin.ID, 1, 1)

		notFound := func(name, method, url string, body any) scenario {
			return scenario{name: name, role: aims.RoleAdmin, method: method, url: url, body: body, wantStatus: http.StatusNotFound,
				check: wantDetail("not found")}
		}
		riskURL := "/api/v1/risks/" + r.ID
		iaURL := "/api/v1/systems/" + sys.ID + "/impact-assessments/" + a.ID
		leaves := func(ids ...string) func(t *testing.T, res *httptest.ResponseRecorder) {
			return func(t *testing.T, res *httptest.ResponseRecorder) {
				for _, id := range ids {
					if strings.Contains(res.Body.String(), id) {
						t.Errorf("the answer shows %s of the other organization", id)
					}
				}
			}
		}
		e.run(t, []scenario{
			{name: "list risks", role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/risks?limit=500", wantStatus: 200, check: leaves(r.ID, r.Title)},
			{name: "filter by the other's system", role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/risks?system_id=" + sys.ID, wantStatus: 200,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var p listPage[aims.Risk]
					decode(t, res, &p)
					if p.Total != 0 {
						t.Errorf("%d risks of the other organization's system", p.Total)
					}
				}},
			{name: "export", role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/risks/export?format=csv", wantStatus: 200, check: leaves(r.Title)},
			{name: "criteria versions", role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/risk-criteria/versions", wantStatus: 200,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var list []aims.RiskCriteria
					decode(t, res, &list)
					if len(list) != 1 { // a's own, saved by its first risk
						t.Errorf("%d criteria versions, want a's one", len(list))
					}
				}},
			notFound("get risk", http.MethodGet, riskURL, nil),
			notFound("patch risk", http.MethodPatch, riskURL, map[string]any{"title": "Taken over"}),
			notFound("delete risk", http.MethodDelete, riskURL, nil),
			notFound("accept risk", http.MethodPost, riskURL+"/accept", map[string]any{"rationale": "x"}),
			notFound("link control", http.MethodPost, riskURL+"/controls", map[string]any{"control_id": "A.6.2.4"}),
			notFound("unlink control", http.MethodDelete, riskURL+"/controls/A.6.2.6", nil),
			notFound("add action", http.MethodPost, riskURL+"/actions", map[string]any{"title": "x"}),
			notFound("patch action", http.MethodPatch, riskURL+"/actions/"+act.ID, map[string]any{"status": "done"}),
			notFound("patch action through an own risk", http.MethodPatch, "/api/v1/risks/"+myRisk.ID+"/actions/"+act.ID, map[string]any{"status": "done"}),
			notFound("delete action", http.MethodDelete, riskURL+"/actions/"+act.ID, nil),
			notFound("list assessments", http.MethodGet, "/api/v1/systems/"+sys.ID+"/impact-assessments", nil),
			notFound("start assessment", http.MethodPost, "/api/v1/systems/"+sys.ID+"/impact-assessments", nil),
			notFound("get assessment", http.MethodGet, iaURL, nil),
			notFound("get assessment through an own system", http.MethodGet, "/api/v1/systems/"+mine.ID+"/impact-assessments/"+a.ID, nil),
			notFound("patch assessment", http.MethodPatch, iaURL, map[string]any{"conclusion": "x"}),
			notFound("sign off", http.MethodPost, iaURL+"/sign-off", nil),
			notFound("raise risk", http.MethodPost, iaURL+"/areas/fairness_bias/risk", nil),
			notFound("report", http.MethodGet, iaURL+"/report", nil),
			notFound("impact summary", http.MethodGet, "/api/v1/systems/"+sys.ID+"/impact-summary", nil),
			{name: "risk on the other's system", role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/risks", wantStatus: 422,
				body: map[string]any{"system_id": sys.ID, "title": "x", "source": map[string]string{"kind": "custom", "text": "x"},
					"inherent_likelihood": 1, "inherent_consequence": 1}, check: wantPointers("/system_id")},
			{name: "risk owned by the other's member", role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/risks", wantStatus: 422,
				body: map[string]any{"owner_id": o.Admin.ID, "title": "x", "source": map[string]string{"kind": "custom", "text": "x"},
					"inherent_likelihood": 1, "inherent_consequence": 1}, check: wantPointers("/owner_id")},
		})
		// Nothing changed on the other side.
		got, err := e.svc.FindRiskByID(o.operator(), r.ID)
		if err != nil || got.Title != r.Title || got.Status != aims.RiskOpen || len(got.Actions) != 1 || len(got.Controls) != 1 {
			t.Errorf("the other organization's risk changed: %+v (%v)", got, err)
		}
	})
}

// TestRiskBadInput covers the bad input for risks and impact
// assessments, each a problem naming what to fix.
func TestRiskBadInput(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		owner := o.members[aims.RoleSystemOwner]
		sys := o.mustSystem(t, e.db, owner.ID)
		high := o.mustRisk(t, e, sys.ID, owner.ID, 4, 4)
		low := o.mustRisk(t, e, sys.ID, owner.ID, 1, 1)
		blank := o.mustAssessment(t, e, sys.ID, false)
		newRisk := func(l, c int, controls ...string) map[string]any {
			return map[string]any{"system_id": sys.ID, "title": "Drift", "source": map[string]string{"kind": "annex_c", "id": "C.3.6"},
				"inherent_likelihood": l, "inherent_consequence": c, "controls": controls}
		}
		iaURL := "/api/v1/systems/" + sys.ID + "/impact-assessments/" + blank.ID
		e.run(t, []scenario{
			{name: "likelihood outside the scale", role: aims.RoleSystemOwner, method: http.MethodPost, url: "/api/v1/risks",
				body: newRisk(6, 3), wantStatus: 422, check: wantPointers("/inherent_likelihood")},
			{name: "consequence outside the scale", role: aims.RoleSystemOwner, method: http.MethodPost, url: "/api/v1/risks",
				body: newRisk(3, 0), wantStatus: 422, check: wantPointers("/inherent_consequence")},
			{name: "residual likelihood outside the scale in a change", role: aims.RoleSystemOwner, method: http.MethodPatch, url: "/api/v1/risks/" + low.ID,
				body: map[string]any{"residual_likelihood": 9, "residual_consequence": 1}, wantStatus: 422, check: wantPointers("/residual_likelihood")},
			{name: "treatment link to a control that does not exist", role: aims.RoleSystemOwner, method: http.MethodPost, url: "/api/v1/risks",
				body: newRisk(2, 2, "A.6.2.6", "A.12.1"), wantStatus: 422, check: wantPointers("/controls/1")},
			{name: "link to a control that does not exist", role: aims.RoleSystemOwner, method: http.MethodPost, url: "/api/v1/risks/" + low.ID + "/controls",
				body: map[string]any{"control_id": "GOVERN 1.1"}, wantStatus: 422, check: wantPointers("/control_id")},
			{name: "a level sent by the client is refused", role: aims.RoleSystemOwner, method: http.MethodPost, url: "/api/v1/risks",
				body: map[string]any{"system_id": sys.ID, "title": "x", "source": map[string]string{"kind": "custom", "text": "x"},
					"inherent_likelihood": 1, "inherent_consequence": 1, "inherent_level": "low"}, wantStatus: 422, check: wantPointers("/inherent_level")},
			{name: "unknown source", role: aims.RoleSystemOwner, method: http.MethodPost, url: "/api/v1/risks",
				body: map[string]any{"system_id": sys.ID, "title": "x", "source": map[string]string{"kind": "nist_gai", "id": "GAI-13"},
					"inherent_likelihood": 1, "inherent_consequence": 1}, wantStatus: 422, check: wantPointers("/source/id")},
			{name: "accepting above appetite as the risk's owner", role: aims.RoleSystemOwner, method: http.MethodPost, url: "/api/v1/risks/" + high.ID + "/accept",
				body: map[string]any{"rationale": "We live with it"}, wantStatus: 403, check: wantDetail("needs an AIMS manager")},
			{name: "accepting above appetite as a contributor", role: aims.RoleContributor, method: http.MethodPost, url: "/api/v1/risks/" + high.ID + "/accept",
				body: map[string]any{"rationale": "We live with it"}, wantStatus: 403},
			{name: "an auditor accepts nothing", role: aims.RoleAuditor, method: http.MethodPost, url: "/api/v1/risks/" + low.ID + "/accept",
				body: map[string]any{"rationale": "x"}, wantStatus: 403},
			{name: "acceptance without a reason", role: aims.RoleAIMSManager, method: http.MethodPost, url: "/api/v1/risks/" + high.ID + "/accept",
				body: map[string]any{}, wantStatus: 422, check: wantPointers("/rationale")},
			{name: "the manager accepts above appetite", role: aims.RoleAIMSManager, method: http.MethodPost, url: "/api/v1/risks/" + high.ID + "/accept",
				body: map[string]any{"rationale": "Until the refit"}, wantStatus: 200},
			{name: "sign-off with blank areas names each", role: aims.RoleSystemOwner, method: http.MethodPost, url: iaURL + "/sign-off",
				wantStatus: 422, check: func(t *testing.T, res *httptest.ResponseRecorder) {
					p := decodeProblem(t, res)
					got := strings.Join(p.pointers(), " ")
					for _, a := range aims.ImpactAreaValues() {
						if !strings.Contains(got, "/areas/"+string(a)) {
							t.Errorf("the problem does not name area %s: %s", a, got)
						}
					}
					if !strings.Contains(res.Body.String(), "Fairness and bias is blank") {
						t.Errorf("the detail does not name the area in words: %s", res.Body)
					}
				}},
			{name: "sign-off by someone other than the owner", role: aims.RoleAIMSManager, method: http.MethodPost, url: iaURL + "/sign-off",
				wantStatus: 403, check: wantDetail("only the system's owner")},
			{name: "severity outside its scale", role: aims.RoleSystemOwner, method: http.MethodPatch, url: iaURL,
				body: map[string]any{"areas": []map[string]any{{"area": "safety", "severity": 7}}}, wantStatus: 422, check: wantPointers("/areas/safety/severity")},
			{name: "criteria with an owner accepting above appetite", role: aims.RoleAIMSManager, method: http.MethodPut, url: "/api/v1/risk-criteria",
				body: func() map[string]any {
					b := criteriaBody()
					levels := aims.DefaultRiskCriteria().Levels
					levels[3].AcceptBy = aims.AcceptByOwner
					b["levels"] = levels
					return b
				}(), wantStatus: 422, check: wantPointers("/levels/3/accept_by")},
			{name: "a contributor changes the criteria", role: aims.RoleContributor, method: http.MethodPut, url: "/api/v1/risk-criteria",
				body: criteriaBody(), wantStatus: 403},
		})
	})
}

// TestRiskLevelChangeIsAudited: changing a risk's likelihood through the API
// changes its computed level and leaves an audit event with the before and
// after.
func TestRiskLevelChangeIsAudited(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		token := o.tokens[aims.RoleContributor]
		res := e.do(t, request{method: http.MethodPost, url: "/api/v1/risks", token: token, body: map[string]any{
			"title": "Staff paste data into public chatbots", "source": map[string]string{"kind": "nist_gai", "id": "GAI-4"},
			"characteristics": []string{"privacy_enhanced"}, "inherent_likelihood": 2, "inherent_consequence": 3}})
		if res.Code != 201 {
			t.Fatalf("create: %d %s", res.Code, res.Body)
		}
		var r aims.Risk
		decode(t, res, &r)
		if r.Level != "medium" || r.CurrentLevel != "medium" || r.Source.Title != "Data privacy" {
			t.Fatalf("created: level %s, current %s, source %q", r.Level, r.CurrentLevel, r.Source.Title)
		}
		res = e.do(t, request{method: http.MethodPatch, url: "/api/v1/risks/" + r.ID, token: token, body: map[string]any{"inherent_likelihood": 5}})
		if res.Code != 200 {
			t.Fatalf("patch: %d %s", res.Code, res.Body)
		}
		var after aims.Risk
		decode(t, res, &after)
		if after.Level != "high" || after.Likelihood != 5 {
			t.Fatalf("after the change: level %s, likelihood %d; want high, 5", after.Level, after.Likelihood)
		}
		res = e.do(t, request{method: http.MethodGet, url: "/api/v1/audit-events?entity_type=risk&entity_id=" + r.ID, token: o.tokens[aims.RoleAuditor]})
		var events listPage[aims.AuditEvent]
		decode(t, res, &events)
		if events.Total != 2 || events.Items[0].Action != aims.ActionUpdate {
			t.Fatalf("audit events of the risk: %d, newest %+v", events.Total, events.Items)
		}
		ev := events.Items[0]
		if !strings.Contains(string(ev.Before), `"inherent_level":"medium"`) || !strings.Contains(string(ev.After), `"inherent_level":"high"`) ||
			!strings.Contains(string(ev.After), `"inherent_likelihood":5`) || ev.Actor.UserID != o.members[aims.RoleContributor].ID {
			t.Errorf("the audit event does not show the change by the contributor:\nbefore %s\nafter %s\nactor %+v", ev.Before, ev.After, ev.Actor)
		}
	})
}

// TestDeployingMarksImpactAssessmentOutOfDate: a signed-off impact
// assessment is out of date once a newer model version is deployed, and
// the API says why.
func TestDeployingMarksImpactAssessmentOutOfDate(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		owner := o.members[aims.RoleSystemOwner]
		token := o.tokens[aims.RoleSystemOwner]
		sys := o.mustSystem(t, e.db, owner.ID)
		base := "/api/v1/systems/" + sys.ID
		create := func(version, status string) {
			t.Helper()
			deploy := status == "deployed"
			if deploy {
				status = "validated"
			}
			res := e.do(t, request{method: http.MethodPost, url: base + "/model-versions", token: token,
				body: map[string]any{"version": version, "digest": validDigest, "status": status}})
			if res.Code != 201 {
				t.Fatalf("model version %s: %d %s", version, res.Code, res.Body)
			}
			var mv aims.ModelVersion
			decode(t, res, &mv)
			if deploy {
				o.mustApproverGates(t, e)
			}
			for _, to := range []string{"approved", "deployed"} {
				if !deploy {
					break
				}
				res := e.do(t, request{method: http.MethodPost, url: base + "/model-versions/" + mv.ID + "/approvals", token: o.tokens[aims.RoleAIMSManager],
					body: map[string]any{"status": to, "evidence": "VR-1", "acceptance_criteria": "MAE < 1", "result": "MAE 0.8"}})
				if res.Code != 200 {
					t.Fatalf("%s model version %s: %d %s", to, version, res.Code, res.Body)
				}
			}
		}
		create("1.0", "deployed")
		a := o.mustAssessment(t, e, sys.ID, true)
		res := e.do(t, request{method: http.MethodPost, url: base + "/impact-assessments/" + a.ID + "/sign-off", token: token})
		if res.Code != 200 {
			t.Fatalf("sign off: %d %s", res.Code, res.Body)
		}
		get := func() (aims.ImpactAssessment, aims.ImpactSummary) {
			t.Helper()
			var got aims.ImpactAssessment
			decode(t, e.do(t, request{method: http.MethodGet, url: base + "/impact-assessments/" + a.ID, token: token}), &got)
			var sum aims.ImpactSummary
			decode(t, e.do(t, request{method: http.MethodGet, url: base + "/impact-summary", token: token}), &sum)
			return got, sum
		}
		got, sum := get()
		if got.Status != aims.AssessmentSignedOff || len(got.OutOfDate) != 0 || sum.OutOfDate || sum.HighestResidual != aims.ResidualHigh {
			t.Fatalf("after sign-off: status %s, reasons %q, summary %+v", got.Status, got.OutOfDate, sum)
		}
		create("1.1", "candidate") // registered, not deployed: still current
		if got, _ := get(); len(got.OutOfDate) != 0 {
			t.Fatalf("a candidate made it out of date: %q", got.OutOfDate)
		}
		create("2.0", "deployed")
		got, sum = get()
		if len(got.OutOfDate) != 1 || !strings.Contains(got.OutOfDate[0], "model version 2.0 was deployed after sign-off (the assessment covers 1.0)") {
			t.Fatalf("after deploying 2.0: reasons %q", got.OutOfDate)
		}
		if !sum.OutOfDate || len(sum.Reasons) != 1 {
			t.Errorf("summary after deploying 2.0: %+v", sum)
		}
	})
}
