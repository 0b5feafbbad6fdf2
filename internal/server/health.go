package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// healthz answers while the process runs (liveness).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 when the database answers within two seconds and
// accepts writes (readiness), 503 otherwise with the reason. A full disk or
// a read-only database still answers reads, so a ping is not enough: it
// asks store.DB.WriteReady, which knows the last write's outcome and
// probes with a tiny write every few seconds at most; it turns 200 again
// by itself once space returns.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.svc.DB().Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	if err := s.svc.DB().WriteReady(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness check failed: the database refuses writes", "err", err)
		msg := "the database refuses writes"
		var ae *aims.Error
		if errors.As(err, &ae) {
			msg += ": " + ae.Message
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(msg + "\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
