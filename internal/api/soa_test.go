package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// soaAPI is a server with one member (and API token) per role.
type soaAPI struct {
	srv    *httptest.Server
	svc    *service.Service
	tokens map[aims.Role]string
	admin  context.Context
}

func newSoAAPI(t *testing.T, db *store.DB) *soaAPI {
	t.Helper()
	svc := service.New(db, nil)
	f := storetest.NewOrg(t, db, "acme")
	a := &soaAPI{svc: svc, tokens: map[aims.Role]string{}}
	a.admin = authz.WithPrincipal(context.Background(), &authz.Principal{UserID: f.Admin.ID, Email: f.Admin.Email, OrgID: f.Org.ID,
		OrgSlug: f.Org.Slug, OrgName: f.Org.Name, Role: aims.RoleAdmin})
	for _, role := range aims.RoleValues() {
		userID := f.Admin.ID
		if role != aims.RoleAdmin {
			userID = f.AddMember(t, db, string(role)+"@acme.test", role).ID
		}
		secret, _, err := svc.CreateToken(a.admin, aims.NewToken{UserID: userID, Name: "test " + string(role)})
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[role] = secret
	}
	a.srv = httptest.NewServer(server.New(server.Config{Version: "test"}, svc, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	t.Cleanup(a.srv.Close)
	return a
}

type apiResult struct {
	status int
	body   []byte
	ctype  string
}

func (r apiResult) problemPointers() map[string]string {
	var p struct {
		Errors []struct{ Pointer, Detail string } `json:"errors"`
	}
	_ = json.Unmarshal(r.body, &p)
	out := map[string]string{}
	for _, e := range p.Errors {
		out[e.Pointer] = e.Detail
	}
	return out
}

func (a *soaAPI) do(t *testing.T, role aims.Role, method, path, ctype string, body []byte) apiResult {
	t.Helper()
	req, _ := http.NewRequest(method, a.srv.URL+"/api/v1"+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.tokens[role])
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResult{status: resp.StatusCode, body: b, ctype: resp.Header.Get("Content-Type")}
}

func (a *soaAPI) json(t *testing.T, role aims.Role, method, path, body string) apiResult {
	t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	return a.do(t, role, method, path, ct, []byte(body))
}

func TestSoAAPIRolesAndBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newSoAAPI(t, db)
		if r := a.json(t, aims.RoleAuditor, "POST", "/soa/versions", `{}`); r.status != 403 {
			t.Errorf("auditor starts a draft: %d, want 403", r.status)
		}
		if r := a.json(t, aims.RoleContributor, "POST", "/soa/versions", `{"note":"first"}`); r.status != 201 {
			t.Fatalf("contributor starts a draft: %d %s", r.status, r.body)
		}
		// Approving with undecided controls: 422 listing them.
		r := a.json(t, aims.RoleAIMSManager, "POST", "/soa/versions/1/approve", `{}`)
		if ptrs := r.problemPointers(); r.status != 422 || len(ptrs) != 38 || ptrs["/rows/iso42001:A.2.2/applicability"] == "" {
			t.Fatalf("approve undecided: %d with %d errors, want 422 listing 38: %s", r.status, len(ptrs), r.body)
		}
		// Excluding without a justification: 422 naming the field.
		r = a.json(t, aims.RoleContributor, "PATCH", "/soa/versions/1/controls/iso42001/A.10.4", `{"applicability":"excluded"}`)
		if r.status != 422 || r.problemPointers()["/justification"] == "" {
			t.Fatalf("exclude without justification: %d %s", r.status, r.body)
		}
		var v aims.SoAVersion
		r = a.json(t, aims.RoleViewer, "GET", "/soa/versions/1", "")
		if err := json.Unmarshal(r.body, &v); err != nil || len(v.Rows) != 38 {
			t.Fatalf("viewer reads the draft: %d %v", r.status, err)
		}
		var controls []string
		for _, row := range v.Rows {
			controls = append(controls, `{"framework":"iso42001","requirement_id":"`+row.RequirementID+`"}`)
		}
		r = a.json(t, aims.RoleContributor, "POST", "/soa/versions/1/bulk",
			`{"controls":[`+strings.Join(controls, ",")+`],"set":{"applicability":"applicable","justification":"Needed","implementation_status":"planned"}}`)
		if r.status != 200 {
			t.Fatalf("bulk: %d %s", r.status, r.body)
		}
		// Only aims_manager and admin approve.
		for _, role := range []aims.Role{aims.RoleContributor, aims.RoleSystemOwner, aims.RoleAuditor, aims.RoleViewer} {
			if r := a.json(t, role, "POST", "/soa/versions/1/approve", `{}`); r.status != 403 {
				t.Errorf("%s approves: %d, want 403", role, r.status)
			}
		}
		if r := a.json(t, aims.RoleAIMSManager, "POST", "/soa/versions/1/approve", `{"note":"ok"}`); r.status != 200 {
			t.Fatalf("manager approves: %d %s", r.status, r.body)
		}
		// Editing an approved version: 409.
		if r := a.json(t, aims.RoleAdmin, "PATCH", "/soa/versions/1/controls/iso42001/A.2.2", `{"implementation_status":"implemented"}`); r.status != 409 {
			t.Errorf("edit approved: %d, want 409", r.status)
		}
		if r := a.json(t, aims.RoleAdmin, "POST", "/soa/versions", `{}`); r.status != 201 {
			t.Fatalf("admin starts draft 2: %d %s", r.status, r.body)
		}
		if r := a.json(t, aims.RoleAdmin, "PATCH", "/soa/versions/2/controls/iso42001/A.6.2.8", `{"implementation_status":"implemented"}`); r.status != 200 {
			t.Fatalf("edit draft 2: %d %s", r.status, r.body)
		}
		// An auditor reads and exports every version.
		for _, n := range []string{"1", "2"} {
			if r := a.json(t, aims.RoleAuditor, "GET", "/soa/versions/"+n, ""); r.status != 200 {
				t.Errorf("auditor reads version %s: %d", n, r.status)
			}
			for _, format := range []string{"xlsx", "csv", "json", "pdf", "oscal"} {
				r := a.json(t, aims.RoleAuditor, "GET", "/soa/versions/"+n+"/export?format="+format, "")
				if r.status != 200 || len(r.body) == 0 {
					t.Errorf("auditor exports version %s as %s: %d %s", n, format, r.status, r.body)
				}
				if format == "pdf" && !bytes.HasPrefix(r.body, []byte("%PDF-")) {
					t.Errorf("PDF export starts %q", r.body[:min(8, len(r.body))])
				}
			}
		}
		if r := a.json(t, aims.RoleViewer, "GET", "/soa/versions/1/export?format=csv", ""); r.status != 403 {
			t.Errorf("viewer exports: %d, want 403", r.status)
		}
		r = a.json(t, aims.RoleAuditor, "GET", "/soa/diff?from=1&to=2", "")
		if r.status != 200 || !bytes.Contains(r.body, []byte("A.6.2.8")) {
			t.Errorf("diff: %d %s", r.status, r.body)
		}
		r = a.json(t, aims.RoleAuditor, "GET", "/soa/coverage", "")
		if r.status != 200 || !bytes.Contains(r.body, []byte(`"framework":"nist-ai-rmf"`)) {
			t.Errorf("coverage: %d %s", r.status, r.body)
		}
		if r := a.json(t, aims.RoleAuditor, "GET", "/soa/versions/9", ""); r.status != 404 {
			t.Errorf("unknown version: %d, want 404", r.status)
		}
	})
}

func TestCatalogAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newSoAAPI(t, db)
		r := a.json(t, aims.RoleViewer, "GET", "/frameworks/nist-ai-rmf/requirements/GOVERN%201.1", "")
		var d service.RequirementDetail
		if err := json.Unmarshal(r.body, &d); r.status != 200 || err != nil || len(d.MapsTo) == 0 {
			t.Fatalf("GOVERN 1.1: %d %v %s", r.status, err, r.body[:min(300, len(r.body))])
		}
		if r := a.json(t, aims.RoleViewer, "GET", "/frameworks/iso42001/requirements/A.11.1", ""); r.status != 404 {
			t.Errorf("unknown control: %d, want 404", r.status)
		}
		// Malformed OSCAL: the JSON path is named and nothing is imported.
		bad := `{"catalog":{"uuid":"u","metadata":{"title":"T","version":"1","oscal-version":"1.1.2"},"controls":[{"id":"9x","title":"A"}]}}`
		r = a.do(t, aims.RoleAIMSManager, "POST", "/frameworks/import", "application/octet-stream", []byte(bad))
		if r.status != 422 || r.problemPointers()["/catalog/controls/0/id"] == "" {
			t.Fatalf("malformed OSCAL: %d %s", r.status, r.body)
		}
		r = a.json(t, aims.RoleViewer, "GET", "/frameworks", "")
		var fws []struct{ ID string }
		_ = json.Unmarshal(r.body, &fws)
		if len(fws) != 3 {
			t.Errorf("after a refused import: %d frameworks, want the 3 built in", len(fws))
		}
		// An exported catalog imports back under another id.
		r = a.json(t, aims.RoleAuditor, "GET", "/frameworks/eu-ai-act/export?format=oscal", "")
		if r.status != 200 {
			t.Fatalf("export: %d", r.status)
		}
		if r := a.do(t, aims.RoleAuditor, "POST", "/frameworks/import?id=eu-copy", "application/octet-stream", r.body); r.status != 403 {
			t.Errorf("auditor imports: %d, want 403", r.status)
		}
		if r := a.do(t, aims.RoleAIMSManager, "POST", "/frameworks/import?id=eu-copy", "application/octet-stream", r.body); r.status != 201 {
			t.Fatalf("re-import: %d %s", r.status, r.body)
		}
		// A catalog over the 1 MiB of ordinary JSON bodies, sent as JSON,
		// gets the import's own limit (NIST SP 800-53 is about 10 MiB).
		big := oscalCatalog("Big catalog") + strings.Repeat(" ", 3<<19)
		if r := a.do(t, aims.RoleAIMSManager, "POST", "/frameworks/import?id=big", "application/json", []byte(big)); r.status != 201 {
			t.Errorf("1.5 MiB catalog as application/json: %d %s", r.status, r.body[:min(300, len(r.body))])
		}
		if r := a.json(t, aims.RoleViewer, "GET", "/frameworks/eu-copy/requirements/Art.%2012", ""); r.status != 200 {
			t.Errorf("imported requirement: %d", r.status)
		}
		// ISO text with unknown ids: those rows listed, nothing imported.
		r = a.do(t, aims.RoleAIMSManager, "POST", "/frameworks/iso42001/texts", "text/csv", []byte("id,text\nA.2.2,x\nZ.9,y\n"))
		if r.status != 422 || r.problemPointers()["/rows/3/id"] == "" {
			t.Errorf("text import with an unknown id: %d %s", r.status, r.body)
		}
		if r := a.json(t, aims.RoleAuditor, "GET", "/crosswalks/nist-ai-rmf_iso42001/export?format=oscal", ""); r.status != 200 || !bytes.Contains(r.body, []byte("mapping-collection")) {
			t.Errorf("crosswalk export: %d", r.status)
		}
	})
}
