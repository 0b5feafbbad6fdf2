// Package api is the JSON API under /api/v1, described by an OpenAPI 3.1
// document at /api/openapi.json that is generated from the Go types (huma).
// Handlers stay thin: they decode, call the service and encode. Every error
// is an RFC 9457 problem.
package api

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// Prefix is where version 1 of the API lives.
const Prefix = "/api/v1"

// MaxJSONBody is the largest JSON body accepted (1 MiB); larger gets 413.
const MaxJSONBody = 1 << 20

// Handlers serves the API over the shared services.
type Handlers struct {
	svc *service.Service
}

// Register mounts the API on r and returns it, so that callers (the docs
// page, the golden-file test) can read its OpenAPI document.
func Register(r chi.Router, svc *service.Service, version string) huma.API {
	hookHumaErrors()
	cfg := huma.DefaultConfig("aims API", version)
	cfg.Info.Description = "The JSON API of aims, an AI management system for ISO/IEC 42001:2023. " +
		"Authenticate with an API token (`Authorization: Bearer TOKEN`) or a web session. " +
		"Errors are RFC 9457 problem details (`application/problem+json`) that name every offending field."
	cfg.Info.License = &huma.License{Name: "Apache-2.0", Identifier: "Apache-2.0"}
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = ""    // our own page at /api/docs, served from the binary without a CDN
	cfg.SchemasPath = "" // schemas live in the OpenAPI document
	cfg.CreateHooks = nil
	// Relative: the API is where the document is served from.
	cfg.Servers = []*huma.Server{{URL: "/", Description: "This aims server (the host that serves this document)"}}
	cfg.OnAddOperation = append(cfg.OnAddOperation, describeOperation)
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer", Description: "An API token made by an admin (`aims token create`)."},
		"session": {Type: "apiKey", In: "cookie", Name: sessionCookieName, Description: "The web UI's session cookie."},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
	cfg.Formats = map[string]huma.Format{"application/json": strictJSON, "json": strictJSON}
	// A period's open end is null on the wire (aims.Period.MarshalJSON).
	cfg.Components.Schemas.RegisterTypeAlias(reflect.TypeFor[aims.Period](), reflect.TypeFor[Period]())
	var api huma.API
	limits := bodyLimits{}
	r.Group(func(r chi.Router) {
		r.Use(instancePath, limits.jsonGate)
		api = humachi.New(r, cfg)
	})
	api.UseMiddleware(permissionMiddleware(api))
	api.UseMiddleware(queryTextMiddleware(api))
	h := &Handlers{svc: svc}
	h.registerMe(api)
	h.registerSystems(api)
	h.registerSystemStages(api)
	h.registerSystemCSV(api)
	h.registerModelVersions(api)
	h.registerGates(api)
	h.registerDatasets(api)
	h.registerSuppliers(api)
	h.registerDocuments(api)
	h.registerApprovals(api)
	h.registerObjectives(api)
	h.registerContextIssues(api)
	h.registerInterestedParties(api)
	h.registerPlannedChanges(api)
	h.registerResources(api)
	h.registerCommunications(api)
	h.registerSupplierQuestions(api)
	h.registerModelVersionCycloneDX(api)
	h.registerPeople(api)
	h.registerPersonDocuments(api)
	h.registerAIMSRoles(api)
	h.registerCompetence(api)
	h.registerAudit(api)
	h.registerMembers(api)
	h.registerSignIn(api)
	h.registerTokens(api)
	h.registerCatalog(api)
	h.registerSoA(api)
	h.registerClassification(api)
	h.registerSystemGovernance(api)
	h.registerLog(api)
	h.registerLogWitnesses(api)
	h.registerRisks(api)
	h.registerImpact(api)
	h.registerDecisions(api)
	h.registerAuthorization(api)
	h.registerGateReopenings(api)
	h.registerLineage(api)
	h.registerEvidence(api)
	h.routeDecisionPost(r)
	h.routeEvidence(r)
	limits.learn(api)
	return api
}

// sessionCookieName is the web session's cookie (set by the server).
const sessionCookieName = "aims_session"

// Permission requirements are attached to each operation and checked before
// the body is read, so that a caller without the role gets 403 whatever it
// sends.
const metaPermissions = "aims-permissions"

// anyWrite is satisfied by Edit or EditOwned: the service then decides per
// record (a system owner edits only their own systems).
var anyWrite = []authz.Permission{authz.Edit, authz.EditOwned}

