package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
	"github.com/aimsproject/aims/internal/web"
)

func TestAPIDocsPage(t *testing.T) {
	db := storetest.OpenSQLite(t)
	svc := service.New(db, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(server.New(server.Config{Version: "test"}, svc, slog.New(slog.DiscardHandler)).Handler())
	defer srv.Close()
	ctx := context.Background()
	org, m, err := svc.BootstrapUser(ctx, service.Bootstrap{OrgSlug: "acme", Email: "ci@acme.test", Name: "CI", Role: aims.RoleContributor,
		Password: "long enough password", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := svc.CreateToken(service.OperatorContext(ctx, org, "test"), aims.NewToken{UserID: m.ID, Name: "CI"})
	if err != nil {
		t.Fatal(err)
	}

	res, err := http.Get(srv.URL + "/api/docs")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/docs: %d", res.StatusCode)
	}
	doc, err := html.Parse(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	web.CheckPage(t, doc)
	for _, anchor := range []string{"problem-bad-request", "problem-unauthorized", "problem-forbidden", "problem-not-found", "problem-conflict",
		"problem-request-entity-too-large", "problem-unprocessable-entity", "problem-too-many-requests", "authentication"} {
		web.Query(t, doc, "#"+anchor)
	}
	if !strings.Contains(web.Text(web.Query(t, doc, "#authentication")), "aims token create") {
		t.Error("the Authentication section does not say how to get a token")
	}
	create := web.Query(t, doc, "article#op-create-system")
	if got := web.Text(web.Query(t, create, "h3")); got != "POST /api/v1/systems" {
		t.Errorf("create-system heading = %q", got)
	}
	roles := web.Text(web.Query(t, create, ".roles"))
	for _, r := range []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleSystemOwner, aims.RoleContributor} {
		if !strings.Contains(roles, r.Title()) {
			t.Errorf("create-system roles %q lack %s", roles, r.Title())
		}
	}
	if strings.Contains(roles, "Viewer") || strings.Contains(roles, "Auditor") {
		t.Errorf("create-system roles %q include read-only roles", roles)
	}
	// The problem answers are shared in the document ($ref) and shown with
	// their meaning; a download names each media type it sends.
	answers := map[string][]string{}
	for _, tr := range web.QueryAll(create, "table.api-responses tbody tr") {
		cells := web.Texts(tr, "td")
		answers[cells[0]] = cells
	}
	if a := answers["422"]; len(a) < 3 || !strings.Contains(a[1], "invalid") || !strings.Contains(a[2], "application/problem+json") {
		t.Errorf("create-system's 422 row = %v", answers["422"])
	}
	export := web.Query(t, doc, "article#op-export-soa-version")
	if got := web.Text(web.Query(t, export, "table.api-responses tbody tr")); !strings.Contains(got, "application/pdf") ||
		!strings.Contains(got, "text/csv") || !strings.Contains(got, "spreadsheetml") {
		t.Errorf("export-soa-version's 200 row %q does not name PDF, CSV and XLSX", got)
	}
	var opRoles []string
	for _, tr := range web.QueryAll(create, "table.api-fields tbody tr") {
		cells := web.Texts(tr, "td")
		if cells[0] == "operator_roles" {
			opRoles = cells
		}
	}
	if len(opRoles) < 4 || opRoles[2] != "required" || !strings.Contains(opRoles[3], "deployer") {
		t.Errorf("operator_roles row = %v", opRoles)
	}
	// Every tag has its section, listed in the contents.
	tags := web.Texts(doc, "nav.toc li a")
	for _, want := range []string{"AI systems", "Audit trail", "Authentication", "Errors"} {
		if !slices.Contains(tags, want) {
			t.Errorf("contents %v lack %q", tags, want)
		}
	}
	anchors := map[string]bool{}
	for _, n := range web.QueryAll(doc, "[id]") {
		anchors[web.Attr(n, "id")] = true
	}
	for _, a := range web.QueryAll(doc, "a") {
		if href := web.Attr(a, "href"); strings.HasPrefix(href, "#") && !anchors[href[1:]] {
			t.Errorf("link to %s has no target", href)
		}
	}

	// The API's problem types point at anchors of this page.
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/systems", `{}`},
		{http.MethodGet, "/api/v1/systems/no-such-id", ``},
		{http.MethodPost, "/api/v1/systems", `{`},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var prob struct{ Type string }
		if err := json.Unmarshal(b, &prob); err != nil {
			t.Fatalf("%s %s: %s", c.method, c.path, b)
		}
		anchor, ok := strings.CutPrefix(prob.Type, "/api/docs#")
		if !ok || !anchors[anchor] {
			t.Errorf("%s %s: problem type %q has no entry on /api/docs", c.method, c.path, prob.Type)
		}
	}
}

// TestAPIDocsFilter: the API reference's search box keeps the operations
// and schemas that match, in any case, and says when nothing does.
func TestAPIDocsFilter(t *testing.T) {
	srv := httptest.NewServer(server.New(server.Config{Version: "test"}, service.New(storetest.OpenSQLite(t), slog.New(slog.DiscardHandler)),
		slog.New(slog.DiscardHandler)).Handler())
	defer srv.Close()
	get := func(q string) *html.Node {
		t.Helper()
		res, err := http.Get(srv.URL + "/api/docs?q=" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		doc, err := html.Parse(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/docs?q=%s: %d %v", q, res.StatusCode, err)
		}
		return doc
	}
	doc := get("SUPPLIERS/EXPORT")
	web.Query(t, doc, "article#op-export-suppliers")
	web.NoMatch(t, doc, "article#op-create-system")
	web.NoMatch(t, doc, "#schemas")
	doc = get("zzz-nothing")
	web.Query(t, doc, "#no-match")
	web.NoMatch(t, doc, "article#op-export-suppliers")
}
