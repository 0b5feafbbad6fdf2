package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/blob"
	"github.com/aimsproject/aims/internal/service"
)

// TestEvidenceCorruptFileRaisesAlert: a stored file changed behind aims'
// back (in the data-directory store) is refused on download, and raises
// one alert naming the revision, however often it is downloaded; the
// alert counts on every page of that organization only.
func TestEvidenceCorruptFileRaisesAlert(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a, b := e.orgs["a"], e.orgs["b"]
		dir := t.TempDir()
		st, err := blob.OpenDir(dir, blob.Options{})
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetBlobStore(st)
		sys := a.mustSystem(t, e.db, a.Admin.ID)
		data := bytes.Repeat([]byte("validation report "+t.Name()+"|"), 100)
		res := e.upload(t, upload{token: a.tokens[aims.RoleAdmin], body: bytes.NewReader(data),
			headers: map[string]string{"Aims-Kind": "validation-report", "Aims-Title": "Validation of the scorer"}, links: []string{"ai_system=" + sys.ID}})
		var got service.EvidenceAdded
		decode(t, res, &got)
		path := filepath.Join(dir, filepath.FromSlash(blob.Key(got.Revision.Digest)))
		bad := bytes.Clone(data)
		bad[10] ^= 1
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatalf("corrupt the stored file: %v", err)
		}
		alertsBefore := e.svc.OpenLogAlerts(a.as(a.Admin))
		for range 2 {
			res := e.do(t, request{method: "GET", url: "/api/v1/evidence/" + got.Evidence.ID + "/content", token: a.tokens[aims.RoleAuditor]})
			if res.Code == 200 || bytes.Equal(res.Body.Bytes(), bad) {
				t.Fatalf("a corrupt file was served: %d", res.Code)
			}
		}
		ctx := a.as(a.Admin)
		alerts, err := e.svc.FindEvidenceFileAlerts(ctx, []string{got.Revision.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 1 || alerts[0].RecordID != got.Revision.ID || !bytes.Contains([]byte(alerts[0].Detail), []byte("Validation of the scorer")) {
			t.Fatalf("alerts of the revision: %+v, want one naming it", alerts)
		}
		if n := e.svc.OpenLogAlerts(ctx); n != alertsBefore+1 {
			t.Fatalf("open alerts %d, want %d (one per revision, not per download)", n, alertsBefore+1)
		}
		if n := e.svc.OpenLogAlerts(b.as(b.Admin)); n != 0 {
			t.Fatalf("another organization sees %d alerts", n)
		}
		if other, err := e.svc.FindEvidenceFileAlerts(b.as(b.Admin), []string{got.Revision.ID}); err != nil || len(other) != 0 {
			t.Fatalf("another organization reads the alert: %v %v", other, err)
		}
	})
}
