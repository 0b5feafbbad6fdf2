package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// The OpenAPI document is checked against the server's live answers, as a
// generated client or a validator of answers would read it: every answer's
// status and media type are declared for its operation, and every JSON body
// validates against the declared schema (JSON Schema 2020-12, which
// OpenAPI 3.1 schemas are).

const docURL = "https://aims.test/openapi.json"

// liveDoc is the OpenAPI document, parsed and ready to compile schemas.
type liveDoc struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
}

func newLiveDoc(t *testing.T) *liveDoc {
	t.Helper()
	raw := openAPIDocument(t)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, inst); err != nil {
		t.Fatal(err)
	}
	return &liveDoc{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
}

// operation is one operation of the document.
type docOperation struct {
	method, path string // path as in the document, with {params}
	op           map[string]any
}

func (d *liveDoc) operations() []docOperation {
	var out []docOperation
	paths := d.doc["paths"].(map[string]any)
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	slices.Sort(keys)
	for _, p := range keys {
		for _, m := range []string{"get", "post", "put", "patch", "delete"} {
			if op, ok := paths[p].(map[string]any)[m].(map[string]any); ok {
				out = append(out, docOperation{method: strings.ToUpper(m), path: p, op: op})
			}
		}
	}
	return out
}

// response returns the response the operation declares for status (not
// the default one) with its JSON pointer, resolving a $ref.
func (d *liveDoc) response(o docOperation, status int) (map[string]any, string) {
	res, _ := o.op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
	ptr := "#/paths/" + pointerEscape(o.path) + "/" + strings.ToLower(o.method) + "/responses/" + strconv.Itoa(status)
	if ref, ok := res["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/responses/")
		res, _ = d.doc["components"].(map[string]any)["responses"].(map[string]any)[name].(map[string]any)
		ptr = ref
	}
	return res, ptr
}

