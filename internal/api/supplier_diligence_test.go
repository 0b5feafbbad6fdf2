package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

func (o *orgEnv) mustSupplierQuestion(t testing.TB, db *store.DB) *aims.SupplierQuestion {
	t.Helper()
	q := &aims.SupplierQuestion{Question: unique("Do you notify model changes?"), AnswerType: aims.AnswerYesNo, Weight: 10}
	q.Normalize()
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error {
		return store.CreateSupplierQuestion(ctx, tx, o.Scope, q)
	})
	return q
}

func aSupplierQuestion(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustSupplierQuestion(t, e.db).ID}, body
	}
}

// TestSupplierDueDiligence answers a questionnaire through the API and
// reads back the score, the next review and the commitments; answers
// that name an unknown question or do not fit its type are refused with
// pointers to them (A.10.3).
func TestSupplierDueDiligence(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		yes := o.mustSupplierQuestion(t, e.db)
		var scale aims.SupplierQuestion
		e.run(t, []scenario{{name: "add a scale question", org: "a", role: aims.RoleContributor, method: http.MethodPost,
			url: "/api/v1/supplier-questions", body: map[string]any{"question": unique("Quality of model documentation"), "answer_type": "scale", "weight": 30},
			wantStatus: http.StatusCreated, check: func(t *testing.T, res *httptest.ResponseRecorder) { decode(t, res, &scale) }}})
		var sp aims.Supplier
		e.run(t, []scenario{
			{name: "a supplier with answers", org: "a", role: aims.RoleContributor, method: http.MethodPost, url: "/api/v1/suppliers",
				body: map[string]any{"name": unique("Vendor"), "supplies": []string{"model"}, "criticality": "high",
					"review_interval_days": 30, "last_review_on": "2020-01-01",
					"commitments":        []map[string]any{{"kind": "incident_reporting", "present": true, "note": "MSA §7: within 72 hours"}},
					"answers":            []map[string]any{{"question_id": yes.ID, "value": "yes"}, {"question_id": scale.ID, "value": "3"}},
					"diligence_evidence": "https://vendor.example/trust"},
				wantStatus: http.StatusCreated, check: func(t *testing.T, res *httptest.ResponseRecorder) { decode(t, res, &sp) }},
		})
		// yes on 10 and 3 of 5 (half) on 30: 25 of 40.
		if sp.DueDiligence.Score == nil || *sp.DueDiligence.Score != 63 || sp.DueDiligence.Answered != 2 {
			t.Errorf("due diligence %+v, want a score of 63 with 2 answers", sp.DueDiligence)
		}
		if !sp.ReviewOverdue || sp.NextReviewOn == nil || sp.NextReviewOn.String() != "2020-01-31" {
			t.Errorf("next review %v overdue %v, want 2020-01-31 overdue", sp.NextReviewOn, sp.ReviewOverdue)
		}
		if len(sp.Commitments) != 3 || !sp.Commitment(aims.CommitmentIncidentReporting).Present || sp.Commitment(aims.CommitmentDataUse).Present {
			t.Errorf("commitments %+v, want incident reporting present and the others absent", sp.Commitments)
		}
		url := "/api/v1/suppliers/" + sp.ID
		e.run(t, []scenario{
			{name: "an answer to no question", org: "a", role: aims.RoleContributor, method: http.MethodPatch, url: url,
				body:       map[string]any{"answers": []map[string]any{{"question_id": yes.ID, "value": "maybe"}, {"question_id": "nope", "value": "yes"}}},
				wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/answers/0/value", "/answers/1/question_id")},
			{name: "a bad criticality and interval", org: "a", role: aims.RoleContributor, method: http.MethodPatch, url: url,
				body:       map[string]any{"criticality": "extreme", "review_interval_days": -1},
				wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/criticality", "/review_interval_days")},
			{name: "a review recorded today clears the overdue flag", org: "a", role: aims.RoleContributor, method: http.MethodPatch, url: url,
				body: map[string]any{"last_review_on": aims.DateOf(e.db.Now()).String()}, wantStatus: http.StatusOK,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var got aims.Supplier
					decode(t, res, &got)
					if got.ReviewOverdue {
						t.Errorf("still overdue after a review today: next %v", got.NextReviewOn)
					}
				}},
			{name: "a viewer cannot answer", org: "a", role: aims.RoleViewer, method: http.MethodPatch, url: url,
				body: map[string]any{"answers": []map[string]any{}}, wantStatus: http.StatusForbidden},
			{name: "an auditor reads the questionnaire", org: "a", role: aims.RoleAuditor, method: http.MethodGet,
				url: "/api/v1/supplier-questions", wantStatus: http.StatusOK},
		})
	})
}

// TestSupplierQuestionTenancy: another organization's questions answer 404
// and stay out of lists, and cannot be answered.
func TestSupplierQuestionTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		q := e.orgs["b"].mustSupplierQuestion(t, e.db)
		sp := e.orgs["a"].mustSupplier(t, e.db)
		url := "/api/v1/supplier-questions/" + q.ID
		e.run(t, []scenario{
			listAs("a", "list questions", "/api/v1/supplier-questions?limit=500", q.ID),
			notFoundAs("a", "get question", http.MethodGet, url, nil),
			notFoundAs("a", "patch question", http.MethodPatch, url, map[string]any{"weight": 1}),
			notFoundAs("a", "delete question", http.MethodDelete, url, nil),
			unprocessableAs("a", "answer the other's question", http.MethodPatch, "/api/v1/suppliers/"+sp.ID,
				map[string]any{"answers": []map[string]any{{"question_id": q.ID, "value": "yes"}}}, "/answers/0/question_id"),
		})
	})
}