// operation builds an operation that needs one of perms.
func operation(method, path, id, tag, summary string, perms ...authz.Permission) huma.Operation {
	op := huma.Operation{
		OperationID: id, Method: method, Path: Prefix + path, Summary: summary, Tags: []string{tag},
		MaxBodyBytes: MaxJSONBody,
		// The service validates bodies, naming every bad field at once;
		// the schema stays in the OpenAPI document for readers.
		SkipValidateBody: true,
		Metadata:         map[string]any{metaPermissions: perms},
	}
	if len(perms) == 0 {
		op.Description = "Requires only authentication."
	} else {
		names := make([]string, len(perms))
		for i, p := range perms {
			names[i] = string(p)
		}
		op.Description = "Requires permission: " + strings.Join(names, " or ") + "."
	}
	return op
}

// Roles returns the roles that may call op, for the docs and the role
// matrix.
func Roles(op *huma.Operation) []aims.Role {
	perms, _ := op.Metadata[metaPermissions].([]authz.Permission)
	if len(perms) == 0 {
		return aims.RoleValues() // any authenticated caller
	}
	var out []aims.Role
	for _, r := range aims.RoleValues() {
		if slices.ContainsFunc(perms, func(p authz.Permission) bool { return authz.Can(r, p) }) {
			out = append(out, r)
		}
	}
	return out
}

func permissionMiddleware(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(hctx huma.Context, next func(huma.Context)) {
		op := hctx.Operation()
		perms, ok := op.Metadata[metaPermissions].([]authz.Permission)
		if !ok {
			next(hctx)
			return
		}
		p := authz.PrincipalFrom(hctx.Context())
		if p == nil {
			_ = huma.WriteErr(api, hctx, http.StatusUnauthorized, "sign in, or send an API token as 'Authorization: Bearer TOKEN'")
			return
		}
		if len(perms) > 0 && !slices.ContainsFunc(perms, p.Can) {
			msg := "your role (" + string(p.Role) + ") does not allow this"
			if len(p.Scopes) > 0 {
				msg = "this API token is limited to " + strings.Join(p.Scopes, " ") + " and may not do this"
			}
			_ = huma.WriteErr(api, hctx, http.StatusForbidden, msg)
			return
		}
		next(hctx)
	}
}

// queryTextMiddleware refuses a query parameter holding a NUL or another
// control character (aims.TextProblem) with a 422 that names it, before any
// handler runs: q=%00 is bad input, not a search that matches everything
// (nor a 500 on PostgreSQL, which cannot hold a NUL in text).
func queryTextMiddleware(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(hctx huma.Context, next func(huma.Context)) {
		var errs []error
		u := hctx.URL()
		for name, values := range u.Query() {
			for _, v := range values {
				if p := aims.TextProblem(v, aims.TextFree); p != "" {
					errs = append(errs, &huma.ErrorDetail{Location: "query." + name, Message: p})
					break
				}
			}
		}
		if len(errs) > 0 {
			slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
			_ = huma.WriteErr(api, hctx, http.StatusUnprocessableEntity, "invalid query parameter", errs...)
			return
		}
		next(hctx)
	}
}

// Period is the schema of aims.Period: a half-open time interval whose
// ends the records may leave open.
type Period struct {
	From *time.Time `json:"from" required:"true" nullable:"true" doc:"Start (included); null when no record bounds it (an instrument never calibrated)"`
	To   *time.Time `json:"to" required:"true" nullable:"true" doc:"End (excluded); null when no record bounds it (out of calibration to this day)"`
}

// PageParams are the paging query parameters of every list.
type PageParams struct {
	Limit  int `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"How many items to return (at most 500)"`
	Offset int `query:"offset" minimum:"0" default:"0" doc:"How many items to skip"`
}

func (p PageParams) page() aims.Page { return aims.Page{Limit: p.Limit, Offset: p.Offset} }

// Page is one page of a list.
type Page[T any] struct {
	Items  []T `json:"items" nullable:"false"`
	Total  int `json:"total" doc:"How many items match, over all pages"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// PageOutput is the response of a list operation.
type PageOutput[T any] struct {
	Body Page[T]
}

func pageOf[T any](items []T, total int, p PageParams) *PageOutput[T] {
	if items == nil {
		items = []T{}
	}
	pg := aims.Page{Limit: p.Limit, Offset: p.Offset}.Normalize()
	return &PageOutput[T]{Body: Page[T]{Items: items, Total: total, Limit: pg.Limit, Offset: pg.Offset}}
}

// Body wraps a single record as a response.
type Body[T any] struct {
	Body T
}

// IDParam is an {id} path parameter.
type IDParam struct {
	ID string `path:"id" doc:"The record's id"`
}

// noContent is the response of a delete.
type noContent struct{}