func pointerEscape(s string) string {
	return url.PathEscape(strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1"))
}

// check fails t unless the answer's status and media type are declared for
// the operation and a JSON body validates against the declared schema.
func (d *liveDoc) check(t *testing.T, o docOperation, res *httptest.ResponseRecorder) {
	t.Helper()
	if msg := d.mismatch(t, o, res); msg != "" {
		t.Error(msg)
	}
}

// mismatch says how the answer differs from what the document declares,
// or returns "".
func (d *liveDoc) mismatch(t *testing.T, o docOperation, res *httptest.ResponseRecorder) string {
	t.Helper()
	what := fmt.Sprintf("%s %s answered %d", o.method, o.path, res.Code)
	decl, ptr := d.response(o, res.Code)
	if decl == nil {
		return fmt.Sprintf("%s, which the document does not declare for the operation; body: %.300s", what, res.Body)
	}
	if res.Code == http.StatusNoContent {
		return ""
	}
	ct, _, err := mime.ParseMediaType(res.Header().Get("Content-Type"))
	if err != nil {
		return fmt.Sprintf("%s with Content-Type %q: %v", what, res.Header().Get("Content-Type"), err)
	}
	content, _ := decl["content"].(map[string]any)
	if _, ok := content[ct]; !ok {
		return fmt.Sprintf("%s as %s, which is not among its declared media types %v", what, ct, keysOf(content))
	}
	if ct != "application/json" && !strings.HasSuffix(ct, "+json") {
		return ""
	}
	loc := docURL + ptr + "/content/" + pointerEscape(ct) + "/schema"
	sch, ok := d.schemas[loc]
	if !ok {
		if sch, err = d.compiler.Compile(loc); err != nil {
			t.Fatalf("compile %s: %v", loc, err)
		}
		d.schemas[loc] = sch
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.Body.Bytes()))
	if err != nil {
		return fmt.Sprintf("%s with a body that is not JSON: %v", what, err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Sprintf("%s with a body that does not match its declared schema:\n%v\nbody: %.500s", what, err, res.Body)
	}
	return ""
}

// TestLiveDocCatchesMismatches checks the checker: answers that a client
// of the document would not expect are reported.
func TestLiveDocCatchesMismatches(t *testing.T) {
	d := newLiveDoc(t)
	var systems, export docOperation
	for _, o := range d.operations() {
		switch {
		case o.method == http.MethodGet && o.path == "/api/v1/systems":
			systems = o
		case o.method == http.MethodGet && o.path == "/api/v1/risks/export":
			export = o
		}
	}
	answer := func(status int, contentType, body string) *httptest.ResponseRecorder {
		res := httptest.NewRecorder()
		res.Header().Set("Content-Type", contentType)
		res.WriteHeader(status)
		res.WriteString(body)
		return res
	}
	for name, c := range map[string]struct {
		o   docOperation
		res *httptest.ResponseRecorder
		ok  bool
	}{
		"a page":                 {systems, answer(200, "application/json", `{"items":[],"total":0,"limit":50,"offset":0}`), true},
		"items not a list":       {systems, answer(200, "application/json", `{"items":"x","total":0,"limit":50,"offset":0}`), false},
		"a field unknown":        {systems, answer(200, "application/json", `{"items":[],"total":0,"limit":50,"offset":0,"more":1}`), false},
		"a problem":              {systems, answer(422, "application/problem+json", `{"type":"t","title":"x","status":422}`), true},
		"a problem, not as one":  {systems, answer(422, "application/json", `{"type":"t","title":"x","status":422}`), false},
		"a status not declared":  {systems, answer(409, "application/problem+json", `{"type":"t","title":"x","status":409}`), false},
		"a spreadsheet":          {export, answer(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"), true},
		"a media type not named": {export, answer(200, "application/octet-stream", "PK"), false},
	} {
		if msg := d.mismatch(t, c.o, c.res); (msg == "") != c.ok {
			t.Errorf("%s: mismatch %q, want ok=%v", name, msg, c.ok)
		}
	}
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// demoAPI is a server over the demo organization and an admin's token.
func demoAPI(t *testing.T, db *store.DB) (*apiEnv, string) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	svc := service.New(db, log)
	skey, err := ledger.GenerateMasterKey("aims.test")
	if err != nil {
		t.Fatal(err)
	}
	mk, err := ledger.ParseMasterKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	svc.SetLogKey(mk)
	if _, err := demo.Ensure(ctx, svc); err != nil {
		t.Fatal(err)
	}
	org, err := svc.ResolveOrganization(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	op := service.OperatorContext(ctx, org, "test")
	admins, _, err := svc.FindMembers(op, aims.MemberFilter{Role: aims.RoleAdmin})
	if err != nil || len(admins) == 0 {
		t.Fatalf("demo admin: %v (%d found)", err, len(admins))
	}
	secret, _, err := svc.CreateToken(op, aims.NewToken{UserID: admins[0].ID, Name: "openapi live check"})
	if err != nil {
		t.Fatal(err)
	}
	return &apiEnv{db: db, svc: svc, srv: server.New(server.Config{Version: "test"}, svc, log)}, secret
}

// seedURLs fills a path's parameters with ids read from the lists above
// them (the first system whose decisions list has an item, and so on).
type seedURLs struct {
	t     *testing.T
	e     *apiEnv
	token string
	lists map[string][]map[string]any
}

// items returns the items that GET path lists (a page's items, or an
// array), none when it lists nothing.
func (s *seedURLs) items(path string) []map[string]any {
	if items, ok := s.lists[path]; ok {
		return items
	}
	res := s.e.do(s.t, request{method: http.MethodGet, url: path, token: s.token})
	var items []map[string]any
	if res.Code == http.StatusOK {
		var page struct {
			Items []map[string]any `json:"items"`
		}
		if json.Unmarshal(res.Body.Bytes(), &page) == nil && page.Items != nil {
			items = page.Items
		} else {
			_ = json.Unmarshal(res.Body.Bytes(), &items)
		}
	}
	s.lists[path] = items
	return items
}

// fill returns path with each {param} replaced by a seeded record's id,
// or "" when no record is seeded there.
func (s *seedURLs) fill(path string) string {
	i := strings.IndexByte(path, '{')
	if i < 0 {
		return path
	}
	j := i + strings.IndexByte(path[i:], '}')
	param, parent, rest := path[i+1:j], strings.TrimSuffix(path[:i], "/"), path[j+1:]
	for _, item := range s.items(parent) {
		var v any
		for _, key := range []string{param, "id", "number", "version"} {
			if v = item[key]; v != nil {
				break
			}
		}
		if v == nil {
			continue
		}
		// A parent whose deeper lists are empty yields "": try the next.
		if u := s.fill(parent + "/" + url.PathEscape(fmt.Sprint(v)) + rest); u != "" {
			return u
		}
	}
	return ""
}

// requiredQuery are values for the required query parameters of GET
// operations that the demo data answers.
var requiredQuery = map[string]string{"from": "1", "to": "1", "old": "1", "new": "2", "index": "0", "size": "1"}

// TestLiveGETAnswersMatchOpenAPI calls every GET operation of the API on
// the demo organization, filling path parameters with the ids of seeded
// records, and each download in every format it offers; every answer must
// be 200 in a declared media type, and every JSON answer must validate
// against the operation's declared schema.
func TestLiveGETAnswersMatchOpenAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e, token := demoAPI(t, db)
		d := newLiveDoc(t)
		seed := &seedURLs{t: t, e: e, token: token, lists: map[string][]map[string]any{}}
		checked := 0
		for _, o := range d.operations() {
			if o.method != http.MethodGet {
				continue
			}
			u := seed.fill(o.path)
			if u == "" {
				t.Logf("%s %s: not called, the demo data has no record to name in its path", o.method, o.path)
				continue
			}
			q := url.Values{}
			formats := []string{""}
			params, _ := o.op["parameters"].([]any)
			for _, p := range params {
				p := p.(map[string]any)
				if p["in"] != "query" {
					continue
				}
				name := p["name"].(string)
				if p["required"] == true {
					v, ok := requiredQuery[name]
					if !ok {
						t.Errorf("%s %s: give its required parameter %q a value in requiredQuery", o.method, o.path, name)
					}
					q.Set(name, v)
				}
				if name == "format" {
					formats = formats[:0]
					for _, f := range p["schema"].(map[string]any)["enum"].([]any) {
						formats = append(formats, f.(string))
					}
				}
			}
			for _, f := range formats {
				if f != "" {
					q.Set("format", f)
				}
				full := u
				if len(q) > 0 {
					full += "?" + q.Encode()
				}
				res := e.do(t, request{method: http.MethodGet, url: full, token: token})
				if res.Code != http.StatusOK {
					t.Errorf("GET %s: status %d, want 200; body: %.300s", full, res.Code, res.Body)
					continue
				}
				d.check(t, o, res)
				checked++
			}
		}
		t.Logf("%d GET answers checked against the document", checked)
	})
}

// TestProblemAnswersDeclared calls every operation as nobody, as a viewer,
// and as an admin naming records that do not exist with an empty body: each
// 4xx answer must be declared for the operation (not only as the default
// answer) and match the Problem schema.
func TestProblemAnswersDeclared(t *testing.T) {
	e := newAPIEnv(t, storetest.OpenSQLite(t))
	d := newLiveDoc(t)
	const unknownID = "01900000-0000-7000-8000-000000000000"
	for _, o := range d.operations() {
		u := o.path
		for strings.Contains(u, "{") {
			i := strings.IndexByte(u, '{')
			j := i + strings.IndexByte(u[i:], '}')
			v := unknownID
			if p := u[i+1 : j]; p == "number" || p == "version" {
				v = "9999"
			}
			u = u[:i] + v + u[j+1:]
		}
		var body any
		contentType := ""
		if rb, ok := o.op["requestBody"].(map[string]any); ok {
			content := rb["content"].(map[string]any)
			if _, ok := content["application/json"]; ok {
				body, contentType = "{}", "application/json"
			} else {
				contentType = keysOf(content)[0]
				body = ""
			}
		}
		for _, role := range []aims.Role{"", aims.RoleViewer, aims.RoleAdmin} {
			token := ""
			if role != "" {
				token = e.orgs["a"].tokens[role]
			}
			res := e.do(t, request{method: o.method, url: u, token: token, body: body, contentType: contentType})
			switch {
			case role == "" && res.Code != http.StatusUnauthorized:
				t.Errorf("%s %s without a token: status %d, want 401", o.method, o.path, res.Code)
			case res.Code >= 500:
				t.Errorf("%s %s as %q: status %d; body: %.300s", o.method, o.path, role, res.Code, res.Body)
			}
			if res.Code >= 400 && res.Code < 500 {
				d.check(t, o, res)
			}
		}
	}
}

// TestDecisionAnswersMatchOpenAPI checks the answers of the hand-written
// ingestion handler against the record-decisions operation: a new event
// (201), the same event again (200, the first acknowledgement with
// duplicate true) and an NDJSON batch (200).
func TestDecisionAnswersMatchOpenAPI(t *testing.T) {
	d := newLiveDoc(t)
	var post docOperation
	for _, o := range d.operations() {
		if o.op["operationId"] == "record-decisions" {
			post = o
		}
	}
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		s := o.mustSystem(t, e.db, o.Admin.ID)
		u := "/api/v1/systems/" + s.ID + "/decisions"
		token := o.tokens[aims.RoleAdmin]
		event, err := json.Marshal(decisionEvent("1.0"))
		if err != nil {
			t.Fatal(err)
		}
		first := e.do(t, request{method: http.MethodPost, url: u, token: token, body: event})
		if first.Code != http.StatusCreated {
			t.Fatalf("first post: status %d; body: %s", first.Code, first.Body)
		}
		d.check(t, post, first)
		again := e.do(t, request{method: http.MethodPost, url: u, token: token, body: event})
		var ack aims.DecisionAck
		decode(t, again, &ack)
		if again.Code != http.StatusOK || !ack.Duplicate {
			t.Fatalf("the same event again: status %d, duplicate %v; want 200, true", again.Code, ack.Duplicate)
		}
		d.check(t, post, again)
		batch, err := json.Marshal(decisionEvent("1.0"))
		if err != nil {
			t.Fatal(err)
		}
		res := e.do(t, request{method: http.MethodPost, url: u, token: token, contentType: "application/x-ndjson",
			body: string(batch) + "\n" + string(event) + "\n{}\n"})
		if res.Code != http.StatusOK {
			t.Fatalf("batch: status %d; body: %s", res.Code, res.Body)
		}
		d.check(t, post, res)
	})
}

