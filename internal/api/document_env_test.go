package api_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// mustDocument adds a document owned by ownerID.
func (o *orgEnv) mustDocument(t testing.TB, e *apiEnv, ownerID string) *aims.Document {
	t.Helper()
	d := &aims.Document{Title: unique("Procedure"), Type: aims.DocProcedure, OwnerID: ownerID, ReviewIntervalMonths: 12}
	if err := e.svc.CreateDocument(o.operator(), d); err != nil {
		t.Fatalf("create document: %v", err)
	}
	return d
}

// mustVersion adds a draft version to a document.
func (o *orgEnv) mustVersion(t testing.TB, e *apiEnv, docID string, major, minor int, body string) *aims.DocumentVersion {
	t.Helper()
	v := &aims.DocumentVersion{Major: major, Minor: minor, Body: body, ChangeSummary: "Draft"}
	if err := e.svc.CreateDocumentVersion(o.operator(), docID, v); err != nil {
		t.Fatalf("create version: %v", err)
	}
	return v
}

// mustSubmitted adds a version in review whose approval request names
// approvers (under the organization's separation of duties: the operator asks).
func (o *orgEnv) mustSubmitted(t testing.TB, e *apiEnv, approvers ...string) (*aims.Document, *aims.DocumentVersion, *aims.ApprovalRequest) {
	t.Helper()
	d := o.mustDocument(t, e, o.Admin.ID)
	v := o.mustVersion(t, e, d.ID, 1, 0, "# Procedure\n\nDo it well.")
	r, err := e.svc.SubmitDocumentVersion(o.operator(), d.ID, v.ID, aims.ApprovalAsk{Approvers: approvers, Quorum: 1})
	if err != nil {
		t.Fatalf("submit version: %v", err)
	}
	return d, v, r
}

// mustApproved adds an approved version.
func (o *orgEnv) mustApproved(t testing.TB, e *apiEnv) (*aims.Document, *aims.DocumentVersion) {
	t.Helper()
	d, v, r := o.mustSubmitted(t, e, o.members[aims.RoleAIMSManager].ID)
	if _, err := e.svc.DecideApproval(o.as(o.members[aims.RoleAIMSManager]), r.ID, aims.DecisionInput{Verdict: aims.VerdictApprove}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	return d, v
}

func aDocument(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustDocument(t, e, o.Admin.ID).ID}, body
	}
}

func aDraft(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		d := o.mustDocument(t, e, o.Admin.ID)
		return map[string]string{"id": d.ID, "version_id": o.mustVersion(t, e, d.ID, 0, 1, "Text").ID}, body
	}
}

func anApproved(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
	d, v := o.mustApproved(t, e)
	return map[string]string{"id": d.ID, "version_id": v.ID}, nil
}

func init() {
	addOpCases(map[string]opCase{
		"list-documents":   {allowed: everyone, prepare: noParams, success: 200},
		"export-documents": {allowed: exporters, prepare: noParams, success: 200},
		"create-document": {allowed: editors, success: 201, prepare: func(_ *testing.T, _ *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"title": unique("Policy"), "doc_type": "ai_policy", "owner_id": o.Admin.ID, "body": "# Policy"}
		}},
		"get-document":            {allowed: everyone, prepare: aDocument(nil), success: 200},
		"update-document":         {allowed: editors, prepare: aDocument(map[string]any{"classification": "confidential"}), success: 200},
		"delete-document":         {allowed: editors, prepare: aDocument(nil), success: 204},
		"list-document-versions":  {allowed: everyone, prepare: aDocument(nil), success: 200},
		"create-document-version": {allowed: editors, prepare: aDocument(map[string]any{"major": 1, "minor": 0, "body": "Text"}), success: 201},
		"get-document-version":    {allowed: everyone, prepare: aDraft(nil), success: 200},
		"update-document-version": {allowed: editors, prepare: aDraft(map[string]any{"body": "Changed"}), success: 200},
		"submit-document-version": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, c *aims.Member) (map[string]string, any) {
			p, _ := aDraft(nil)(t, e, o, c)
			return p, map[string]any{"approver_roles": []string{"aims_manager"}}
		}},
		"withdraw-document-version": {allowed: editors, prepare: aDraft(nil), success: 200},
		"export-document-version":   {allowed: exporters, prepare: anApproved, success: 200},
		"list-acknowledgements":     {allowed: everyone, prepare: anApproved, success: 200},
		"create-acknowledgement": {allowed: []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleSystemOwner, aims.RoleContributor, aims.RoleViewer},
			prepare: anApproved, success: 201},
		"list-approvals": {allowed: everyone, prepare: params(map[string]string{query: "waiting=me"}), success: 200},
		"get-approval": {allowed: everyone, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			_, _, r := o.mustSubmitted(t, e, o.Admin.ID)
			return map[string]string{"id": r.ID}, nil
		}},
		// Whoever the request names decides it; auditors and viewers
		// never write, even when named.
		"decide-approval": {allowed: writers, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, c *aims.Member) (map[string]string, any) {
			_, _, r := o.mustSubmitted(t, e, o.Admin.ID)
			if c.Role == aims.RoleAuditor || c.Role == aims.RoleViewer {
				return map[string]string{"id": r.ID}, map[string]any{"verdict": "approve"}
			}
			_, _, r = o.mustSubmitted(t, e, c.ID)
			return map[string]string{"id": r.ID}, map[string]any{"verdict": "approve", "comment": "Fine"}
		}},
		"get-my-work": {allowed: everyone, prepare: noParams, success: 200},
	})
}

// as acts as member m of o, as a signed-in person would.
func (o *orgEnv) as(m *aims.Member) context.Context {
	return authz.WithPrincipal(context.Background(), &authz.Principal{UserID: m.ID, Email: m.Email, Name: m.Name,
		OrgID: o.Org.ID, OrgSlug: o.Org.Slug, OrgName: o.Org.Name, Role: m.Role})
}
