package api_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// validAnswers is a questionnaire that classifies: a deployed CV screener.
func validAnswers() map[string]any {
	return map[string]any{"ai_system": true, "roles": []string{"deployer"}, "annex_iii_points": []string{"4(a)"},
		"rationale": "Filters job applications."}
}

// classifiedSystem makes a system with a classification, as the host's
// operator would.
func classifiedSystem(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
	t.Helper()
	s := o.mustSystem(t, e.db, o.Admin.ID)
	yes := true
	ctx := service.OperatorContext(context.Background(), o.Org, "test")
	if _, _, err := e.svc.ClassifySystem(ctx, s.ID, aims.ClassificationAnswers{AISystem: &yes, Roles: []aims.OperatorRole{aims.OperatorDeployer},
		Transparency: []string{"50(1)"}, Rationale: "A chatbot."}); err != nil {
		t.Fatalf("classify %s: %v", s.Name, err)
	}
	return map[string]string{"id": s.ID}, nil
}

func init() {
	addOpCases(map[string]opCase{
		"get-classification":            {allowed: everyone, prepare: classifiedSystem, success: 200},
		"classify-system":               {allowed: writers, prepare: ownSystem(validAnswers()), success: 200},
		"list-classification-versions":  {allowed: everyone, prepare: classifiedSystem, success: 200},
		"classification-summary":        {allowed: everyone, prepare: noParams, success: 200},
		"export-classification-summary": {allowed: exporters, prepare: noParams, success: 200},
		"get-impact-class":              {allowed: everyone, prepare: anySystem, success: 200},
	})
}

// ownClassifiedSystem makes a classified system that the caller owns and
// the body that sets the status of its Art. 4 obligation.
func ownClassifiedSystem(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
	t.Helper()
	s := o.mustSystem(t, e.db, caller.ID)
	yes := true
	ctx := service.OperatorContext(context.Background(), o.Org, "test")
	if _, _, err := e.svc.ClassifySystem(ctx, s.ID, aims.ClassificationAnswers{AISystem: &yes, Roles: []aims.OperatorRole{aims.OperatorDeployer},
		Transparency: []string{"50(1)"}, Rationale: "A chatbot."}); err != nil {
		t.Fatalf("classify %s: %v", s.Name, err)
	}
	return map[string]string{"id": s.ID}, map[string]any{"article": "Art. 4", "status": "in_progress", "note": "Training planned."}
}

func init() {
	addOpCases(map[string]opCase{
		"get-system-governance": {allowed: everyone, prepare: classifiedSystem, success: 200},
		"set-obligation-status": {allowed: writers, prepare: ownClassifiedSystem, success: 200},
	})
}
