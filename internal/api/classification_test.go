package api_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// classificationBody is the part of a classification the tests read.
type classificationBody struct {
	Version     int                 `json:"version"`
	Tier        aims.Tier           `json:"tier"`
	Roles       []aims.OperatorRole `json:"roles"`
	Basis       []string            `json:"basis"`
	Obligations []struct {
		Article     string `json:"article"`
		Title       string `json:"title"`
		AppliesFrom string `json:"applies_from"`
		Status      string `json:"status"`
	} `json:"obligations"`
	Rationale []aims.Reason              `json:"rationale"`
	Answers   aims.ClassificationAnswers `json:"answers"`
}

func (c classificationBody) says(s string) bool {
	return slices.ContainsFunc(c.Rationale, func(r aims.Reason) bool { return strings.Contains(r.Text, s) })
}

func (c classificationBody) obligation(article string) (applies, status string, ok bool) {
	for _, o := range c.Obligations {
		if o.Article == article {
			return o.AppliesFrom, o.Status, true
		}
	}
	return "", "", false
}

func answersWith(kv ...any) map[string]any {
	b := validAnswers()
	for i := 0; i+1 < len(kv); i += 2 {
		b[kv[i].(string)] = kv[i+1]
	}
	return b
}

func TestClassificationAPI(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		url := "/api/v1/systems/" + sys.ID + "/classification"
		classified := func(check func(t *testing.T, c classificationBody)) func(t *testing.T, res *httptest.ResponseRecorder) {
			return func(t *testing.T, res *httptest.ResponseRecorder) {
				var c classificationBody
				decode(t, res, &c)
				check(t, c)
			}
		}
		e.run(t, []scenario{
			{name: "not classified yet", method: http.MethodGet, url: url, role: aims.RoleViewer, wantStatus: http.StatusNotFound,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					if p := decodeProblem(t, res); !strings.Contains(p.Detail, "not classified yet") {
						t.Errorf("detail %q", p.Detail)
					}
				}},
			{name: "classify", method: http.MethodPut, url: url, role: aims.RoleContributor, body: validAnswers(), wantStatus: http.StatusOK,
				check: classified(func(t *testing.T, c classificationBody) {
					applies, status, ok := c.obligation("Art. 26")
					if c.Version != 1 || c.Tier != aims.TierHighRisk || !slices.Equal(c.Roles, []aims.OperatorRole{aims.OperatorDeployer}) || !ok ||
						applies != "2026-08-02" || status != "adopted" || !c.says("Annex III 4(a)") || !c.says("Filters job applications.") {
						t.Errorf("classification = %+v", c)
					}
					if _, _, ok := c.obligation("Art. 9"); ok {
						t.Error("a deployer is given the provider's Art. 9")
					}
				})},
			{name: "read it back", method: http.MethodGet, url: url, role: aims.RoleAuditor, wantStatus: http.StatusOK,
				check: classified(func(t *testing.T, c classificationBody) {
					if c.Version != 1 || c.Tier != aims.TierHighRisk || !slices.Equal(c.Answers.AnnexIIIPoints, []string{"4(a)"}) {
						t.Errorf("current = %+v", c)
					}
				})},
			{name: "the same answers again change nothing", method: http.MethodPut, url: url, role: aims.RoleAdmin, body: validAnswers(), wantStatus: http.StatusOK,
				check: classified(func(t *testing.T, c classificationBody) {
					if c.Version != 1 {
						t.Errorf("version %d, want 1", c.Version)
					}
				})},
			// Profiling with the 6(3) derogation stays high-risk and says why.
			{name: "profiling keeps it high-risk", method: http.MethodPut, url: url, role: aims.RoleAdmin, wantStatus: http.StatusOK,
				body: answersWith("profiling", true, "derogation_conditions", []string{"d"}, "no_significant_risk", true),
				check: classified(func(t *testing.T, c classificationBody) {
					if c.Version != 2 || c.Tier != aims.TierHighRisk || !c.says("performs profiling of natural persons") {
						t.Errorf("classification = %+v", c)
					}
				})},
			{name: "the derogation without profiling", method: http.MethodPut, url: url, role: aims.RoleAdmin, wantStatus: http.StatusOK,
				body: answersWith("derogation_conditions", []string{"d"}, "no_significant_risk", true),
				check: classified(func(t *testing.T, c classificationBody) {
					if c.Version != 3 || c.Tier != aims.TierMinimal {
						t.Errorf("classification = %+v", c)
					}
				})},
			{name: "unknown Annex III point", method: http.MethodPut, url: url, role: aims.RoleAdmin, wantStatus: http.StatusUnprocessableEntity,
				body: answersWith("annex_iii_points", []string{"4(a)", "9(z)"}), check: wantPointers("/annex_iii_points/1")},
			{name: "derogation without an Annex III area", method: http.MethodPut, url: url, role: aims.RoleAdmin, wantStatus: http.StatusUnprocessableEntity,
				body: answersWith("annex_iii_points", []string{}, "derogation_conditions", []string{"a"}), check: wantPointers("/derogation_conditions")},
			{name: "several problems at once", method: http.MethodPut, url: url, role: aims.RoleAdmin, wantStatus: http.StatusUnprocessableEntity,
				body: map[string]any{"roles": []string{"developer"}, "annex_i_third_party": true}, check: wantPointers("/ai_system", "/annex_i_third_party", "/rationale", "/roles/0")},
			{name: "unknown field", method: http.MethodPut, url: url, role: aims.RoleAdmin, wantStatus: http.StatusUnprocessableEntity,
				body: answersWith("tier", "minimal"), check: wantPointers("/tier")},
			{name: "malformed JSON", method: http.MethodPut, url: url, role: aims.RoleAdmin, wantStatus: http.StatusBadRequest, body: `{"ai_system": tru`},
			{name: "an auditor cannot classify", method: http.MethodPut, url: url, role: aims.RoleAuditor, body: validAnswers(), wantStatus: http.StatusForbidden},
			{name: "another owner cannot classify", method: http.MethodPut, url: url, role: aims.RoleSystemOwner, body: validAnswers(), wantStatus: http.StatusForbidden},
			{name: "unknown system", method: http.MethodPut, url: "/api/v1/systems/nope/classification", role: aims.RoleAdmin, body: validAnswers(), wantStatus: http.StatusNotFound},
			{name: "history", method: http.MethodGet, url: url + "/versions", role: aims.RoleViewer, wantStatus: http.StatusOK,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var list []classificationBody
					decode(t, res, &list)
					var got []string
					for _, c := range list {
						got = append(got, strconv.Itoa(c.Version)+" "+string(c.Tier))
					}
					if want := []string{"3 minimal", "2 high-risk", "1 high-risk"}; !slices.Equal(got, want) {
						t.Errorf("versions %v, want %v", got, want)
					}
				}},
			{name: "impact class", method: http.MethodGet, url: "/api/v1/systems/" + sys.ID + "/impact-class", role: aims.RoleViewer, wantStatus: http.StatusOK,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var v service.ImpactClassView
					decode(t, res, &v)
					// Advisory, quality, minimal: no signed-off assessment keeps it medium.
					if v.Class != aims.ImpactMedium || v.Rule != "no-assessment" || v.Inputs.Tier != aims.TierMinimal {
						t.Errorf("impact class = %+v", v)
					}
				}},
		})
		// The portfolio: this system and another, unclassified.
		other := o.mustSystem(t, e.db, o.Admin.ID)
		e.run(t, []scenario{
			{name: "summary", method: http.MethodGet, url: "/api/v1/classifications", role: aims.RoleViewer, wantStatus: http.StatusOK,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var sum service.ClassificationSummary
					decode(t, res, &sum)
					if sum.Classified != 1 || len(sum.Unclassified) != 1 || sum.Unclassified[0].ID != other.ID {
						t.Errorf("summary = %+v", sum)
					}
					for _, tc := range sum.Tiers {
						if want := map[aims.Tier]int{aims.TierMinimal: 1}[tc.Tier]; tc.Count != want {
							t.Errorf("tier %s counts %d, want %d", tc.Tier, tc.Count, want)
						}
					}
				}},
			{name: "summary as CSV", method: http.MethodGet, url: "/api/v1/classifications/export.csv", role: aims.RoleAuditor, wantStatus: http.StatusOK,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
						t.Errorf("content type %q", ct)
					}
					rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
					if err != nil || len(rows) < 3 {
						t.Fatalf("CSV %q (%v)", rows, err)
					}
					found := false
					for _, r := range rows[1:] {
						if r[0] == sys.Name {
							found = r[2] == "minimal" && r[6] == "3"
						}
					}
					if !found {
						t.Errorf("no row says %s is minimal at version 3: %q", sys.Name, rows)
					}
				}},
			{name: "a viewer cannot export", method: http.MethodGet, url: "/api/v1/classifications/export.csv", role: aims.RoleViewer, wantStatus: http.StatusForbidden},
		})
	})
}

