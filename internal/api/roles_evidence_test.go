package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// mustEvidence adds a file revision linked to a new system of o.
func (o *orgEnv) mustEvidence(t testing.TB, e *apiEnv) *service.EvidenceAdded {
	t.Helper()
	ctx := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: o.Admin.ID, OrgID: o.Org.ID, Role: aims.RoleAdmin, Operator: true})
	sys := o.mustSystem(t, e.db, o.Admin.ID)
	res, err := e.svc.AddEvidence(ctx, &aims.EvidenceUpload{Kind: "validation-report",
		Links: []aims.EvidenceLink{{Type: aims.TargetAISystem, ID: sys.ID}, {Type: aims.TargetRequirement, ID: "iso42001:A.6.2.4"}}},
		bytes.NewReader([]byte("report "+unique("r"))))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Evidence: everyone reads; admins, AIMS managers, contributors and system
// owners (their pipelines) add evidence; an auditor never writes.
var evidenceAdders = []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleSystemOwner, aims.RoleContributor}

func init() {
	addOpCases(map[string]opCase{
		"add-evidence": {allowed: evidenceAdders, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"kind": "model-card", "url": "https://example.com/" + unique("card"),
				"links": []map[string]string{{"type": "requirement", "id": "iso42001:A.6.2.4"}}}
		}},
		"list-evidence":          {allowed: everyone, prepare: noParams, success: 200},
		"list-controls-evidence": {allowed: everyone, prepare: noParams, success: 200},
		"get-evidence": {allowed: everyone, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return map[string]string{"id": o.mustEvidence(t, e).Evidence.ID}, nil
		}},
		"get-evidence-content": {allowed: everyone, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return map[string]string{"id": o.mustEvidence(t, e).Evidence.ID}, nil
		}},
		"get-evidence-revision-proof": {allowed: everyone, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return map[string]string{"id": o.mustEvidence(t, e).Evidence.ID}, nil
		}},
		"list-evidence-requirements": {allowed: everyone, prepare: noParams, success: 200},
		"create-evidence-requirement": {allowed: editors, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"requirement": "iso42001:A.6.2.4", "kind": "k" + strings.TrimSpace(unique("")), "max_age_days": 90}
		}},
		"delete-evidence-requirement": {allowed: editors, success: http.StatusNoContent, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			ctx := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: o.Admin.ID, OrgID: o.Org.ID, Role: aims.RoleAdmin, Operator: true})
			r := &aims.EvidenceRequirement{Requirement: "iso42001:A.5.2", Kind: "k" + strings.TrimSpace(unique(""))}
			if err := e.svc.CreateEvidenceRequirement(ctx, r); err != nil {
				t.Fatal(err)
			}
			return map[string]string{"id": r.ID}, nil
		}},
		"set-evidence-settings": {allowed: admins, success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"expiring_days": 30}
		}},
		"export-evidence":       {allowed: exporters, prepare: noParams, success: 200},
		"get-approval-settings": {allowed: everyone, prepare: noParams, success: 200},
		"set-approval-settings": {allowed: admins, success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"separation_of_duties": true}
		}},
	})
}
