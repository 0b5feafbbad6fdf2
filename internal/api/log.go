package api

import (
	"compress/gzip"
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
)

type inclusionParams struct {
	Index uint64 `query:"index" required:"true" doc:"The leaf's index, from 0"`
	Size  uint64 `query:"size" required:"true" doc:"The tree size, e.g. a signed checkpoint's; index must be less"`
}

type consistencyParams struct {
	Old uint64 `query:"old" required:"true" doc:"The smaller tree size (at least 1)"`
	New uint64 `query:"new" required:"true" doc:"The larger tree size, at most the log's"`
}

// proofFile is a downloaded tlog-proof.
type proofFile struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

type alertList struct {
	PageParams
	All bool `query:"all" doc:"Also list acknowledged alerts"`
}

func (h *Handlers) registerLog(api huma.API) {
	const tag = "Tamper-evident log"
	incl := operation(http.MethodGet, "/log/proofs/inclusion", "get-inclusion-proof", tag,
		"Prove that a leaf is in the log (RFC 6962 inclusion proof)", authz.ReadLog)
	incl.Description += " The tiles and checkpoint are served under /log/{org}/ as c2sp.org/tlog-tiles lays them out. index >= size, or a size beyond the log, is a 400."
	huma.Register(api, incl, func(ctx context.Context, in *inclusionParams) (*Body[*service.InclusionProof], error) {
		p, err := h.svc.LogInclusionProof(ctx, in.Index, in.Size)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.InclusionProof]{Body: p}, nil
	})
	cons := operation(http.MethodGet, "/log/proofs/consistency", "get-consistency-proof", tag,
		"Prove that the log's larger tree extends the smaller (RFC 6962 consistency proof)", authz.ReadLog)
	cons.Description += " old > new, old = 0, or new beyond the log is a 400."
	huma.Register(api, cons, func(ctx context.Context, in *consistencyParams) (*Body[*service.ConsistencyProof], error) {
		p, err := h.svc.LogConsistencyProof(ctx, in.Old, in.New)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.ConsistencyProof]{Body: p}, nil
	})
	proof := operation(http.MethodGet, "/audit-events/{id}/proof", "get-audit-event-proof", tag,
		"Download one audit event's proof (c2sp.org/tlog-proof)", authz.ReadLog)
	proof.Description += " The file holds the leaf index, the inclusion hashes, a signed checkpoint, and the event's log entry as extra data: " +
		"hand it to a third party, who checks it with `aims log verify-proof FILE --key KEY`."
	proof.Responses = map[string]*huma.Response{"200": {Description: "The proof", Content: map[string]*huma.MediaType{"text/plain": {}}}}
	huma.Register(api, proof, func(ctx context.Context, in *IDParam) (*proofFile, error) {
		b, err := h.svc.AuditEventProof(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &proofFile{ContentType: "text/plain; charset=utf-8",
			ContentDisposition: `attachment; filename="audit-event-` + in.ID + `.tlog-proof"`, Body: b}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/log/alerts", "list-log-alerts", tag,
		"List tamper alerts: records found not to match the log", authz.ReadAudit),
		func(ctx context.Context, in *alertList) (*PageOutput[*aims.LogAlert], error) {
			list, total, err := h.svc.FindLogAlerts(ctx, !in.All, in.page())
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	huma.Register(api, operation(http.MethodPost, "/log/alerts/{id}/acknowledge", "acknowledge-log-alert", tag,
		"Acknowledge a tamper alert (the finding stays on record)", authz.ManageSettings),
		func(ctx context.Context, in *IDParam) (*Body[*aims.LogAlert], error) {
			a, err := h.svc.AcknowledgeLogAlert(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.LogAlert]{Body: a}, nil
		})
}

// RegisterLogTiles serves each organization's log under /log/{org}/ as
// c2sp.org/tlog-tiles lays it out: the checkpoint, hash tiles and entry
// bundles, readable by its members and by log:read tokens, so that any
// tlog-tiles client can audit the log without aims.
func RegisterLogTiles(r chi.Router, svc *service.Service) {
	r.Get("/log/{org}/checkpoint", func(w http.ResponseWriter, r *http.Request) {
		b, err := svc.LogCheckpoint(r.Context(), chi.URLParam(r, "org"))
		if err != nil {
			WriteProblem(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "private, max-age=1") // it changes every second while the log grows
		_, _ = w.Write(b)
	})
	r.Get("/log/{org}/tile/*", func(w http.ResponseWriter, r *http.Request) {
		level, n, width, err := ledger.ParseTilePath("tile/" + chi.URLParam(r, "*"))
		if err != nil {
			WriteProblem(w, r, aims.ErrNotFound("tile"))
			return
		}
		var b []byte
		if level == ledger.EntriesLevel {
			b, err = svc.LogEntryBundle(r.Context(), chi.URLParam(r, "org"), n, width)
		} else {
			b, err = svc.LogTile(r.Context(), chi.URLParam(r, "org"), level, n, width)
		}
		if err != nil {
			WriteProblem(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		// A tile's content never changes: a partial tile has its width
		// in its path.
		h.Set("Cache-Control", "private, max-age=31536000, immutable")
		h.Add("Vary", "Authorization, Cookie")
		if level == ledger.EntriesLevel && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.Set("Content-Encoding", "gzip")
			h.Add("Vary", "Accept-Encoding")
			zw := gzip.NewWriter(w)
			_, _ = zw.Write(b)
			_ = zw.Close()
			return
		}
		_, _ = w.Write(b)
	})
}
