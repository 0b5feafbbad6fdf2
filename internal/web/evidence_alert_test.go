package web

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"net/http"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/blob"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestEvidenceFileAlertShown: once a download finds a stored file changed,
// the evidence page of that revision says so and every page carries the
// alert banner, for this organization only.
func TestEvidenceFileAlertShown(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		dir := t.TempDir()
		st, err := blob.OpenDir(dir, blob.Options{})
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetBlobStore(st)
		ctx := e.ctx(aims.RoleAdmin)
		added, err := e.svc.AddEvidence(ctx, &aims.EvidenceUpload{Kind: "model-card", Title: "Scorer model card",
			Links: []aims.EvidenceLink{{Type: aims.TargetRequirement, ID: "iso42001:A.6.2.4"}}}, strings.NewReader("the card"))
		if err != nil {
			t.Fatal(err)
		}
		noMatch(t, e.get(aims.RoleAuditor, "/").want(t, http.StatusOK).doc, "p.log-alert")
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(blob.Key(added.Revision.Digest))), []byte("the cart"), 0o600); err != nil {
			t.Fatal(err)
		}
		if c, err := e.svc.OpenEvidenceContent(e.ctx(aims.RoleAuditor), added.Revision.ID); err == nil {
			b, rerr := io.ReadAll(c)
			c.Close()
			if rerr == nil && bytes.Equal(b, []byte("the cart")) {
				t.Fatal("the changed file was served")
			}
		}
		page := e.get(aims.RoleAuditor, "/evidence/"+added.Evidence.ID).want(t, http.StatusOK)
		if got := text(query(t, page.doc, "section.evidence-file-alerts li")); !strings.Contains(got, "revision 1 of “Scorer model card”") {
			t.Fatalf("the evidence page says %q", got)
		}
		query(t, e.get(aims.RoleAuditor, "/").want(t, http.StatusOK).doc, "p.log-alert")
		noMatch(t, e.do(e.other.Admin, http.MethodGet, "/", nil, nil).want(t, http.StatusOK).doc, "p.log-alert")
	})
}
