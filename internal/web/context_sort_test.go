package web

import (
	"net/http"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestContextListsSortByHeader: every context register's list sorts by a
// column header, marks the sorted column, keeps the order in its filter
// form and passes it to its CSV export.
func TestContextListsSortByHeader(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		ctx := e.ctx(aims.RoleAIMSManager)
		for _, err := range []error{
			e.svc.CreateContextIssue(ctx, &aims.ContextIssue{Title: "Grid prices", Category: "Market", Origin: aims.OriginExternal, Relevance: aims.RelevanceRelevant}),
			e.svc.CreateInterestedParty(ctx, &aims.InterestedParty{Name: "Works council", Kind: aims.PartyKind("works_council"), Origin: aims.OriginInternal}),
			e.svc.CreatePlannedChange(ctx, &aims.PlannedChange{Title: "New site", Purpose: "Grow"}),
			e.svc.CreateResource(ctx, &aims.Resource{Name: "GPU hours", Kind: aims.ResourceCompute}),
			e.svc.CreateCommunication(ctx, &aims.Communication{Subject: "Briefing", AudienceKind: aims.AudienceInternal, Audience: "Operators",
				Cadence: aims.CadenceAsNeeded}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		for path, export := range map[string]string{
			"/context/issues": "/api/v1/context/issues/export.csv", "/interested-parties": "/api/v1/interested-parties/export.csv",
			"/changes": "/api/v1/changes/export.csv", "/resources": "/api/v1/resources/export.csv",
			"/communications": "/api/v1/communications/export.csv",
		} {
			page := e.get(aims.RoleAuditor, path+"?sort=-name").want(t, http.StatusOK)
			query(t, page.doc, `th[aria-sort=descending] a[href="`+path+`?sort=name"]`)
			query(t, page.doc, `form.filters input[name=sort][value="-name"]`)
			query(t, page.doc, `a#export-csv[href="`+export+`?sort=-name"]`)
		}
	})
}
