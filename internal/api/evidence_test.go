package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/blob"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// upload is one raw add-evidence request: the file as the body, its
// metadata in headers.
type upload struct {
	token   string
	body    io.Reader
	headers map[string]string
	links   []string
}

func (e *apiEnv) upload(t testing.TB, u upload) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/evidence", u.body)
	req.Header.Set("Content-Type", "application/pdf")
	for k, v := range u.headers {
		req.Header.Set(k, v)
	}
	for _, l := range u.links {
		req.Header.Add("Aims-Link", l)
	}
	if u.token != "" {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// evidenceCount counts the organization's evidence revisions in the database.
func evidenceCount(t testing.TB, e *apiEnv, o *orgEnv) int {
	t.Helper()
	var n int
	ctx := context.Background()
	items, _, err := store.FindEvidence(ctx, e.db, o.Scope, aims.EvidenceFilter{Page: aims.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		ev, err := store.FindEvidenceByID(ctx, e.db, o.Scope, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		n += len(ev.Revisions)
	}
	return n
}

// cutReader gives its bytes, then fails like a connection that dropped.
type cutReader struct{ r io.Reader }

func (c *cutReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

// TestEvidenceUpload: a pipeline's token pushes a file with its metadata in
// headers; the answer gives the SHA-256 and the log index; the same push
// again is the same revision (200); a new file is revision 2; the bytes
// download as sent; the list finds it by digest and by linked control.
func TestEvidenceUpload(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		tok := o.tokens[aims.RoleContributor]
		data := []byte("%PDF-1.7 validation report " + t.Name())
		links := []string{"ai_system=" + sys.ID, "requirement=iso42001:A.6.2.4"}
		hdr := map[string]string{"Aims-Kind": "validation-report", "Content-Disposition": `attachment; filename="../../etc/vr-12.pdf"`,
			"Aims-Expires-At": "2099-01-01", "Aims-Sha256": sha(data)}
		res := e.upload(t, upload{token: tok, body: bytes.NewReader(data), headers: hdr, links: links})
		if res.Code != http.StatusCreated {
			t.Fatalf("upload: %d %s", res.Code, res.Body)
		}
		var got service.EvidenceAdded
		decode(t, res, &got)
		r := got.Revision
		if !got.Created || r.Digest != sha(data) || r.Size != int64(len(data)) || r.Number != 1 || r.LogIndex == nil ||
			r.FileName != "vr-12.pdf" || r.MediaType != "application/pdf" || r.CollectedToken == "" {
			t.Fatalf("revision = %+v", r)
		}
		again := e.upload(t, upload{token: tok, body: bytes.NewReader(data), headers: hdr, links: links})
		var dup service.EvidenceAdded
		decode(t, again, &dup)
		if again.Code != http.StatusOK || dup.Created || dup.Revision.ID != r.ID {
			t.Fatalf("the same push again: %d, %+v", again.Code, dup.Revision)
		}
		v2 := append(bytes.Clone(data), " v2"...)
		delete(hdr, "Aims-Sha256")
		res = e.upload(t, upload{token: tok, body: bytes.NewReader(v2), headers: hdr, links: []string{links[1], links[0]}})
		var second service.EvidenceAdded
		decode(t, res, &second)
		if res.Code != http.StatusCreated || second.Evidence.ID != got.Evidence.ID || second.Revision.Number != 2 {
			t.Fatalf("a new file with the same links: %d %+v", res.Code, second.Revision)
		}
		dl := e.do(t, request{method: http.MethodGet, url: "/api/v1/evidence/" + got.Evidence.ID + "/content?revision=1", token: o.tokens[aims.RoleAuditor]})
		if dl.Code != http.StatusOK || !bytes.Equal(dl.Body.Bytes(), data) || !strings.Contains(dl.Header().Get("Content-Disposition"), "vr-12.pdf") {
			t.Fatalf("download: %d %q %v", dl.Code, dl.Body.String(), dl.Header())
		}
		for _, q := range []string{"digest=sha256:" + sha(data), "target=requirement&target_id=iso42001:A.6.2.4", "q=validation"} {
			var page listPage[aims.Evidence]
			decode(t, e.do(t, request{method: http.MethodGet, url: "/api/v1/evidence?" + q, token: o.tokens[aims.RoleViewer]}), &page)
			if page.Total != 1 || page.Items[0].ID != got.Evidence.ID || page.Items[0].Latest.Number != 2 {
				t.Fatalf("list ?%s: %+v", q, page)
			}
		}
		// A link is evidence too; another scheme is refused.
		res = e.do(t, request{method: http.MethodPost, url: "/api/v1/evidence", token: tok,
			body: map[string]any{"kind": "model-card", "url": "https://models.example.com/card/7", "links": []map[string]string{{"type": "ai_system", "id": sys.ID}}}})
		if res.Code != http.StatusCreated {
			t.Fatalf("link: %d %s", res.Code, res.Body)
		}
		// Multipart: metadata, then the file.
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		meta, _ := json.Marshal(map[string]any{"kind": "test-log", "links": []map[string]string{{"type": "ai_system", "id": sys.ID}}})
		_ = mw.WriteField("metadata", string(meta))
		fw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"; filename="run.log"`}, "Content-Type": {"text/plain"}})
		_, _ = fw.Write([]byte("ok " + t.Name()))
		_ = mw.Close()
		res = e.do(t, request{method: http.MethodPost, url: "/api/v1/evidence", token: tok, body: mp.Bytes(), contentType: mw.FormDataContentType()})
		if res.Code != http.StatusCreated {
			t.Fatalf("multipart: %d %s", res.Code, res.Body)
		}
		decode(t, res, &got)
		if got.Revision.FileName != "run.log" || got.Revision.MediaType != "text/plain" {
			t.Fatalf("multipart revision: %+v", got.Revision)
		}
	})
}

// TestEvidenceUploadFaults: each bad upload is refused with its status and
// leaves no revision and no object behind.
func TestEvidenceUploadFaults(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		tok := o.tokens[aims.RoleContributor]
		small, err := blob.Open(context.Background(), "mem://", blob.Options{MaxBytes: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetBlobStore(small)
		links := []string{"ai_system=" + sys.ID}
		kind := map[string]string{"Aims-Kind": "validation-report"}
		data := []byte("report " + t.Name())
		cases := []struct {
			name    string
			body    io.Reader
			headers map[string]string
			links   []string
			want    int
			fields  []string
		}{
			{"cut off mid-stream", &cutReader{bytes.NewReader(data)}, kind, links, http.StatusBadRequest, nil},
			{"over the size limit", bytes.NewReader(make([]byte, 1<<20+1)), kind, links, http.StatusRequestEntityTooLarge, nil},
			{"digest does not match", bytes.NewReader(data), map[string]string{"Aims-Kind": "x", "Aims-Sha256": sha([]byte("other"))}, links,
				http.StatusUnprocessableEntity, []string{"/digest"}},
			{"not a link scheme", strings.NewReader(""), map[string]string{"Aims-Kind": "x", "Aims-Url": "ftp://example.com/r.pdf"}, links,
				http.StatusUnprocessableEntity, []string{"/url"}},
			{"javascript link", strings.NewReader(""), map[string]string{"Aims-Kind": "x", "Aims-Url": "javascript:alert(1)"}, links,
				http.StatusUnprocessableEntity, []string{"/url"}},
			{"no kind, unknown link type, bad date", bytes.NewReader(data), map[string]string{"Aims-Expires-At": "soon"}, []string{"planet=mars", "requirement=A.6"},
				http.StatusUnprocessableEntity, []string{"/header.Aims-Expires-At"}},
			{"another organization's system", bytes.NewReader(data), kind, []string{"ai_system=" + e.orgs["b"].mustSystem(t, e.db, e.orgs["b"].Admin.ID).ID},
				http.StatusUnprocessableEntity, []string{"/links/0/id"}},
			{"records that do not exist", bytes.NewReader(data), kind, []string{"model_version=nope", "dataset=nope", "risk=nope",
				"risk_action=nope", "document=nope", "requirement=iso42001:A.99.9", "ai_system=" + sys.ID},
				http.StatusUnprocessableEntity, []string{"/links/0/id", "/links/1/id", "/links/2/id", "/links/3/id", "/links/4/id", "/links/5/id"}},
			{"another organization's records", bytes.NewReader(data), kind, []string{"dataset=" + e.orgs["b"].mustDataset(t, e.db).ID,
				"model_version=" + e.orgs["b"].mustModelVersion(t, e.db, e.orgs["b"].mustSystem(t, e.db, e.orgs["b"].Admin.ID).ID).ID},
				http.StatusUnprocessableEntity, []string{"/links/0/id", "/links/1/id"}},
		}
		before := evidenceCount(t, e, o)
		for _, c := range cases {
			res := e.upload(t, upload{token: tok, body: c.body, headers: c.headers, links: c.links})
			if res.Code != c.want {
				t.Errorf("%s: %d %s, want %d", c.name, res.Code, res.Body, c.want)
				continue
			}
			if c.fields != nil {
				wantPointers(c.fields...)(t, res)
			}
		}
		// A bad request names every field at once.
		res := e.upload(t, upload{token: tok, body: bytes.NewReader(data), links: []string{"planet=mars", "requirement=A.6"}})
		wantPointers("/kind", "/links/0/type", "/links/1/id")(t, res)
		if n := evidenceCount(t, e, o); n != before {
			t.Fatalf("%d revisions written by refused uploads", n-before)
		}
		if o, err := small.Orphans(context.Background()); err != nil || len(o) != 0 {
			t.Fatalf("objects left behind: %v %v", o, err)
		}
		for _, d := range []string{sha(data), sha(make([]byte, 1<<20+1))} {
			if ok, _ := small.Exists(context.Background(), d); ok {
				t.Fatalf("a refused file is stored: %s", d)
			}
		}

		// The blob store down: 503, and no revision written.
		dead, err := blob.Open(context.Background(), "s3://nobucket?endpoint=http://127.0.0.1:1&region=us-east-1&use_path_style=true&anonymous=true", blob.Options{})
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetBlobStore(dead)
		if res := e.upload(t, upload{token: tok, body: bytes.NewReader(data), headers: kind, links: links}); res.Code != http.StatusServiceUnavailable {
			t.Fatalf("store down: %d %s", res.Code, res.Body)
		}
		if n := evidenceCount(t, e, o); n != before {
			t.Fatal("a revision was written while the store was down")
		}
	})
}

// TestEvidenceTamperedFileNotServed: a stored file changed behind aims'
// back is refused (small) or cut off before its end (large), never served
// whole.
func TestEvidenceTamperedFileNotServed(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		st, err := blob.Open(context.Background(), "mem://", blob.Options{})
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetBlobStore(st)
		for _, size := range []int{1000, 5 << 20} {
			data := bytes.Repeat([]byte(fmt.Sprintf("%s %d|", t.Name(), size)), size/20)
			res := e.upload(t, upload{token: o.tokens[aims.RoleAdmin], body: bytes.NewReader(data),
				headers: map[string]string{"Aims-Kind": fmt.Sprintf("k%d", size)}, links: []string{"ai_system=" + sys.ID}})
			var got service.EvidenceAdded
			decode(t, res, &got)
			bad := bytes.Clone(data)
			bad[len(bad)-1] ^= 1
			w, _ := st.Writer(context.Background(), got.Revision.Digest)
			_, _ = w.Write(bad)
			_ = w.Close()
			srv := httptest.NewServer(e.srv.Handler())
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/evidence/"+got.Evidence.ID+"/content", nil)
			req.Header.Set("Authorization", "Bearer "+o.tokens[aims.RoleAuditor])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			srv.Close()
			if resp.StatusCode == http.StatusOK && rerr == nil {
				t.Fatalf("size %d: a changed file was served whole (%d bytes)", size, len(body))
			}
			if len(body) >= len(data) && resp.StatusCode == http.StatusOK {
				t.Fatalf("size %d: every byte was served", size)
			}
		}
	})
}

