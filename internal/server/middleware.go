package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/web"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes a well-formed X-Request-ID from the caller (a proxy's) or
// makes one, and puts it in the context and the response.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !requestIDPattern.MatchString(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(aims.WithRequestID(r.Context(), id)))
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic serving request", "panic", fmt.Sprint(p),
					"request_id", aims.RequestIDFrom(r.Context()), "stack", string(debug.Stack()))
				api.WriteProblem(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flush,
// deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logAndMeasure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		route := chi.RouteContext(r.Context()).RoutePattern()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(r.Method, route, sw.status, d)
		level := slog.LevelInfo
		switch {
		case sw.status >= 500:
			level = slog.LevelError
		case r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/static/"):
			level = slog.LevelDebug
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", route),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes), slog.Duration("duration", d),
			slog.String("request_id", aims.RequestIDFrom(r.Context())), slog.String("client", clientAddr(r)),
		}
		if p := authz.PrincipalFrom(r.Context()); p != nil {
			attrs = append(attrs, slog.String("user", p.Email), slog.String("org", p.OrgSlug))
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// clientAddr is the caller's IP address, for logs and sign-in limits. It
// ignores X-Forwarded-For: trusting it would let a client pick its own
// rate-limit bucket.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// securityHeaders sets a Content-Security-Policy that allows only our own
// scripts and styles (all embedded), and the usual hardening headers.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

var csrf = http.NewCrossOriginProtection()

func crossOriginProtection(next http.Handler) http.Handler {
	return csrf.Handler(next)
}

// authenticate turns a bearer token or a web session into the caller. It
// refuses nothing itself (public pages exist); each API operation and page
// asks for what it needs. A bad token is refused at once, so that a
// pipeline with a revoked token fails loudly instead of acting anonymously.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				api.WriteProblem(w, r, &aims.Error{Kind: aims.KindUnauthenticated, Message: "send the API token as 'Authorization: Bearer TOKEN'"})
				return
			}
			p, err := s.svc.AuthenticateToken(ctx, strings.TrimSpace(secret))
			if err != nil {
				api.WriteProblem(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(authz.WithPrincipal(ctx, p)))
			return
		}
		userID, orgID, epoch := web.SessionUser(ctx, s.sessions)
		if userID != "" {
			p, err := s.svc.PrincipalForSession(ctx, userID, orgID, epoch)
			if err == nil {
				ctx = authz.WithPrincipal(ctx, p)
			} else if aims.IsKind(err, aims.KindUnauthenticated) || aims.IsKind(err, aims.KindNotFound) {
				_ = s.sessions.Destroy(ctx) // the account or membership is gone: end the session
			} else {
				api.WriteProblem(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
