package api_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// riskApprovers save risk criteria and accept risks above the appetite.
var riskApprovers = []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager}

// ownRisk makes a low risk of a system the caller owns, with the caller as
// its owner, so that a system owner's rights are what is tested.
func ownRisk(body any, controls ...string) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
		sys := o.mustSystem(t, e.db, caller.ID)
		return map[string]string{"id": o.mustRisk(t, e, sys.ID, caller.ID, 1, 2, controls...).ID}, body
	}
}

func ownAction(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
		params, _ := ownRisk(nil)(t, e, o, caller)
		params["action_id"] = o.mustAction(t, e, params["id"]).ID
		return params, body
	}
}

// ownAssessment makes a draft impact assessment of a system the caller
// owns.
func ownAssessment(complete bool, body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
		sys := o.mustSystem(t, e.db, caller.ID)
		a := o.mustAssessment(t, e, sys.ID, complete)
		return map[string]string{"id": sys.ID, "assessment_id": a.ID, "area": string(aims.AreaFairness)}, body
	}
}

func criteriaBody() map[string]any {
	c := aims.DefaultRiskCriteria()
	return map[string]any{"likelihood": c.Likelihood, "consequence": c.Consequence, "levels": c.Levels, "matrix": c.Matrix,
		"appetite": c.Appetite, "note": "Reviewed"}
}

func init() {
	addOpCases(map[string]opCase{
		"get-risk-criteria":           {allowed: everyone, prepare: noParams, success: 200},
		"list-risk-criteria-versions": {allowed: everyone, prepare: noParams, success: 200},
		"get-risk-criteria-version": {allowed: everyone, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
			o.mustRisk(t, e, "", caller.ID, 1, 1) // the first assessment saves version 1
			return map[string]string{"version": "1"}, nil
		}},
		"put-risk-criteria": {allowed: riskApprovers, success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, criteriaBody()
		}},
		"list-risks": {allowed: everyone, prepare: noParams, success: 200},
		"create-risk": {allowed: writers, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
			sys := o.mustSystem(t, e.db, caller.ID)
			return nil, map[string]any{"system_id": sys.ID, "title": unique("Risk"), "source": map[string]string{"kind": "custom", "text": "Ours"},
				"inherent_likelihood": 2, "inherent_consequence": 3, "controls": []string{"A.6.2.6"}}
		}},
		"export-risks":      {allowed: exporters, prepare: noParams, success: 200},
		"get-risk":          {allowed: everyone, prepare: ownRisk(nil), success: 200},
		"update-risk":       {allowed: writers, prepare: ownRisk(map[string]any{"inherent_likelihood": 3}), success: 200},
		"delete-risk":       {allowed: writers, prepare: ownRisk(nil), success: 204},
		"accept-risk":       {allowed: writers, prepare: ownRisk(map[string]any{"rationale": "Low and monitored"}), success: 200},
		"link-risk-control": {allowed: writers, prepare: ownRisk(map[string]any{"control_id": "A.6.2.4"}), success: 200},
		"unlink-risk-control": {allowed: writers, success: 204, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
			params, _ := ownRisk(nil, "A.6.2.6")(t, e, o, caller)
			params["control_id"] = "A.6.2.6"
			return params, nil
		}},
		"create-risk-action":         {allowed: writers, prepare: ownRisk(map[string]any{"title": "Retrain", "due_date": "2027-01-31"}), success: 201},
		"update-risk-action":         {allowed: writers, prepare: ownAction(map[string]any{"status": "done"}), success: 200},
		"delete-risk-action":         {allowed: writers, prepare: ownAction(nil), success: 204},
		"list-impact-assessments":    {allowed: everyone, prepare: anySystem, success: 200},
		"create-impact-assessment":   {allowed: writers, prepare: ownSystem(nil), success: 201},
		"get-impact-assessment":      {allowed: everyone, prepare: ownAssessment(false, nil), success: 200},
		"update-impact-assessment":   {allowed: writers, prepare: ownAssessment(false, map[string]any{"conclusion": "Fine"}), success: 200},
		"sign-off-impact-assessment": {allowed: writers, prepare: ownAssessment(true, nil), success: 200},
		"raise-impact-risk":          {allowed: writers, prepare: ownAssessment(true, nil), success: 201},
		"export-impact-assessment":   {allowed: exporters, prepare: ownAssessment(true, nil), success: 200},
		"get-impact-summary":         {allowed: everyone, prepare: anySystem, success: 200},
	})
}
