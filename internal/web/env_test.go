package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"golang.org/x/net/html"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// testEnv is the web UI over a real database, with one member per role in
// organization "acme" and a second organization "other". Requests name the
// member they come from; a fake middleware stands in for sign-in.
type testEnv struct {
	t       *testing.T
	db      *store.DB
	svc     *service.Service
	org     *storetest.Fixture
	other   *storetest.Fixture
	members map[aims.Role]*aims.Member
	byID    map[string]*authz.Principal
	handler http.Handler
}

const testMemberHeader = "X-Test-Member"

func newTestEnv(t *testing.T, db *store.DB) *testEnv {
	t.Helper()
	e := &testEnv{t: t, db: db, svc: service.New(db, slog.New(slog.DiscardHandler)),
		members: map[aims.Role]*aims.Member{}, byID: map[string]*authz.Principal{}}
	e.org = storetest.NewOrg(t, db, "acme")
	e.other = storetest.NewOrg(t, db, "other")
	e.members[aims.RoleAdmin] = e.org.Admin
	for _, r := range aims.RoleValues()[1:] {
		e.members[r] = e.org.AddMember(t, db, string(r)+"@acme.test", r)
	}
	for _, m := range e.members {
		e.addPrincipal(e.org, m)
	}
	e.addPrincipal(e.other, e.other.Admin)
	sessions := scs.New()
	r := chi.NewRouter()
	r.Use(sessions.LoadAndSave, e.fakeAuth)
	Register(r, Deps{Svc: e.svc, Sessions: sessions, Setup: NewSetup(), Version: "test"})
	e.handler = r
	return e
}

func (e *testEnv) addPrincipal(f *storetest.Fixture, m *aims.Member) {
	e.byID[m.ID] = &authz.Principal{UserID: m.ID, Email: m.Email, Name: m.Name, OrgID: f.Org.ID, OrgSlug: f.Org.Slug,
		OrgName: f.Org.Name, Role: m.Role}
}

func (e *testEnv) fakeAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := e.byID[r.Header.Get(testMemberHeader)]; p != nil {
			r = r.WithContext(authz.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// ctx acts as the member with role in acme, for setting up records through
// the services.
func (e *testEnv) ctx(role aims.Role) context.Context {
	return authz.WithPrincipal(context.Background(), e.byID[e.members[role].ID])
}

// page is a response: its status, Location and parsed body.
type page struct {
	status   int
	location string
	header   http.Header
	body     string
	doc      *html.Node
}

// get requests path as the member with role.
func (e *testEnv) get(role aims.Role, path string) page {
	e.t.Helper()
	return e.do(e.members[role], http.MethodGet, path, nil, nil)
}

// post posts a form as the member with role.
func (e *testEnv) post(role aims.Role, path string, form url.Values) page {
	e.t.Helper()
	return e.do(e.members[role], http.MethodPost, path, form, nil)
}

func (e *testEnv) do(m *aims.Member, method, path string, form url.Values, header http.Header) page {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if m != nil {
		req.Header.Set(testMemberHeader, m.ID)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return e.parse(rec.Result())
}

func (e *testEnv) parse(res *http.Response) page {
	e.t.Helper()
	b, _ := io.ReadAll(res.Body)
	p := page{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, body: string(b)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		doc, err := html.Parse(strings.NewReader(p.body))
		if err != nil {
			e.t.Fatalf("parse HTML: %v", err)
		}
		p.doc = doc
		checkPage(e.t, doc)
	}
	return p
}

// want fails unless the response has status.
func (p page) want(t *testing.T, status int) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d; body:\n%.2000s", p.status, status, p.body)
	}
	return p
}

// checkPage asserts what every page must keep true: no inline script or
// style (the CSP forbids them) and a label for every visible input.
func checkPage(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, n := range queryAll(doc, "[style]") {
		t.Errorf("inline style attribute on <%s>: the CSP refuses it", n.Data)
	}
	for _, n := range queryAll(doc, "script") {
		if attr(n, "src") == "" {
			t.Errorf("inline script: the CSP refuses it")
		}
	}
	for _, n := range queryAll(doc, "[hx-on]") {
		t.Errorf("hx-on on <%s> needs eval, which the CSP refuses", n.Data)
	}
	labels := map[string]bool{}
	for _, l := range queryAll(doc, "label[for]") {
		labels[attr(l, "for")] = true
	}
	for _, tag := range []string{"input", "select", "textarea"} {
		for _, n := range queryAll(doc, tag) {
			switch attr(n, "type") {
			case "hidden", "submit", "button":
				continue
			}
			if _, hidden := attrOK(n, "hidden"); hidden {
				continue
			}
			if attr(n, "aria-label") == "" && !labels[attr(n, "id")] {
				t.Errorf("<%s name=%q id=%q> has no label", tag, attr(n, "name"), attr(n, "id"))
			}
		}
	}
	ids := map[string]bool{}
	for _, n := range queryAll(doc, "[id]") {
		if ids[attr(n, "id")] {
			t.Errorf("duplicate id %q", attr(n, "id"))
		}
		ids[attr(n, "id")] = true
	}
}

// systemForm is a valid system form, to be changed as a test needs.
func systemFormValues(name, ownerID string) url.Values {
	return url.Values{
		"name": {name}, "purpose": {"Keeps the dewatering line at its moisture target"}, "owner_id": {ownerID},
		"operator_roles": {"deployer"}, "lifecycle_stage": {"development"}, "autonomy": {"autonomous"},
		"impact_domains": {"safety", "environment"}, "in_scope": {"true"}, "techniques": {"gradient boosting, MPC"},
		"tags": {"Plant, dewatering"},
	}
}

// mustSystem registers a system through the service as the admin.
func (e *testEnv) mustSystem(name string, owner *aims.Member) *aims.AISystem {
	e.t.Helper()
	s := storetest.System(name, owner.ID)
	if err := e.svc.CreateSystem(e.ctx(aims.RoleAdmin), s); err != nil {
		e.t.Fatalf("create system %s: %v", name, err)
	}
	return s
}
