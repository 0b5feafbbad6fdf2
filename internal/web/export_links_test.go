package web

import (
	"net/http"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestListsLinkTheirCSVExport: the suppliers, datasets, evidence and audit
// trail pages link the API's CSV export with the page's
// filters (not its page number), for those who may export only.
func TestListsLinkTheirCSVExport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		for path, want := range map[string]string{
			"/suppliers?q=acme&supplies=data&page=2":    "/api/v1/suppliers/export.csv?q=acme&supplies=data",
			"/datasets?personal_data=yes&page=3":        "/api/v1/datasets/export.csv?personal_data=yes",
			"/audit?entity_type=supplier&action=create": "/api/v1/audit-events/export.csv?action=create&entity_type=supplier",
			"/evidence": "/api/v1/evidence/export.csv",
		} {
			doc := e.get(aims.RoleAuditor, path).want(t, http.StatusOK).doc
			if got := attr(query(t, doc, "a#export-csv"), "href"); got != want {
				t.Errorf("%s links %q, want %q", path, got, want)
			}
		}
		noMatch(t, e.get(aims.RoleViewer, "/suppliers").want(t, http.StatusOK).doc, "a#export-csv")
		noMatch(t, e.get(aims.RoleViewer, "/evidence").want(t, http.StatusOK).doc, "a#export-csv")
	})
}
