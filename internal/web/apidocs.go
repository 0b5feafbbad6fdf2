package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/authz"
)

// APIDocs serves the API reference at /api/docs: the OpenAPI document of
// the running binary drawn as a page, without a CDN or JavaScript. Problem
// types (/api/docs#problem-not-found) link to its Errors section.
func APIDocs(a huma.API) http.HandlerFunc {
	var once sync.Once
	var docs *apiDocs
	return func(w http.ResponseWriter, r *http.Request) {
		// Built at the first request: every operation is registered by then.
		once.Do(func() { docs = buildAPIDocs(a.OpenAPI()) })
		p := Page{Title: "API reference", Principal: authz.PrincipalFrom(r.Context())}
		q := strings.TrimSpace(r.URL.Query().Get("q"))
		if err := render(w, r, http.StatusOK, APIDocsPage(p, docs.filter(q), q)); err != nil {
			http.Error(w, "the API reference could not be drawn", http.StatusInternalServerError)
		}
	}
}

// filter keeps the operations whose path, summary, operation id or tag
// contains q and the schemas whose name does, in any case; the whole
// reference when q is empty.
func (d *apiDocs) filter(q string) *apiDocs {
	if q == "" {
		return d
	}
	needle := strings.ToLower(q)
	has := func(parts ...string) bool { return strings.Contains(strings.ToLower(strings.Join(parts, " ")), needle) }
	out := &apiDocs{Title: d.Title, Version: d.Version, Description: d.Description}
	for _, t := range d.Tags {
		kept := apiTag{Name: t.Name, Anchor: t.Anchor}
		for _, op := range t.Ops {
			if has(t.Name, op.Method, op.Path, op.Summary, op.ID) {
				kept.Ops = append(kept.Ops, op)
			}
		}
		if len(kept.Ops) > 0 {
			out.Tags = append(out.Tags, kept)
		}
	}
	for _, sc := range d.Schemas {
		if has(sc.Name) {
			out.Schemas = append(out.Schemas, sc)
		}
	}
	return out
}

// apiDocs is the OpenAPI document arranged for reading.
type apiDocs struct {
	Title, Version, Description string
	Tags                        []apiTag
	Schemas                     []apiSchema
}

// apiTag groups the operations of one capability.
type apiTag struct {
	Name, Anchor string
	Ops          []apiOp
}

// apiOp is one operation.
type apiOp struct {
	ID, Method, Path, Summary, Description string
	Roles                                  []aims.Role
	Params                                 []apiField
	Body                                   *apiSchema
	Responses                              []apiResponse
}

// apiField is a parameter or a field of a body.
type apiField struct {
	Name, In, Type, Doc, Default string
	TypeRef                      string // anchor of the field's schema, when it has one
	Required                     bool
	Enum                         []string
}

// apiSchema is a named body type with its fields. A body that is a file
// (CSV) has a content type and no fields.
type apiSchema struct {
	Name, Anchor, Doc, ContentType string
	Fields                         []apiField
}

// apiResponse is one possible answer of an operation.
type apiResponse struct {
	Status, Description, ContentType, Type, TypeRef string
}

// schemaAnchor is the id of a schema's section.
func schemaAnchor(name string) string { return "schema-" + name }

func buildAPIDocs(o *huma.OpenAPI) *apiDocs {
	d := &apiDocs{}
	if o.Info != nil {
		d.Title, d.Version, d.Description = o.Info.Title, o.Info.Version, o.Info.Description
	}
	reg := o.Components.Schemas
	var ops []*huma.Operation
	for _, item := range o.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil && !op.Hidden {
				ops = append(ops, op)
			}
		}
	}
	methodOrder := map[string]int{"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
	slices.SortFunc(ops, func(a, b *huma.Operation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return methodOrder[a.Method] - methodOrder[b.Method]
	})
	byTag := map[string]*apiTag{}
	var tagNames []string
	for _, op := range ops {
		tag := "Other"
		if len(op.Tags) > 0 {
			tag = op.Tags[0]
		}
		t, ok := byTag[tag]
		if !ok {
			t = &apiTag{Name: tag, Anchor: "tag-" + slug(tag)}
			byTag[tag] = t
			tagNames = append(tagNames, tag)
		}
		t.Ops = append(t.Ops, buildOp(o, op))
	}
	slices.Sort(tagNames)
	for _, n := range tagNames {
		d.Tags = append(d.Tags, *byTag[n])
	}
	names := make([]string, 0, len(reg.Map()))
	for n := range reg.Map() {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		d.Schemas = append(d.Schemas, schemaOf(reg, n, reg.Map()[n]))
	}
	return d
}

