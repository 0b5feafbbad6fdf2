package demo_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDemoDocuments checks the demo's documented information as issue 15's
// "done means" asks for it: an approved AI policy acknowledged by most
// people but not all, an approved scope statement with its boundaries and
// the management systems it works with, and procedures (one still in
// review, one whose review is overdue).
func TestDemoDocuments(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	svc := service.New(db, nil)
	if _, err := demo.Ensure(ctx, svc); err != nil {
		t.Fatal(err)
	}
	org, err := svc.ResolveOrganization(ctx, demo.Slug)
	must(t, err)
	octx := service.OperatorContext(ctx, org, "test")

	one := func(typ aims.DocumentType) *aims.Document {
		t.Helper()
		list, n, err := svc.FindDocuments(octx, aims.DocumentFilter{Type: typ})
		must(t, err)
		if n != 1 {
			t.Fatalf("%d documents of type %s, want 1", n, typ)
		}
		return list[0]
	}
	policy := one(aims.DocAIPolicy)
	if policy.Current != "1.0" || policy.LatestStatus != aims.DocApproved {
		t.Errorf("AI policy in force %q, newest version %s; want 1.0 approved", policy.Current, policy.LatestStatus)
	}
	versions, err := svc.FindDocumentVersions(octx, policy.ID)
	must(t, err)
	if len(versions) != 1 {
		t.Fatalf("AI policy versions: %d, want 1", len(versions))
	}
	acks, err := svc.FindAcknowledgements(octx, policy.ID, versions[0].ID)
	must(t, err)
	done := 0
	for _, a := range acks {
		if a.AcknowledgedAt != nil {
			done++
		}
	}
	if done*2 <= len(acks) || done == len(acks) {
		t.Errorf("AI policy acknowledged by %d of %d people, want most but not all", done, len(acks))
	}

	scope := one(aims.DocScopeStatement)
	if scope.Current != "1.0" || len(scope.Sites) == 0 || len(scope.BusinessUnits) == 0 || len(scope.AIRoles) == 0 || len(scope.Interfaces) != 4 {
		t.Errorf("scope statement %q: sites %v, units %v, roles %v, %d interfaces; want approved with boundaries and 4 interfaces",
			scope.Current, scope.Sites, scope.BusinessUnits, scope.AIRoles, len(scope.Interfaces))
	}

	procedures, n, err := svc.FindDocuments(octx, aims.DocumentFilter{Type: aims.DocProcedure})
	must(t, err)
	approved, inReview := 0, 0
	for _, d := range procedures {
		switch d.LatestStatus {
		case aims.DocApproved:
			approved++
		case aims.DocInReview:
			inReview++
		}
	}
	if n != 3 || approved != 2 || inReview != 1 {
		t.Errorf("%d procedures, %d approved, %d in review; want 3, 2, 1", n, approved, inReview)
	}
	if _, n, err := svc.FindDocuments(octx, aims.DocumentFilter{Overdue: true}); err != nil || n != 1 {
		t.Errorf("documents with an overdue review: %d (%v), want 1", n, err)
	}
}
