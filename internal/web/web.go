// Package web is the server-rendered UI: templ components, htmx where it
// helps, Pico CSS, every asset embedded so that aims works with no internet.
// Handlers call the same services as the API; authorization happens there.
package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/web/ui"
)

//go:embed static
var staticFS embed.FS

// Deps is what the pages need.
type Deps struct {
	Svc      *service.Service
	Sessions *scs.SessionManager
	Setup    *Setup
	Demo     bool
	Version  string
	BaseURL  string // how people reach aims, for the provider's redirect URIs ("" reads the request's host)
}

// UI serves the pages.
type UI struct {
	Deps
}

// Session keys.
const (
	sessionUserID = "user_id"
	sessionOrgID  = "org_id"
	sessionEpoch  = "session_epoch"
	sessionFlash  = "flash"
)

// SessionUser returns the user and organization of the web session in ctx,
// and the account's session epoch when the session began.
func SessionUser(ctx context.Context, sm *scs.SessionManager) (userID, orgID string, epoch int64) {
	return sm.GetString(ctx, sessionUserID), sm.GetString(ctx, sessionOrgID), sm.GetInt64(ctx, sessionEpoch)
}

// Register mounts the pages on r.
func Register(r chi.Router, d Deps) {
	ui := &UI{Deps: d}
	static, _ := fs.Sub(staticFS, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))

	r.Get("/login", ui.handle(ui.loginPage))
	r.Post("/login", ui.handle(ui.login))
	r.Post("/login/org", ui.handle(ui.chooseOrg))
	r.Post("/login/code", ui.handle(ui.secondFactor))
	r.Post("/logout", ui.handle(ui.logout))
	r.Get("/sso/start", ui.handle(ui.ssoStart))
	r.Get("/sso/callback", ui.handle(ui.ssoCallback))
	r.Get("/setup", ui.handle(ui.setupPage))
	r.Post("/setup", ui.handle(ui.setup))
	r.Get("/invitation", ui.handle(ui.invitationPage))
	r.Post("/invitation", ui.handle(ui.acceptInvitation))

	r.Group(func(r chi.Router) {
		r.Use(ui.requireLogin)
		r.Use(ui.seen) // the session's last use; a required second factor first
		r.Use(ui.queryText)
		r.Get("/", ui.handle(ui.home))
		ui.registerSystems(r)
		ui.registerGateReopenings(r)
		ui.registerSystemStages(r)
		ui.registerDatasets(r)
		ui.registerSuppliers(r)
		ui.registerDocuments(r)
		ui.registerApprovals(r)
		ui.registerObjectives(r)
		ui.registerContextIssues(r)
		ui.registerInterestedParties(r)
		ui.registerPlannedChanges(r)
		ui.registerResources(r)
		ui.registerCommunications(r)
		ui.registerSupplierQuestions(r)
		ui.registerPeopleImports(r)
		ui.registerPeople(r)
		ui.registerAIMSRoles(r)
		ui.registerCompetence(r)
		ui.registerCompetenceRequirements(r)
		ui.registerAdmin(r)
		ui.registerSignIn(r)
		ui.registerGovernanceSettings(r)
		ui.registerAudit(r)
		ui.registerCatalog(r)
		ui.registerSoA(r)
		ui.registerClassification(r)
		ui.registerLog(r)
		ui.registerRisks(r)
		ui.registerOperation(r)
		ui.registerDecisions(r)
		ui.registerLineage(r)
		ui.registerEvidence(r)
		ui.registerEvidenceRequirements(r)
		r.Get("/account", ui.handle(ui.accountPage))
		r.Post("/account/password", ui.handle(ui.changePassword))
		r.Post("/account/name", ui.handle(ui.changeName))
	})
	r.NotFound(ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		return aims.ErrNotFound("page")
	}))
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

// requireLogin sends a visitor without a session to the sign-in page.
func (ui *UI) requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz.PrincipalFrom(r.Context()) == nil {
			dest := "/login"
			if r.URL.Path != "/" {
				dest += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			if isHTMX(r) {
				w.Header().Set("HX-Redirect", dest)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, dest, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// handle turns a handler that returns an error into an http.HandlerFunc:
// the one place page errors are written.
func (ui *UI) handle(fn func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			ui.renderError(w, r, err)
		}
	}
}

// page collects what the layout needs.
func (ui *UI) page(r *http.Request, title, active string) Page {
	p := Page{Title: title, Active: active, Principal: authz.PrincipalFrom(r.Context()), Demo: ui.Demo, Version: ui.Version}
	if ui.Sessions != nil {
		p.Flash = ui.Sessions.PopString(r.Context(), sessionFlash)
	}
	if p.Principal != nil && ui.Svc != nil {
		p.LogAlerts = ui.Svc.OpenLogAlerts(r.Context())
	}
	return p
}

// flash leaves a message for the next page.
func (ui *UI) flash(r *http.Request, msg string) {
	ui.Sessions.Put(r.Context(), sessionFlash, msg)
}

// queryText refuses a page whose query holds a NUL or another control
// character (aims.TextProblem): a search for "%00" is bad input, not one
// that matches everything.
func (ui *UI) queryText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, values := range r.URL.Query() {
			for _, v := range values {
				if p := aims.TextProblem(v, aims.TextFree); p != "" {
					ui.renderError(w, r, aims.Errorf(aims.KindInvalid, "the query parameter %s %s", name, p))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// render writes a component with status.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if status >= http.StatusBadRequest {
		return ui.RenderInFieldOrder(r.Context(), w, c) // a refused form lists its errors in field order
	}
	return c.Render(r.Context(), w)
}

// errorStatus maps error kinds to statuses for pages.
func errorStatus(err error) int {
	switch aims.KindOf(err) {
	case aims.KindInvalid:
		return http.StatusUnprocessableEntity
	case aims.KindBadRequest:
		return http.StatusBadRequest
	case aims.KindUnauthenticated:
		return http.StatusUnauthorized
	case aims.KindForbidden:
		return http.StatusForbidden
	case aims.KindNotFound:
		return http.StatusNotFound
	case aims.KindConflict:
		return http.StatusConflict
	case aims.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case aims.KindRateLimited:
		return http.StatusTooManyRequests
	case aims.KindUnavailable:
		return http.StatusServiceUnavailable
	case aims.KindInsufficientStorage:
		return http.StatusInsufficientStorage
	}
	return http.StatusInternalServerError
}

func (ui *UI) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := errorStatus(err)
	msg := "Something went wrong on our side. It has been logged"
	var ae *aims.Error
	if errors.As(err, &ae) && status != http.StatusInternalServerError {
		msg = messageWords(ae.Message)
	} else {
		slog.ErrorContext(r.Context(), "page failed", "err", err, "path", r.URL.Path, "request_id", aims.RequestIDFrom(r.Context()))
		msg += " (request " + aims.RequestIDFrom(r.Context()) + ")."
	}
	if status == http.StatusUnauthorized && !isHTMX(r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	_ = render(w, r, status, ErrorPage(ui.page(r, http.StatusText(status), ""), status, msg))
}
