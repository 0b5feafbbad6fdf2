package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestDocumentApprovalFlow walks a version through review over the API:
// submitted for the AIMS manager, refused to the requester (separation of
// duties) and to someone not named (403), voided by an edit while in
// review and then refused with 409 saying why, approved on a second
// submission (the older approved version superseded), acknowledged,
// exported as PDF by an auditor who may write nothing.
func TestDocumentApprovalFlow(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		mgr, contrib := o.members[aims.RoleAIMSManager], o.members[aims.RoleContributor]
		var doc aims.Document
		res := e.do(t, request{method: "POST", url: "/api/v1/documents", token: o.tokens[aims.RoleContributor],
			body: map[string]any{"title": "Model release procedure", "doc_type": "procedure", "owner_id": contrib.ID,
				"review_interval_months": 12, "requirements": []string{"iso42001:A.6.2.5"}}})
		if res.Code != 201 {
			t.Fatalf("create document: %d %s", res.Code, res.Body)
		}
		decode(t, res, &doc)
		base := "/api/v1/documents/" + doc.ID + "/versions"

		res = e.do(t, request{method: "POST", url: base, token: o.tokens[aims.RoleContributor], body: map[string]any{"major": 0, "minor": 0}})
		p := decodeProblem(t, res)
		if res.Code != 422 || !hasPointer(p, "/minor") || !hasPointer(p, "/body") {
			t.Fatalf("a version 0.0 without a body: %d %+v, want 422 naming minor and body", res.Code, p)
		}

		newVersion := func(major, minor int, body string) aims.DocumentVersion {
			t.Helper()
			res := e.do(t, request{method: "POST", url: base, token: o.tokens[aims.RoleContributor],
				body: map[string]any{"major": major, "minor": minor, "body": body, "change_summary": "Written"}})
			if res.Code != 201 {
				t.Fatalf("create version: %d %s", res.Code, res.Body)
			}
			var v aims.DocumentVersion
			decode(t, res, &v)
			return v
		}
		submit := func(v aims.DocumentVersion) aims.ApprovalRequest {
			t.Helper()
			res := e.do(t, request{method: "POST", url: base + "/" + v.ID + "/submit", token: o.tokens[aims.RoleContributor],
				body: map[string]any{"approvers": []string{mgr.ID, contrib.ID}, "quorum": 1}})
			if res.Code != 201 {
				t.Fatalf("submit: %d %s", res.Code, res.Body)
			}
			var r aims.ApprovalRequest
			decode(t, res, &r)
			return r
		}
		decide := func(role aims.Role, id, verdict string) *httptest.ResponseRecorder {
			return e.do(t, request{method: "POST", url: "/api/v1/approvals/" + id + "/decisions", token: o.tokens[role],
				body: map[string]any{"verdict": verdict, "comment": "Checked"}})
		}

		v1 := newVersion(1, 0, "# Release\n\nTwo people look.")
		r1 := submit(v1)
		if r1.SubjectDigest != v1.Digest || r1.Status != aims.ApprovalPending || !r1.SeparationOfDuties {
			t.Fatalf("request %+v: want pending over the version's digest with separation of duties", r1)
		}
		var waiting listPage[aims.ApprovalRequest]
		decode(t, e.do(t, request{method: "GET", url: "/api/v1/approvals?waiting=me", token: o.tokens[aims.RoleAIMSManager]}), &waiting)
		if waiting.Total != 1 || waiting.Items[0].ID != r1.ID || !waiting.Items[0].WaitingForMe {
			t.Fatalf("waiting for the manager: %+v", waiting)
		}
		decode(t, e.do(t, request{method: "GET", url: "/api/v1/approvals?waiting=me", token: o.tokens[aims.RoleContributor]}), &waiting)
		if waiting.Total != 0 {
			t.Fatalf("waiting for the requester: %d, want 0 (separation of duties)", waiting.Total)
		}
		if r := decide(aims.RoleContributor, r1.ID, "approve"); r.Code != 403 || !strings.Contains(r.Body.String(), "separation of duties") {
			t.Fatalf("the requester approves: %d %s, want 403 naming separation of duties", r.Code, r.Body)
		}
		if r := decide(aims.RoleSystemOwner, r1.ID, "approve"); r.Code != 403 || !strings.Contains(r.Body.String(), "not among the approvers") {
			t.Fatalf("someone not named approves: %d %s, want 403", r.Code, r.Body)
		}
		if r := decide(aims.RoleAuditor, r1.ID, "approve"); r.Code != 403 {
			t.Fatalf("an auditor approves: %d, want 403", r.Code)
		}
		res = e.do(t, request{method: "POST", url: "/api/v1/approvals/" + r1.ID + "/decisions", token: o.tokens[aims.RoleAIMSManager],
			body: map[string]any{"verdict": "maybe"}})
		if p := decodeProblem(t, res); res.Code != 422 || !hasPointer(p, "/verdict") {
			t.Fatalf("an unknown verdict: %d %+v", res.Code, p)
		}

		// An edit while in review voids the request: the manager's
		// approval is refused with 409 and says why.
		res = e.do(t, request{method: "PATCH", url: base + "/" + v1.ID, token: o.tokens[aims.RoleContributor], body: map[string]any{"body": "# Release\n\nOne person looks."}})
		var edited aims.DocumentVersion
		decode(t, res, &edited)
		if res.Code != 200 || edited.Status != aims.DocDraft || edited.Digest == v1.Digest {
			t.Fatalf("edit in review: %d %+v, want back to draft with a new digest", res.Code, edited)
		}
		if r := decide(aims.RoleAIMSManager, r1.ID, "approve"); r.Code != 409 || !strings.Contains(r.Body.String(), "content changed") {
			t.Fatalf("approve changed content: %d %s, want 409 saying the content changed", r.Code, r.Body)
		}
		var got aims.ApprovalRequest
		decode(t, e.do(t, request{method: "GET", url: "/api/v1/approvals/" + r1.ID, token: o.tokens[aims.RoleViewer]}), &got)
		if got.Status != aims.ApprovalVoid {
			t.Fatalf("request after the edit: %s, want void", got.Status)
		}

		r2 := submit(edited)
		if r := decide(aims.RoleAIMSManager, r2.ID, "approve"); r.Code != 201 {
			t.Fatalf("approve: %d %s", r.Code, r.Body)
		}
		var approved aims.DocumentVersion
		decode(t, e.do(t, request{method: "GET", url: base + "/" + v1.ID, token: o.tokens[aims.RoleViewer]}), &approved)
		if approved.Status != aims.DocApproved || approved.EffectiveOn == nil || approved.ApprovedAt == nil {
			t.Fatalf("version after approval: %+v", approved)
		}
		if r := decide(aims.RoleAIMSManager, r2.ID, "approve"); r.Code != 409 {
			t.Fatalf("a second decision on a closed request: %d, want 409", r.Code)
		}
		res = e.do(t, request{method: "PATCH", url: base + "/" + v1.ID, token: o.tokens[aims.RoleContributor], body: map[string]any{"body": "sneaky"}})
		if res.Code != 409 {
			t.Fatalf("edit an approved version: %d, want 409", res.Code)
		}

		// Version 1.1 approved supersedes 1.0.
		v11 := newVersion(1, 1, "# Release\n\nOne person looks, a second checks.")
		r3 := submit(v11)
		if r := decide(aims.RoleAIMSManager, r3.ID, "approve"); r.Code != 201 {
			t.Fatalf("approve 1.1: %d %s", r.Code, r.Body)
		}
		var versions []aims.DocumentVersion
		decode(t, e.do(t, request{method: "GET", url: base, token: o.tokens[aims.RoleAuditor]}), &versions)
		if len(versions) != 2 || versions[0].Status != aims.DocApproved || versions[1].Status != aims.DocSuperseded {
			t.Fatalf("versions: %+v, want 1.1 approved, 1.0 superseded", versions)
		}
		decode(t, e.do(t, request{method: "GET", url: "/api/v1/documents/" + doc.ID, token: o.tokens[aims.RoleViewer]}), &doc)
		if doc.Current != "1.1" || doc.NextReview == nil {
			t.Fatalf("document: current %q, next review %v", doc.Current, doc.NextReview)
		}

		// Acknowledgements: the viewer acknowledges once; the auditor may not.
		ackURL := base + "/" + v11.ID + "/acknowledgements"
		if res := e.do(t, request{method: "POST", url: ackURL, token: o.tokens[aims.RoleViewer]}); res.Code != 201 {
			t.Fatalf("viewer acknowledges: %d %s", res.Code, res.Body)
		}
		if res := e.do(t, request{method: "POST", url: ackURL, token: o.tokens[aims.RoleViewer]}); res.Code != 409 {
			t.Fatalf("second acknowledgement: %d, want 409", res.Code)
		}
		if res := e.do(t, request{method: "POST", url: ackURL, token: o.tokens[aims.RoleAuditor]}); res.Code != 403 {
			t.Fatalf("auditor acknowledges: %d, want 403", res.Code)
		}
		if res := e.do(t, request{method: "POST", url: base + "/" + v1.ID + "/acknowledgements", token: o.tokens[aims.RoleAdmin]}); res.Code != 409 {
			t.Fatalf("acknowledge a superseded version: %d, want 409", res.Code)
		}
		var acks []aims.AckStatus
		decode(t, e.do(t, request{method: "GET", url: ackURL, token: o.tokens[aims.RoleAuditor]}), &acks)
		done := 0
		for _, a := range acks {
			if a.AcknowledgedAt != nil {
				done++
			}
		}
		if len(acks) != len(aims.RoleValues()) || done != 1 || acks[len(acks)-1].UserID != o.members[aims.RoleViewer].ID {
			t.Fatalf("acknowledgements: %+v, want every member, the viewer alone acknowledged, listed last", acks)
		}

		// The auditor downloads the PDF.
		res = e.do(t, request{method: "GET", url: base + "/" + v11.ID + "/pdf", token: o.tokens[aims.RoleAuditor]})
		if res.Code != 200 || res.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body.String(), "%PDF") {
			t.Fatalf("PDF as auditor: %d %s", res.Code, res.Header().Get("Content-Type"))
		}

		// My work: the requester owns the document; the viewer acknowledged.
		var work struct {
			Items []aims.WorkItem `json:"items"`
		}
		decode(t, e.do(t, request{method: "GET", url: "/api/v1/me/work", token: o.tokens[aims.RoleAdmin]}), &work)
		if !hasWork(work.Items, aims.WorkAcknowledgement, v11.ID) {
			t.Fatalf("admin's work: %+v, want the approved version to acknowledge", work.Items)
		}
		decode(t, e.do(t, request{method: "GET", url: "/api/v1/me/work", token: o.tokens[aims.RoleViewer]}), &work)
		if hasWork(work.Items, aims.WorkAcknowledgement, v11.ID) {
			t.Fatalf("viewer's work still lists the version acknowledged")
		}

		// Another organization: 404 everywhere, empty lists.
		b := e.orgs["b"]
		for _, url := range []string{"/api/v1/documents/" + doc.ID, base, base + "/" + v11.ID, base + "/" + v11.ID + "/pdf",
			ackURL, "/api/v1/approvals/" + r2.ID} {
			if res := e.do(t, request{method: "GET", url: url, token: b.tokens[aims.RoleAdmin]}); res.Code != 404 {
				t.Errorf("GET %s from another organization: %d, want 404", url, res.Code)
			}
		}
		if res := e.do(t, request{method: "POST", url: "/api/v1/approvals/" + r2.ID + "/decisions", token: b.tokens[aims.RoleAdmin],
			body: map[string]any{"verdict": "approve"}}); res.Code != 404 {
			t.Errorf("decide another organization's request: %d, want 404", res.Code)
		}
		var docs listPage[aims.Document]
		decode(t, e.do(t, request{method: "GET", url: "/api/v1/documents", token: b.tokens[aims.RoleAdmin]}), &docs)
		var reqs listPage[aims.ApprovalRequest]
		decode(t, e.do(t, request{method: "GET", url: "/api/v1/approvals", token: b.tokens[aims.RoleAdmin]}), &reqs)
		if docs.Total != 0 || reqs.Total != 0 {
			t.Errorf("another organization lists %d documents and %d approvals", docs.Total, reqs.Total)
		}
	})
}

func hasPointer(p problem, pointer string) bool {
	for _, e := range p.Errors {
		if e.Pointer == "/body"+pointer || e.Pointer == pointer {
			return true
		}
	}
	return false
}

func hasWork(items []aims.WorkItem, kind aims.WorkKind, id string) bool {
	for _, it := range items {
		if it.Kind == kind && it.RecordID == id {
			return true
		}
	}
	return false
}