// TestEvidenceAccess: an auditor reads and downloads but cannot upload;
// a viewer reads; another organization's evidence is 404, by id and by
// digest; a token scoped to evidence:write adds evidence for its systems
// only.
func TestEvidenceAccess(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a, b := e.orgs["a"], e.orgs["b"]
		sys := a.mustSystem(t, e.db, a.Admin.ID)
		other := a.mustSystem(t, e.db, a.Admin.ID)
		data := []byte("card " + t.Name())
		res := e.upload(t, upload{token: a.tokens[aims.RoleAdmin], body: bytes.NewReader(data), headers: map[string]string{"Aims-Kind": "model-card"},
			links: []string{"ai_system=" + sys.ID}})
		var got service.EvidenceAdded
		decode(t, res, &got)
		if res := e.upload(t, upload{token: a.tokens[aims.RoleAuditor], body: bytes.NewReader(data), headers: map[string]string{"Aims-Kind": "x"},
			links: []string{"ai_system=" + sys.ID}}); res.Code != http.StatusForbidden {
			t.Fatalf("auditor upload: %d", res.Code)
		}
		if res := e.upload(t, upload{token: a.tokens[aims.RoleViewer], body: bytes.NewReader(data), headers: map[string]string{"Aims-Kind": "x"},
			links: []string{"ai_system=" + sys.ID}}); res.Code != http.StatusForbidden {
			t.Fatalf("viewer upload: %d", res.Code)
		}
		for _, u := range []string{"/api/v1/evidence/" + got.Evidence.ID, "/api/v1/evidence/" + got.Evidence.ID + "/content",
			"/api/v1/evidence/sha256:" + got.Revision.Digest + "/content", "/api/v1/evidence/" + got.Evidence.ID + "/proof"} {
			if res := e.do(t, request{method: http.MethodGet, url: u, token: a.tokens[aims.RoleAuditor]}); res.Code != http.StatusOK {
				t.Errorf("auditor GET %s: %d %s", u, res.Code, res.Body)
			}
			if res := e.do(t, request{method: http.MethodGet, url: u, token: b.tokens[aims.RoleAdmin]}); res.Code != http.StatusNotFound {
				t.Errorf("another organization's admin GET %s: %d %s", u, res.Code, res.Body)
			}
		}
		var page listPage[aims.Evidence]
		decode(t, e.do(t, request{method: http.MethodGet, url: "/api/v1/evidence?digest=" + got.Revision.Digest, token: b.tokens[aims.RoleAdmin]}), &page)
		if page.Total != 0 {
			t.Fatalf("another organization lists it by digest: %+v", page)
		}

		// A pipeline token: evidence:write for one system.
		ctx := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: a.Admin.ID, OrgID: a.Org.ID, Role: aims.RoleAdmin, Operator: true})
		secret, _, err := e.svc.CreateToken(ctx, aims.NewToken{UserID: a.members[aims.RoleContributor].ID, Name: unique("ci"),
			Scopes: []string{aims.ScopeEvidenceWrite}, Systems: []string{sys.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if res := e.upload(t, upload{token: secret, body: strings.NewReader("ci " + t.Name()), headers: map[string]string{"Aims-Kind": "test-log"},
			links: []string{"ai_system=" + sys.ID}}); res.Code != http.StatusCreated {
			t.Fatalf("pipeline token: %d %s", res.Code, res.Body)
		}
		if res := e.upload(t, upload{token: secret, body: strings.NewReader("ci2 " + t.Name()), headers: map[string]string{"Aims-Kind": "test-log"},
			links: []string{"ai_system=" + other.ID}}); res.Code != http.StatusForbidden {
			t.Fatalf("pipeline token on another system: %d %s", res.Code, res.Body)
		}
		if res := e.do(t, request{method: http.MethodGet, url: "/api/v1/evidence", token: secret}); res.Code != http.StatusForbidden {
			t.Fatalf("pipeline token reads: %d", res.Code)
		}
	})
}

