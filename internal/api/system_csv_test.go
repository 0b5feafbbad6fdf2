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

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// csvSite is a running server with one organization and a token per role.
type csvSite struct {
	url    string
	svc    *service.Service
	tokens map[aims.Role]string
	org    *storetest.Fixture
}

func newCSVSite(t *testing.T, db *store.DB, slug string, srv *httptest.Server, svc *service.Service) *csvSite {
	t.Helper()
	s := &csvSite{url: srv.URL, svc: svc, tokens: map[aims.Role]string{}, org: storetest.NewOrg(t, db, slug)}
	ctx := service.OperatorContext(context.Background(), s.org.Org, "test")
	for _, role := range aims.RoleValues() {
		m := s.org.Admin
		if role != aims.RoleAdmin {
			m = s.org.AddMember(t, db, string(role)+"@"+slug+".test", role)
		}
		secret, _, err := svc.CreateToken(ctx, aims.NewToken{UserID: m.ID, Name: "test " + string(role)})
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[role] = secret
	}
	return s
}

func startCSVServer(t *testing.T, db *store.DB) (*httptest.Server, *service.Service) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	svc := service.New(db, log)
	srv := httptest.NewServer(server.New(server.Config{BaseURL: "http://127.0.0.1"}, svc, log).Handler())
	t.Cleanup(srv.Close)
	return srv, svc
}

func (s *csvSite) do(t *testing.T, role aims.Role, method, path, contentType string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+api.Prefix+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.tokens[role])
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func TestSystemCSVImportExportAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		srv, svc := startCSVServer(t, db)
		a := newCSVSite(t, db, "acme", srv, svc)
		b := newCSVSite(t, db, "beta", srv, svc)
		file := "name,purpose,owner_email,operator_roles,lifecycle_stage,autonomy,impact_domains\n" +
			"Credit scoring,Scores loan applications,system_owner@acme.test,provider;deployer,deployed,human_approval,credit_and_finance;privacy\n" +
			"Chatbot,Answers customers,contributor@acme.test,deployer,design,human_override,privacy\n"

		// Dry run, then the import itself.
		res, body := a.do(t, aims.RoleContributor, http.MethodPost, "/systems/import?dry_run=true", "text/csv", strings.NewReader(file))
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"dry_run":true`) {
			t.Fatalf("dry run: %d %s", res.StatusCode, body)
		}
		res, body = a.do(t, aims.RoleAIMSManager, http.MethodPost, "/systems/import", "text/csv; charset=utf-8", strings.NewReader(file))
		var got service.ImportResult
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &got) != nil {
			t.Fatalf("import: %d %s", res.StatusCode, body)
		}
		if diff := cmp.Diff(service.ImportResult{Created: 2}, got); diff != "" {
			t.Errorf("import result (-want +got):\n%s", diff)
		}

		// Export with the list's filters, as an auditor.
		res, body = a.do(t, aims.RoleAuditor, http.MethodGet, "/systems/export.csv?lifecycle_stage=deployed", "", nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("export: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="ai-systems-acme-`) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		if lines := strings.Split(strings.TrimSpace(string(body)), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "Credit scoring,") {
			t.Errorf("export of deployed systems:\n%s", body)
		}
		// The export imports back without changes.
		res, body = a.do(t, aims.RoleContributor, http.MethodPost, "/systems/import", "text/csv", bytes.NewReader(body))
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"unchanged":1`) {
			t.Errorf("re-import: %d %s", res.StatusCode, body)
		}

		// Bad rows: 422, every bad cell as a pointer, nothing imported.
		bad := "name,owner_email,lifecycle_stage\nNew one,nobody@acme.test,idea\nCredit scoring,system_owner@acme.test,launched\n"
		res, body = a.do(t, aims.RoleContributor, http.MethodPost, "/systems/import", "text/csv", strings.NewReader(bad))
		var prob api.Problem
		if res.StatusCode != http.StatusUnprocessableEntity || res.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(body, &prob) != nil {
			t.Fatalf("bad rows: %d %s", res.StatusCode, body)
		}
		var pointers []string
		for _, e := range prob.Errors {
			pointers = append(pointers, e.Pointer)
		}
		want := []string{"/rows/2/owner_email", "/rows/2/purpose", "/rows/2/operator_roles", "/rows/2/autonomy", "/rows/3/lifecycle_stage"}
		if diff := cmp.Diff(want, pointers); diff != "" {
			t.Errorf("pointers (-want +got):\n%s\n%s", diff, body)
		}
		list, total, _ := svc.FindSystems(service.OperatorContext(context.Background(), a.org.Org, "test"), aims.SystemFilter{Sort: "-name"})
		if total != 2 || list[0].Name != "Credit scoring" || list[0].LifecycleStage != aims.StageDeployed {
			t.Errorf("after a bad import: %d systems, first %+v", total, list[0])
		}

		// Roles: import needs Edit (403 for the rest), export needs Export.
		for _, role := range []aims.Role{aims.RoleAuditor, aims.RoleViewer, aims.RoleSystemOwner} {
			if res, body := a.do(t, role, http.MethodPost, "/systems/import", "text/csv", strings.NewReader(file)); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s imports: %d %s", role, res.StatusCode, body)
			}
		}
		if res, _ := a.do(t, aims.RoleViewer, http.MethodGet, "/systems/export.csv", "", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer exports: %d", res.StatusCode)
		}

		// Another organization sees none of A's systems, and its import
		// of the same names creates its own.
		res, body = b.do(t, aims.RoleAdmin, http.MethodGet, "/systems/export.csv", "", nil)
		if res.StatusCode != http.StatusOK || strings.Count(string(body), "\n") != 1 {
			t.Errorf("B's export: %d\n%s", res.StatusCode, body)
		}
		res, body = b.do(t, aims.RoleAdmin, http.MethodPost, "/systems/import", "text/csv", strings.NewReader(strings.ReplaceAll(file, "acme.test", "beta.test")))
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"created":2`) {
			t.Errorf("B's import: %d %s", res.StatusCode, body)
		}

		// Wrong type: 415; over 10 MiB: 413.
		if res, body := a.do(t, aims.RoleAdmin, http.MethodPost, "/systems/import", "application/x-www-form-urlencoded", strings.NewReader(file)); res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("form body: %d %s", res.StatusCode, body)
		}
		if res, _ := a.do(t, aims.RoleAdmin, http.MethodPost, "/systems/import", "text/csv; charset=latin1", strings.NewReader(file)); res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("latin1 body: %d", res.StatusCode)
		}
		big := "name\n" + strings.Repeat("x", service.MaxImportBytes)
		if res, body := a.do(t, aims.RoleAdmin, http.MethodPost, "/systems/import", "text/csv", strings.NewReader(big)); res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("11 MiB: %d %s", res.StatusCode, body)
		}
	})
}