// TestOpenAPIDocumentForClients checks what generated clients and linters
// read from the document as a whole: where the API is (servers), a
// described tag for every operation's tag, 4xx problem answers declared
// one by one, and no file sent as a base64 JSON string.
func TestOpenAPIDocumentForClients(t *testing.T) {
	d := newLiveDoc(t)
	if servers, _ := d.doc["servers"].([]any); len(servers) == 0 {
		t.Error("the document names no servers")
	}
	described := map[string]bool{}
	tags, _ := d.doc["tags"].([]any)
	for _, tag := range tags {
		tag := tag.(map[string]any)
		described[tag["name"].(string)] = tag["description"] != nil && tag["description"] != ""
	}
	for _, o := range d.operations() {
		name := o.method + " " + o.path
		opTags, _ := o.op["tags"].([]any)
		if len(opTags) == 0 {
			t.Errorf("%s has no tag", name)
		}
		for _, tag := range opTags {
			if !described[tag.(string)] {
				t.Errorf("%s: its tag %q is not listed with a description in the document's tags (api/openapi.go tagDescriptions)", name, tag)
			}
		}
		responses := o.op["responses"].(map[string]any)
		if _, ok := responses["401"]; !ok {
			t.Errorf("%s does not declare 401", name)
		}
		for status, r := range responses {
			content, _ := r.(map[string]any)["content"].(map[string]any)
			for mt, c := range content {
				s, _ := c.(map[string]any)["schema"].(map[string]any)
				if s["contentEncoding"] == "base64" {
					t.Errorf("%s answers %s as %s declared a base64 string: declare the file's media types", name, status, mt)
				}
			}
		}
	}
}
