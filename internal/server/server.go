// Package server assembles the HTTP server: middleware in one list, the
// JSON API, the web UI, health checks and metrics.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/web"
)

// Config is what the server needs beyond the services.
type Config struct {
	BaseURL         string // how people reach aims; https makes cookies Secure
	SessionLifetime time.Duration
	Version         string
	Demo            bool
	TLSCert         string
	TLSKey          string
}

// Server is the HTTP side of aims.
type Server struct {
	cfg      Config
	svc      *service.Service
	log      *slog.Logger
	sessions *scs.SessionManager
	setup    *web.Setup
	api      huma.API
	metrics  *metrics
	handler  http.Handler
}

// New builds the server over svc.
func New(cfg Config, svc *service.Service, log *slog.Logger) *Server {
	if cfg.SessionLifetime == 0 {
		cfg.SessionLifetime = 12 * time.Hour
	}
	s := &Server{cfg: cfg, svc: svc, log: log, setup: web.NewSetup(), metrics: newMetrics(svc.DB(), slices.Concat(svc.LogCollectors(), svc.DecisionCollectors())...)}
	s.sessions = scs.New()
	s.sessions.Store = svc.DB().Sessions()
	s.sessions.Lifetime = cfg.SessionLifetime
	s.sessions.IdleTimeout = 2 * time.Hour
	s.sessions.Cookie.Name = "aims_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = strings.HasPrefix(cfg.BaseURL, "https://") || cfg.TLSCert != ""
	s.sessions.Cookie.Path = "/"
	s.handler = s.routes()
	return s
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// API returns the JSON API, whose OpenAPI document the tests read.
func (s *Server) API() huma.API { return s.api }

// Setup returns the first-start setup state.
func (s *Server) Setup() *web.Setup { return s.setup }

func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	// Middleware, in order:
	r.Use(requestID)              // every request gets an id, echoed in X-Request-ID and in logs
	r.Use(s.recoverer)            // a panic becomes a logged 500, not a dropped connection
	r.Use(s.logAndMeasure)        // one structured log line and metrics per request
	r.Use(securityHeaders)        // CSP without inline script, no framing, no sniffing
	r.Use(crossOriginProtection)  // CSRF: refuse cross-origin unsafe requests (Sec-Fetch-Site / Origin)
	r.Use(s.sessions.LoadAndSave) // the web session cookie
	r.Use(s.authenticate)         // a bearer token or the session becomes the caller (authz.Principal)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/metrics", s.metrics.handler())

	s.api = api.Register(r, s.svc, s.cfg.Version)
	api.RegisterLogTiles(r, s.svc) // /log/{org}/checkpoint and tiles (c2sp.org/tlog-tiles)
	r.Get("/api/docs", web.APIDocs(s.api))
	web.Register(r, web.Deps{Svc: s.svc, Sessions: s.sessions, Setup: s.setup, Demo: s.cfg.Demo, Version: s.cfg.Version, BaseURL: s.cfg.BaseURL})
	return r
}

// Serve serves on ln until ctx ends, then shuts down gracefully: new
// connections are refused and requests in flight get up to 30 seconds.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if s.cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
		if err != nil {
			return err
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	go s.sessions.Store.(interface {
		CleanupLoop(context.Context, time.Duration)
	}).CleanupLoop(ctx, 10*time.Minute)
	// The tamper-evident log: sign a checkpoint every second while a log
	// grows, and check recent leaves against the stored records.
	go s.svc.RunLogSigner(ctx)
	go s.svc.RunLogChecker(ctx)
	go s.svc.RunWitnessSubmitter(ctx)
	// Computed AI objectives are measured on their cadence.
	go s.svc.RunObjectiveMeasurer(ctx)
	// Suspensions made through other replicas reach this one's answers.
	go s.svc.RunAuthzWatcher(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	return err
}

// BaseURLFor returns the URL people reach a listener at, when no base URL
// is configured.
func BaseURLFor(configured string, addr net.Addr, tls bool) string {
	if configured != "" {
		return strings.TrimSuffix(configured, "/")
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	host := addr.String()
	if h, p, err := net.SplitHostPort(host); err == nil && (h == "" || h == "::" || h == "0.0.0.0") {
		host = net.JoinHostPort("127.0.0.1", p)
	}
	return (&url.URL{Scheme: scheme, Host: host}).String()
}