func buildOp(o *huma.OpenAPI, op *huma.Operation) apiOp {
	reg := o.Components.Schemas
	out := apiOp{ID: op.OperationID, Method: op.Method, Path: op.Path, Summary: op.Summary, Description: op.Description,
		Roles: api.Roles(op)}
	for _, p := range op.Parameters {
		f := apiField{Name: p.Name, In: p.In, Doc: p.Description, Required: p.Required}
		if p.Schema != nil {
			f.Type, f.TypeRef = typeOf(p.Schema)
			f.Enum = enumOf(p.Schema)
			if p.Schema.Default != nil {
				f.Default = fmt.Sprint(p.Schema.Default)
			}
			if f.Doc == "" {
				f.Doc = p.Schema.Description
			}
		}
		out.Params = append(out.Params, f)
	}
	if op.RequestBody != nil && len(op.RequestBody.Content) > 0 {
		cts := make([]string, 0, len(op.RequestBody.Content))
		for ct := range op.RequestBody.Content {
			cts = append(cts, ct)
		}
		slices.Sort(cts) // one body type is the rule; the first, sorted, when not
		mt := op.RequestBody.Content[cts[0]]
		body := apiSchema{ContentType: cts[0]}
		switch {
		case mt.Schema != nil && mt.Schema.Ref != "":
			body = schemaOf(reg, refName(mt.Schema.Ref), reg.SchemaFromRef(mt.Schema.Ref))
			body.ContentType = cts[0]
		case mt.Schema != nil:
			body.Name, _ = typeOf(mt.Schema) // a file, e.g. CSV: no fields to list
		}
		out.Body = &body
	}
	codes := make([]string, 0, len(op.Responses))
	for c := range op.Responses {
		codes = append(codes, c)
	}
	slices.Sort(codes) // "default" sorts after the numbers
	for _, c := range codes {
		resp := op.Responses[c]
		if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok && o.Components.Responses[name] != nil {
			resp = o.Components.Responses[name] // a problem answer, shared
		}
		r := apiResponse{Status: c, Description: resp.Description}
		cts := make([]string, 0, len(resp.Content))
		for ct := range resp.Content {
			cts = append(cts, ct)
		}
		slices.Sort(cts) // a download offers one per format
		r.ContentType = strings.Join(cts, ", ")
		if len(cts) > 0 {
			if mt := resp.Content[cts[0]]; mt.Schema != nil {
				r.Type, r.TypeRef = typeOf(mt.Schema)
			}
		}
		out.Responses = append(out.Responses, r)
	}
	return out
}

// schemaOf lists a schema's fields, required ones first as in the type.
func schemaOf(reg huma.Registry, name string, s *huma.Schema) apiSchema {
	out := apiSchema{Name: name, Anchor: schemaAnchor(name)}
	if s == nil {
		return out
	}
	out.Doc = s.Description
	props := make([]string, 0, len(s.Properties))
	for p := range s.Properties {
		props = append(props, p)
	}
	slices.Sort(props)
	for _, p := range props {
		ps := s.Properties[p]
		if strings.HasPrefix(p, "$") {
			continue // huma's $schema link
		}
		f := apiField{Name: p, Doc: ps.Description, Required: slices.Contains(s.Required, p), Enum: enumOf(ps)}
		f.Type, f.TypeRef = typeOf(ps)
		if ps.Default != nil {
			f.Default = fmt.Sprint(ps.Default)
		}
		out.Fields = append(out.Fields, f)
	}
	slices.SortStableFunc(out.Fields, func(a, b apiField) int {
		switch {
		case a.Required && !b.Required:
			return -1
		case b.Required && !a.Required:
			return 1
		}
		return 0
	})
	return out
}