// TestEvidenceRevisionProofVerifiesOffline: a revision's proof checks
// against the log's verifier key alone, and its entry seals the revision
// (its digest included).
func TestEvidenceRevisionProofVerifiesOffline(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		data := []byte("proof " + t.Name())
		res := e.upload(t, upload{token: o.tokens[aims.RoleContributor], body: bytes.NewReader(data), headers: map[string]string{"Aims-Kind": "validation-report"},
			links: []string{"ai_system=" + sys.ID}})
		var got service.EvidenceAdded
		decode(t, res, &got)
		file := e.do(t, request{method: http.MethodGet, url: "/api/v1/evidence/" + got.Evidence.ID + "/proof?revision=1", token: o.tokens[aims.RoleAuditor]})
		if file.Code != http.StatusOK {
			t.Fatalf("proof: %d %s", file.Code, file.Body)
		}
		ctx := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: o.Admin.ID, OrgID: o.Org.ID, Role: aims.RoleAdmin, Operator: true})
		vkey, err := e.svc.LogVerifierKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, err := ledger.ParseVerifierKey(vkey)
		if err != nil {
			t.Fatal(err)
		}
		_, entry, err := ledger.VerifyRecordProof(file.Body.Bytes(), v, nil)
		if err != nil {
			t.Fatalf("the proof does not verify offline: %v", err)
		}
		ev, err := store.FindAuditEventByID(context.Background(), e.db, o.Scope, got.Revision.AuditEventID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(ev.After, []byte(got.Revision.Digest)) || !bytes.Contains(entry, []byte(ledger.Digest(ev.After))) {
			t.Fatalf("the proven entry does not seal the revision's digest: %s / %s", entry, ev.After)
		}
		if got.Revision.LogIndex == nil {
			t.Fatal("no log index")
		}
		if h, _ := ledger.ParseEntryHeader(entry); h.ID != ev.ID {
			t.Fatalf("entry names %s, want event %s", h.ID, ev.ID)
		}
	})
}
