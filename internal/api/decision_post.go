package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// POST /api/v1/systems/{id}/decisions is the hot path of ingestion: edge
// gateways post every decision there, thousands a second. It is a plain
// chi handler rather than a huma operation (its operation, record-decisions,
// is in the OpenAPI document all the same, with its permission): huma's
// generic input and output handling, and the JSON gate's second pass over
// the body, cost as much CPU per event as storing it, on a 2-core machine
// where the single writer needs one core (docs/decisions.md, Performance).
// It answers exactly as the operation did: the permission check of
// permissionMiddleware, the body limit, and problems for every error.

// routeDecisionPost mounts the handler on r (the API's router).
func (h *Handlers) routeDecisionPost(r chi.Router) {
	r.With(instancePath).Post(Prefix+"/systems/{id}/decisions", h.postDecisions)
}

func (h *Handlers) postDecisions(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := authz.PrincipalFrom(ctx)
	if p == nil {
		WriteProblem(w, r, &aims.Error{Kind: aims.KindUnauthenticated, Message: "sign in, or send an API token as 'Authorization: Bearer TOKEN'"})
		return
	}
	if !p.Can(authz.RecordDecisions) {
		msg := "your role (" + string(p.Role) + ") does not allow this"
		if len(p.Scopes) > 0 {
			msg = "this API token is limited to " + strings.Join(p.Scopes, " ") + " and may not do this"
		}
		WriteProblem(w, r, &aims.Error{Kind: aims.KindForbidden, Message: msg})
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	batch := false
	switch ct {
	case "application/json", "":
	case "application/x-ndjson", "application/jsonl", "application/json-seq":
		batch = true
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Minute))
	default:
		WriteProblem(w, r, unsupportedType(ctx, "send one decision event as 'Content-Type: application/json', or many as 'Content-Type: application/x-ndjson', one per line"))
		return
	}
	body, err := readBody(w, r, MaxDecisionBody)
	if err != nil {
		WriteProblem(w, r, err)
		return
	}
	system := chi.URLParam(r, "id")
	if !batch {
		ack, err := h.svc.RecordDecision(ctx, system, body, service.ViaHTTP)
		if err != nil {
			WriteProblem(w, r, err)
			return
		}
		status := http.StatusCreated
		if ack.Duplicate {
			status = http.StatusOK
		}
		writeJSON(w, r, status, ack)
		return
	}
	res, err := h.svc.RecordDecisionBatch(ctx, system, bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), service.ViaHTTP)
	if err != nil {
		WriteProblem(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, res)
}

// readBody reads a request body of at most limit bytes (413 beyond).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	size := 512
	if n := r.ContentLength; n > 0 && n <= limit {
		size = int(n) + 1 // +1: ReadAll stops at EOF without growing
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, aims.Errorf(aims.KindTooLarge, "the request body is too large: at most %d bytes (%s); send less, or split it", limit, humanBytes(limit))
	case err != nil && !errors.Is(err, io.EOF):
		return nil, aims.Errorf(aims.KindBadRequest, "the request body could not be read")
	}
	return buf.Bytes(), nil
}

// writeJSON answers v as JSON with status, as huma would (no HTML escaping),
// with its length, so that a client reads it without chunked encoding.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		WriteProblem(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
