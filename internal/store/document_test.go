package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDocumentsVersionsApprovals writes a document, a version, an approval
// request with a decision and an acknowledgement, and reads them back,
// filtered, on both databases; another organization sees none of it.
func TestDocumentsVersionsApprovals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		bob := f.AddMember(t, db, "bob@acme.test", aims.RoleAIMSManager)
		doc := &aims.Document{Title: "AI policy", Type: aims.DocAIPolicy, Classification: aims.ClassInternal, OwnerID: f.Admin.ID,
			ReviewIntervalMonths: 12, NextReview: day("2020-01-01"), Requirements: []string{"iso42001:5.2"},
			Interfaces: []aims.SystemInterface{{Standard: aims.StandardISO27001, Note: "shared risk process"}}, AIRoles: []aims.OperatorRole{aims.OperatorDeployer}}
		doc.Normalize()
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateDocument(ctx, tx, f.Scope, doc) })
		dup := *doc
		err := db.Transact(ctx, func(tx *store.Tx) error { return store.CreateDocument(ctx, tx, f.Scope, &dup) })
		if !aims.IsKind(err, aims.KindConflict) {
			t.Fatalf("second document with the same title: %v, want conflict", err)
		}
		v := &aims.DocumentVersion{DocumentID: doc.ID, Major: 1, Minor: 0, Body: "# Policy", Status: aims.DocInReview, Digest: strings.Repeat("a", 64)}
		req := &aims.ApprovalRequest{SubjectKind: aims.EntityDocumentVersion, SubjectDigest: v.Digest, SubjectLabel: "AI policy 1.0",
			Approvers: []string{bob.ID}, ApproverRoles: []aims.Role{}, Quorum: 1, SeparationOfDuties: true, Status: aims.ApprovalPending}
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := store.CreateDocumentVersion(ctx, tx, f.Scope, v); err != nil {
				return err
			}
			req.SubjectID = v.ID
			if err := store.CreateApprovalRequest(ctx, tx, f.Scope, req); err != nil {
				return err
			}
			after := *v
			after.ApprovalID = req.ID
			return store.UpdateDocumentVersion(ctx, tx, f.Scope, v, &after)
		})
		waiting, n, err := store.FindApprovalRequests(ctx, db, f.Scope, aims.ApprovalFilter{WaitingFor: bob.ID, WaitingRole: aims.RoleAIMSManager})
		if err != nil || n != 1 || waiting[0].ID != req.ID {
			t.Fatalf("waiting for bob = %d (%v)", n, err)
		}
		if _, n, _ := store.FindApprovalRequests(ctx, db, f.Scope, aims.ApprovalFilter{WaitingFor: f.Admin.ID, WaitingRole: aims.RoleAdmin}); n != 0 {
			t.Fatalf("waiting for the requester = %d, want 0 (separation of duties, not named)", n)
		}
		bobScope := aims.NewTenantScope(f.Org.ID, aims.Actor{Kind: aims.ActorUser, UserID: bob.ID, Label: bob.Email})
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := store.RecordApprovalDecision(ctx, tx, bobScope, req, &aims.ApprovalDecision{Verdict: aims.VerdictApprove, SubjectDigest: v.Digest},
				aims.ApprovalApproved, "1 of 1 approvals given")
			return err
		})
		got, err := store.FindApprovalRequestByID(ctx, db, f.Scope, req.ID)
		if err != nil || got.Status != aims.ApprovalApproved || len(got.Decisions) != 1 || got.Decisions[0].DecidedBy != bob.ID {
			t.Fatalf("request after decision = %+v (%v)", got, err)
		}
		if _, n, _ := store.FindApprovalRequests(ctx, db, f.Scope, aims.ApprovalFilter{WaitingFor: bob.ID}); n != 0 {
			t.Fatalf("waiting for bob after his decision = %d", n)
		}
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			after := *v
			after.Status = aims.DocApproved
			return store.UpdateDocumentVersion(ctx, tx, f.Scope, v, &after)
		})
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			return store.CreateAcknowledgement(ctx, tx, bobScope, &aims.Acknowledgement{VersionID: v.ID})
		})
		acks, err := store.FindAcknowledgements(ctx, db, f.Scope, v.ID)
		if err != nil || len(acks) != 2 || acks[0].UserID != f.Admin.ID || acks[0].AcknowledgedAt != nil || acks[1].AcknowledgedAt == nil {
			t.Fatalf("acknowledgements = %+v (%v): want the admin first, not acknowledged", acks, err)
		}
		// The person page counts the acknowledgement toward awareness (7.3).
		for _, tc := range []struct {
			user string
			want bool
		}{{bob.ID, true}, {f.Admin.ID, false}, {"", false}} {
			pa, err := store.PolicyAcknowledgements(ctx, db, f.Scope, tc.user)
			if err != nil || len(pa) != 1 || pa[0].VersionID != v.ID || pa[0].Version != "1.0" || (pa[0].AcknowledgedAt != nil) != tc.want {
				t.Fatalf("policy acknowledgements of %q = %+v (%v), want acknowledged %v", tc.user, pa, err, tc.want)
			}
		}
		todo, err := store.ToAcknowledge(ctx, db, f.Scope, f.Admin.ID)
		if err != nil || len(todo) != 1 {
			t.Fatalf("to acknowledge for admin = %d (%v)", len(todo), err)
		}
		list, n, err := store.FindDocuments(ctx, db, f.Scope, aims.DocumentFilter{Type: aims.DocAIPolicy, Status: aims.DocApproved, Overdue: true, Search: "POLICY"})
		if err != nil || n != 1 || list[0].Current != "1.0" || !list[0].OverdueReview || list[0].Interfaces[0].Note != "shared risk process" {
			t.Fatalf("documents = %d %+v (%v)", n, list, err)
		}
		err = db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteDocument(ctx, tx, f.Scope, doc) })
		if !aims.IsKind(err, aims.KindConflict) {
			t.Fatalf("delete a document with versions: %v, want conflict", err)
		}
		other := storetest.NewOrg(t, db, "other")
		if _, err := store.FindDocumentByID(ctx, db, other.Scope, doc.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Fatalf("another organization reads the document: %v", err)
		}
		if _, err := store.FindApprovalRequestByID(ctx, db, other.Scope, req.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Fatalf("another organization reads the approval: %v", err)
		}
		if pa, err := store.PolicyAcknowledgements(ctx, db, other.Scope, bob.ID); err != nil || len(pa) != 0 {
			t.Fatalf("another organization's policies = %+v (%v)", pa, err)
		}
		if _, n, _ := store.FindDocuments(ctx, db, other.Scope, aims.DocumentFilter{}); n != 0 {
			t.Fatalf("another organization lists %d documents", n)
		}
		if list, n, err := store.FindDocuments(ctx, db, f.Scope, aims.DocumentFilter{Page: aims.Page{Limit: 10, Offset: 50}}); err != nil || len(list) != 0 || n != 1 {
			t.Fatalf("a page past the end: %d documents of %d (%v), want none of 1", len(list), n, err)
		}
	})
}
