package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aimsproject/aims/internal/ledger"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// Refused requests are logged at info through the default logger; keep
	// test output to what failed.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	code := m.Run()
	removeBenchData()
	os.Exit(code)
}

// apiEnv is a running server over one database with two organizations, "a"
// and "b", each with one member and one API token per role.
type apiEnv struct {
	db   *store.DB
	svc  *service.Service
	srv  *server.Server
	orgs map[string]*orgEnv
}

// orgEnv is one organization of an apiEnv.
type orgEnv struct {
	*storetest.Fixture
	members map[aims.Role]*aims.Member
	tokens  map[aims.Role]string // bearer secrets
}

// runAPI runs fn against a fresh server on SQLite and on PostgreSQL.
func runAPI(t *testing.T, fn func(t *testing.T, e *apiEnv)) {
	t.Helper()
	storetest.Run(t, func(t *testing.T, db *store.DB) { fn(t, newAPIEnv(t, db)) })
}

func newAPIEnv(t testing.TB, db *store.DB) *apiEnv {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(db, log)
	// As aims serve always has one (a key file or AIMS_LOG_KEY), so that
	// proofs come with signed checkpoints.
	skey, err := ledger.GenerateMasterKey("aims.test")
	if err != nil {
		t.Fatal(err)
	}
	mk, err := ledger.ParseMasterKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	svc.SetLogKey(mk)
	e := &apiEnv{db: db, svc: svc, srv: server.New(server.Config{Version: "test"}, svc, log), orgs: map[string]*orgEnv{}}
	for _, slug := range []string{"a", "b"} {
		e.orgs[slug] = newOrgEnv(t, db, svc, slug)
	}
	return e
}

func newOrgEnv(t testing.TB, db *store.DB, svc *service.Service, slug string) *orgEnv {
	t.Helper()
	o := &orgEnv{Fixture: storetest.NewOrg(t, db, slug), members: map[aims.Role]*aims.Member{}, tokens: map[aims.Role]string{}}
	for _, r := range aims.RoleValues() {
		if r == aims.RoleAdmin {
			o.members[r] = o.Admin
		} else {
			o.members[r] = o.AddMember(t, db, string(r)+"@"+slug+".test", r)
		}
		o.tokens[r] = o.mustToken(t, svc, o.members[r], "role "+string(r))
	}
	return o
}

// mustToken makes an API token for m, as the host's operator would.
func (o *orgEnv) mustToken(t testing.TB, svc *service.Service, m *aims.Member, name string) string {
	t.Helper()
	ctx := service.OperatorContext(context.Background(), o.Org, "test")
	secret, _, err := svc.CreateToken(ctx, aims.NewToken{UserID: m.ID, Name: name})
	if err != nil {
		t.Fatalf("create token for %s: %v", m.Email, err)
	}
	return secret
}

var seq atomic.Int64

// unique returns a name no other call returns.
func unique(prefix string) string { return fmt.Sprintf("%s %d", prefix, seq.Add(1)) }

// mustSystem stores a valid AI system owned by ownerID.
func (o *orgEnv) mustSystem(t testing.TB, db *store.DB, ownerID string) *aims.AISystem {
	t.Helper()
	return o.MustCreateSystem(t, db, storetest.System(unique("System"), ownerID))
}

// mustModelVersion stores a candidate model version of system.
func (o *orgEnv) mustModelVersion(t testing.TB, db *store.DB, systemID string) *aims.ModelVersion {
	t.Helper()
	m := &aims.ModelVersion{SystemID: systemID, Version: unique("v"), Digest: strings.Repeat("ab", 32), Status: aims.ModelCandidate}
	m.Normalize()
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateModelVersion(ctx, tx, o.Scope, m) })
	return m
}

// mustDataset stores a dataset.
func (o *orgEnv) mustDataset(t testing.TB, db *store.DB) *aims.Dataset {
	t.Helper()
	d := &aims.Dataset{Name: unique("Dataset")}
	d.Normalize()
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateDataset(ctx, tx, o.Scope, d) })
	return d
}

