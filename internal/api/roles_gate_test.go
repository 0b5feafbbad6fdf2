package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/service"
)

// adminCtx acts as the organization's admin, for fixtures made through the
// services.
func (o *orgEnv) adminCtx() context.Context {
	return authz.WithPrincipal(context.Background(), &authz.Principal{UserID: o.Admin.ID, OrgID: o.Org.ID, Role: aims.RoleAdmin, Operator: true})
}

// mustApproverGates defines the organization's model version gates as the
// approver's act alone, for tests of the approval act's other rules.
func (o *orgEnv) mustApproverGates(t testing.TB, e *apiEnv) {
	t.Helper()
	approvers := []gate.Check{{Kind: gate.CheckApprovals, Roles: []aims.Role{aims.RoleAIMSManager, aims.RoleAdmin}, Quorum: 1}}
	for _, g := range []gate.ID{gate.VersionValidation, gate.VersionApproval, gate.VersionDeployment} {
		if err := e.svc.PutGateDefinition(o.adminCtx(), gate.Definition{Gate: g, Checks: approvers}); err != nil {
			t.Fatal(err)
		}
	}
}

func init() {
	cases := map[string]opCase{
		"list-validation-metrics": {allowed: everyone, prepare: ownModelVersion(nil), success: 200},
		"create-validation-metric": {allowed: writers, prepare: ownModelVersion(map[string]any{"name": "mae", "value": 0.3, "unit": "kg/t"}),
			success: 201},
		"delete-validation-metric": {allowed: writers, success: http.StatusNoContent,
			prepare: func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
				s := o.mustSystem(t, e.db, caller.ID)
				mv := o.mustModelVersion(t, e.db, s.ID)
				m := &aims.ValidationMetric{Name: "mae", Value: 0.3}
				if err := e.svc.RecordValidationMetric(o.adminCtx(), s.ID, mv.ID, m); err != nil {
					t.Fatal(err)
				}
				return map[string]string{"id": s.ID, "version_id": mv.ID, "metric_id": m.ID}, nil
			}},
		"list-acceptance-criteria": {allowed: everyone, prepare: anySystem, success: 200},
		"create-acceptance-criterion": {allowed: writers, prepare: ownSystem(map[string]any{"metric": "mae", "comparison": "<=", "threshold": 0.35}),
			success: 201},
		"delete-acceptance-criterion": {allowed: writers, success: http.StatusNoContent,
			prepare: func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
				s := o.mustSystem(t, e.db, caller.ID)
				c := &aims.AcceptanceCriterion{Metric: "mae", Comparison: aims.CompareLE, Threshold: 1}
				if err := e.svc.CreateAcceptanceCriterion(o.adminCtx(), s.ID, c); err != nil {
					t.Fatal(err)
				}
				return map[string]string{"id": s.ID, "criterion_id": c.ID}, nil
			}},
		"list-model-version-gates": {allowed: everyone, prepare: ownModelVersion(nil), success: 200},
		"list-gate-definitions":    {allowed: everyone, prepare: noParams, success: 200},
		"put-gate-definition": {allowed: admins, success: http.StatusNoContent,
			prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
				return map[string]string{"gate": "system_deployment"}, map[string]any{"checks": []map[string]any{{"kind": "classification_recorded"}}}
			}},
		"delete-gate-definition": {allowed: admins, success: http.StatusNoContent,
			prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
				if err := e.svc.PutGateDefinition(o.adminCtx(), gate.Definition{Gate: gate.SystemDeployment,
					Checks: []gate.Check{{Kind: gate.CheckRisks}}}); err != nil {
					t.Fatal(err)
				}
				return map[string]string{"gate": "system_deployment"}, nil
			}},
	}
	// Gate requests: anyone reads; writers ask and complete (a request
	// still waiting for approvals answers 409 to an allowed caller).
	gateRequest := func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
		s := o.mustSystem(t, e.db, caller.ID)
		mv := o.mustModelVersion(t, e.db, s.ID)
		g, err := e.svc.RequestGatePassage(o.adminCtx(), s.ID, mv.ID, service.GateRequestInput{To: aims.ModelApproved})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": s.ID, "version_id": mv.ID, "request_id": g.Approval.ID}, nil
	}
	// An AI system's stage acts: anyone reads them and the deployment
	// gate; whoever may edit the system moves it to a stage without a gate.
	cases["get-system-deployment-gate"] = opCase{allowed: everyone, prepare: anySystem, success: 200}
	cases["list-stage-transitions"] = opCase{allowed: everyone, prepare: anySystem, success: 200}
	cases["create-stage-transition"] = opCase{allowed: writers, prepare: ownSystem(map[string]any{"to": "retired"}), success: 201}
	cases["list-gate-requests"] = opCase{allowed: everyone, prepare: ownModelVersion(nil), success: 200}
	cases["create-gate-request"] = opCase{allowed: writers, prepare: ownModelVersion(map[string]any{"to": "approved"}), success: 201}
	cases["get-gate-request"] = opCase{allowed: everyone, prepare: gateRequest, success: 200}
	cases["complete-gate-request"] = opCase{allowed: writers, prepare: gateRequest}
	for k, v := range cases {
		opCases[k] = v
	}
	approve := opCases["create-model-version-approval"]
	inner := approve.prepare
	approve.prepare = func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
		o.mustApproverGates(t, e)
		return inner(t, e, o, caller)
	}
	opCases["create-model-version-approval"] = approve
}