// TestClassificationTenancy checks that another organization's
// classifications answer 404, as unknown ids do, and stay out of the
// summary.
func TestClassificationTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		b := e.orgs["b"]
		params, _ := classifiedSystem(t, e, b, nil)
		url := "/api/v1/systems/" + params["id"]
		notFound := func(name, method, url string, body any) scenario {
			return scenario{name: name, org: "a", role: aims.RoleAdmin, method: method, url: url, body: body, wantStatus: http.StatusNotFound,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					if p := decodeProblem(t, res); p.Detail != "AI system not found" {
						t.Errorf("detail %q, want the answer of an unknown id", p.Detail)
					}
				}}
		}
		e.run(t, []scenario{
			notFound("get classification", http.MethodGet, url+"/classification", nil),
			notFound("classify", http.MethodPut, url+"/classification", validAnswers()),
			notFound("versions", http.MethodGet, url+"/classification/versions", nil),
			notFound("impact class", http.MethodGet, url+"/impact-class", nil),
			{name: "summary", org: "a", role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/classifications", wantStatus: http.StatusOK,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					if strings.Contains(res.Body.String(), params["id"]) {
						t.Errorf("the summary shows the other organization's system: %s", res.Body)
					}
				}},
			{name: "still one version", org: "b", role: aims.RoleAdmin, method: http.MethodGet, url: url + "/classification/versions", wantStatus: http.StatusOK,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var list []classificationBody
					decode(t, res, &list)
					if len(list) != 1 || list[0].Tier != aims.TierTransparency {
						t.Errorf("versions = %+v, want the one transparency version", list)
					}
				}},
		})
	})
}