// typeOf names a schema's type for people, and the anchor of its schema
// section when it is a named type.
func typeOf(s *huma.Schema) (string, string) {
	switch {
	case s == nil:
		return "", ""
	case s.Ref != "":
		n := refName(s.Ref)
		return n, schemaAnchor(n)
	case s.Type == "array":
		t, ref := typeOf(s.Items)
		return "array of " + t, ref
	case s.Format != "":
		return s.Type + " (" + s.Format + ")", ""
	}
	return s.Type, ""
}

// enumOf lists the allowed values of a field, or of its items.
func enumOf(s *huma.Schema) []string {
	if s == nil {
		return nil
	}
	vals := s.Enum
	if len(vals) == 0 && s.Items != nil {
		vals = s.Items.Enum
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = fmt.Sprint(v)
	}
	return out
}

func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// slug makes an anchor of a title.
func slug(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), "-"))
}

// opAnchor is the id of an operation's section.
func opAnchor(op apiOp) string { return "op-" + op.ID }

// roleTitles writes the roles that may call an operation.
func roleTitles(roles []aims.Role) string {
	if len(roles) == 0 {
		return "any signed-in member"
	}
	return titles(roles, aims.Role.Title)
}

// problemDoc explains one kind of API error; its anchor is what the
// problem's "type" points at.
type problemDoc struct {
	Status int
	Anchor string
	Title  string
	When   string
}

// problemAnchor is the anchor of a status's problem type, as the API
// writes it (problem+json "type": "/api/docs#problem-not-found").
func problemAnchor(status int) string {
	return "problem-" + strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "-"))
}

// problemDocs lists the errors the API answers with.
func problemDocs() []problemDoc {
	when := []struct {
		status int
		text   string
	}{
		{http.StatusBadRequest, "The request could not be read: the body is not JSON, or a parameter has the wrong type. Fix the request; sending it again as is will not help."},
		{http.StatusUnauthorized, "No valid credentials: the token is missing, mistyped, revoked or expired, or the session ended. Send 'Authorization: Bearer TOKEN' with an active token."},
		{http.StatusForbidden, "Your role does not allow the action (an auditor or viewer writes nothing; a system owner changes only the systems they own). Ask an admin for another role or a token of another member."},
		{http.StatusNotFound, "No such record in your organization. An id of another organization gets the same answer, so that nobody learns that it exists."},
		{http.StatusConflict, "The request clashes with the records as they are: a name already used, a record other records still link to (retire it instead), the last admin. The detail says which."},
		{http.StatusRequestEntityTooLarge, "The body is larger than the limit: 1 MiB for JSON. Send less at once, e.g. import a large inventory as CSV."},
		{http.StatusUnprocessableEntity, "Some fields are missing or invalid. Every offending field is listed in errors, each with a JSON pointer into your body and what to change; correct them all and send again."},
		{http.StatusTooManyRequests, "Too many attempts, e.g. sign-ins. Wait as long as Retry-After says."},
	}
	out := make([]problemDoc, len(when))
	for i, w := range when {
		out[i] = problemDoc{Status: w.status, Anchor: problemAnchor(w.status), Title: http.StatusText(w.status), When: w.text}
	}
	return out
}

// methodClass styles a method badge.
func methodClass(m string) string { return "method method-" + strings.ToLower(m) }

// textPart is a run of a description: plain text or `code`.
type textPart struct {
	Text string
	Code bool
}

// inlineCode splits a description at its backticks, the one piece of
// Markdown the API's descriptions use.
func inlineCode(s string) []textPart {
	var out []textPart
	for i, p := range strings.Split(s, "`") {
		if p != "" {
			out = append(out, textPart{Text: p, Code: i%2 == 1})
		}
	}
	return out
}