// mustSupplier stores a supplier.
func (o *orgEnv) mustSupplier(t testing.TB, db *store.DB) *aims.Supplier {
	t.Helper()
	s := &aims.Supplier{Name: unique("Supplier"), Supplies: []aims.SupplyCategory{aims.SupplyModel}}
	s.Normalize()
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateSupplier(ctx, tx, o.Scope, s) })
	return s
}

// mustTokenRecord makes a token for the admin and returns its record's id.
func (o *orgEnv) mustTokenRecord(t testing.TB, svc *service.Service) string {
	t.Helper()
	ctx := service.OperatorContext(context.Background(), o.Org, "test")
	_, tok, err := svc.CreateToken(ctx, aims.NewToken{UserID: o.Admin.ID, Name: unique("token")})
	if err != nil {
		t.Fatalf("create token: %v", err)
	}
	return tok.ID
}

func (o *orgEnv) mustWrite(t testing.TB, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.Transact(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// request is one call to the server. Body is sent as is when it is a string
// or []byte, and as JSON otherwise.
type request struct {
	method, url string
	token       string // bearer secret; "" sends none
	body        any
	contentType string // default application/json when there is a body
}

// do serves one request in-process and returns the response.
func (e *apiEnv) do(t testing.TB, r request) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	req := httptest.NewRequest(r.method, r.url, body)
	if body != nil {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// scenario is one API call and what must come back, in the style of
// pocketbase's ApiScenario.
type scenario struct {
	name        string
	method, url string
	org         string    // "a" when empty
	role        aims.Role // the caller; "" calls without a token
	body        any
	contentType string
	wantStatus  int
	check       func(t *testing.T, res *httptest.ResponseRecorder) // more about the body, optional
}

// run serves each scenario as a subtest.
func (e *apiEnv) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			org := sc.org
			if org == "" {
				org = "a"
			}
			var token string
			if sc.role != "" {
				token = e.orgs[org].tokens[sc.role]
			}
			res := e.do(t, request{method: sc.method, url: sc.url, token: token, body: sc.body, contentType: sc.contentType})
			if res.Code != sc.wantStatus {
				t.Fatalf("%s %s as %s: status %d, want %d; body: %s", sc.method, sc.url, sc.role, res.Code, sc.wantStatus, res.Body)
			}
			if sc.check != nil {
				sc.check(t, res)
			}
		})
	}
}

// problem is the body of an error answer.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Pointer   string `json:"pointer"`
		Parameter string `json:"parameter"`
		Detail    string `json:"detail"`
	} `json:"errors"`
}

// decodeProblem reads a problem+json answer, failing on another type.
func decodeProblem(t *testing.T, res *httptest.ResponseRecorder) problem {
	t.Helper()
	if ct := res.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body: %s", ct, res.Body)
	}
	var p problem
	if err := json.Unmarshal(res.Body.Bytes(), &p); err != nil {
		t.Fatalf("decode problem: %v; body: %s", err, res.Body)
	}
	if p.Status != res.Code {
		t.Errorf("problem status %d, response status %d", p.Status, res.Code)
	}
	return p
}

// pointers lists the JSON pointers a problem names.
func (p problem) pointers() []string {
	var out []string
	for _, e := range p.Errors {
		if e.Pointer != "" {
			out = append(out, e.Pointer)
		}
	}
	return out
}

// wantPointers checks that a problem names exactly these fields.
func wantPointers(want ...string) func(t *testing.T, res *httptest.ResponseRecorder) {
	return func(t *testing.T, res *httptest.ResponseRecorder) {
		t.Helper()
		got := decodeProblem(t, res).pointers()
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("problem names fields %q, want %q; body: %s", got, want, res.Body)
		}
	}
}

// decode reads a JSON answer into v.
func decode(t testing.TB, res *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(res.Body.Bytes(), v); err != nil {
		t.Fatalf("decode: %v; body: %s", err, res.Body)
	}
}

// listPage is a page of any list.
type listPage[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}
