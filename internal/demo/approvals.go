package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// approver is the demo member who approves and records the deployment of
// model versions: the AIMS manager, since a system's owner does not
// approve their own model (docs/roles.md).
const approver = "manager@demo.example"

// acceptanceCriteria is what each demo system's model versions are held to
// before approval (ISO/IEC 42001 A.6.2.4).
var acceptanceCriteria = map[string]string{
	"Dewatering setpoint optimizer":        "Mean absolute error of the predicted outlet dryness below 0.5 percentage points on the held-out month; no setpoint outside the operating envelope in the replay.",
	"Consumer credit scoring":              "Gini at least 0.55 on the out-of-time sample; approval-rate ratio between protected groups of at least 0.8; population stability index below 0.1.",
	"CV screening assistant":               "Recall of suitable candidates at least 0.9 against the recruiters' shortlist; selection-rate ratio between genders and age bands of at least 0.8.",
	"Customer service chatbot":             "At most 1 % of answers on the 400-question test set contradict the policy texts; every refusal case is refused; no personal data in answers.",
	"Press section predictive maintenance": "At least 70 % of the felt and bearing failures in the back-test flagged 48 hours ahead, with at most two false alarms a week.",
}

// approvalOf is the demo's recorded act for a model version of sys: its
// evidence reference, criteria and result.
func approvalOf(sys, version string) aims.ModelVersionApproval {
	ref := strings.ToUpper(string([]rune(strings.ReplaceAll(sys, " ", ""))[:3]))
	return aims.ModelVersionApproval{
		Evidence:           fmt.Sprintf("Validation report VR-%s-%s (model registry, run attached)", ref, strings.Fields(version)[0]),
		AcceptanceCriteria: acceptanceCriteria[sys],
		Result:             "Met: every criterion passed on the validation set; the report lists the figures and the reviewer's sign-off.",
	}
}

// asApprover returns ctx acting for the demo's AIMS manager, so that the
// audit trail and the approval name a person ("manager@… (by aims demo
// loader)").
func asApprover(ctx context.Context, userIDs map[string]string) context.Context {
	op := *authz.PrincipalFrom(ctx)
	op.UserID, op.Email = userIDs[approver], approver+" (by "+op.Email+")"
	return authz.WithPrincipal(ctx, &op)
}

// createDemoVersion registers a demo model version; one that is approved,
// deployed or retired is registered validated and then approved and
// deployed by the AIMS manager with its evidence (a retired one was
// deployed before it was retired).
func createDemoVersion(ctx context.Context, svc *service.Service, sysName string, mv *aims.ModelVersion, userIDs map[string]string) error {
	target := mv.Status
	if target != aims.ModelRetired && !target.SetByApproval() {
		return svc.CreateModelVersion(ctx, mv)
	}
	if target == aims.ModelRetired {
		mv.Status = aims.ModelDeployed
	}
	if err := svc.CreateReleasedModelVersion(asApprover(ctx, userIDs), mv, approvalOf(sysName, mv.Version)); err != nil {
		return err
	}
	if target == aims.ModelRetired {
		_, err := svc.UpdateModelVersion(ctx, mv.SystemID, mv.ID, aims.ModelVersionUpdate{Status: &target})
		return err
	}
	return nil
}
