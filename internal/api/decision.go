package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Decision events: what an AI system did (A.6.2.8; EU AI Act Art. 12).
// One event is a JSON body; a batch is NDJSON, one event per line. Both go
// to the same path, told apart by Content-Type; jsonGate checks the JSON
// one and lets NDJSON through to the handler.

// MaxDecisionBody is the largest NDJSON batch accepted.
const MaxDecisionBody = 32 << 20

type decisionList struct {
	IDParam
	PageParams
	DecisionFilterParams
}

// DecisionFilterParams are the filters of the decision list and export.
type DecisionFilterParams struct {
	Since        string `query:"since" format:"date-time" doc:"Decisions made (source_time) at or after this time (RFC 3339)"`
	Until        string `query:"until" format:"date-time" doc:"Decisions made before this time (RFC 3339)"`
	ModelVersion string `query:"model_version" doc:"The model version as events name it (label or digest), or its id"`
	Source       string `query:"source" doc:"The gateway or service that sent them"`
	Human        string `query:"human" enum:"none,approved,overridden" doc:"What a person did: overridden lists the overrides"`
}

func (p DecisionFilterParams) filter() aims.DecisionFilter {
	return aims.DecisionFilter{Since: parseTimeParam(p.Since), Until: parseTimeParam(p.Until), ModelVersion: p.ModelVersion,
		Source: p.Source, Human: aims.HumanAction(p.Human)}
}

// DecisionParams name one decision of one system.
type DecisionParams struct {
	ID         string `path:"id" doc:"The AI system's id"`
	DecisionID string `path:"decision_id" doc:"The decision's id"`
}

type erasure struct {
	DecisionParams
	Body struct {
		Reason string `json:"reason" doc:"Why (e.g. the data subject's request and its reference)"`
	}
}

func (h *Handlers) registerDecisions(api huma.API) {
	const tag = "Decisions"
	post := operation(http.MethodPost, "/systems/{id}/decisions", "record-decisions", tag,
		"Record decision events of an AI system (one JSON event, or NDJSON)", authz.RecordDecisions)
	post.Description += " Send one event as `application/json`: the answer (201) gives its id and log index once it is durable " +
		"(sealed as a leaf of the organization's log). Send many as `application/x-ndjson`, one event per line (at most 32 MiB and " +
		"100,000 lines): every good line is stored and acknowledged with its log index, every bad line reported with its number " +
		"and reason (200). An event whose source and seq were stored before is answered with its first id and index (200 for one " +
		"event) and stored once. A model version the system does not have is stored and flagged (unknown_model_version), as is a " +
		"clock skew beyond AIMS_DECISION_MAX_SKEW (clock_skew). One event is at most 64 KiB (413)."
	post.MaxBodyBytes = MaxDecisionBody + 1
	post.BodyReadTimeout = time.Minute
	post.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"application/json":     {Schema: schemaOf(api, aims.DecisionEvent{})},
		"application/x-ndjson": {Schema: &huma.Schema{Type: "string", Description: "One decision event (the JSON object above) per line"}},
	}}
	post.Responses = map[string]*huma.Response{
		"201": {Description: "One event, stored and sealed", Content: map[string]*huma.MediaType{"application/json": {Schema: schemaOf(api, aims.DecisionAck{})}}},
		// One event stored before is acknowledged as the first time, with
		// duplicate true; a batch gets its result.
		"200": {Description: "One event stored before (duplicate: the acknowledgement of the first time), or an NDJSON batch's result",
			Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{OneOf: []*huma.Schema{
				schemaOf(api, aims.DecisionAck{}), schemaOf(api, aims.DecisionBatchResult{})}}}}},
	}
	// The hot path of ingestion is a plain handler (decision_post.go):
	// the operation is in the OpenAPI document, and its route is chi's.
	post.Parameters = []*huma.Param{{Name: "id", In: "path", Required: true, Description: "The record's id", Schema: &huma.Schema{Type: "string"}}}
	api.OpenAPI().AddOperation(&post)

	list := operation(http.MethodGet, "/systems/{id}/decisions", "list-decisions", tag, "List an AI system's decisions, newest first", authz.Read)
	huma.Register(api, list, func(ctx context.Context, in *decisionList) (*PageOutput[*aims.Decision], error) {
		f := in.filter()
		f.Page = in.page()
		items, total, err := h.svc.FindDecisions(ctx, in.ID, f)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return pageOf(items, total, in.PageParams), nil
	})

	exp := operation(http.MethodGet, "/systems/{id}/decisions/export.csv", "export-decisions", tag, "Export an AI system's decisions as CSV", authz.Export)
	exp.Description += " Takes the filters of the list and writes every matching decision (no paging), oldest first; inputs and attributes as JSON."
	exp.Responses = map[string]*huma.Response{"200": {Description: "The decisions as CSV (UTF-8 with a byte-order mark)",
		Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}}}}
	huma.Register(api, exp, func(ctx context.Context, in *struct {
		IDParam
		DecisionFilterParams
	}) (*csvFile, error) {
		var buf bytes.Buffer
		if err := h.svc.ExportDecisionsCSV(ctx, &buf, in.ID, in.filter()); err != nil {
			return nil, fail(ctx, err)
		}
		name := fmt.Sprintf("decisions-%s-%s.csv", in.ID, time.Now().UTC().Format(aims.DateLayout))
		return &csvFile{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
	})

	huma.Register(api, operation(http.MethodGet, "/systems/{id}/decisions/{decision_id}", "get-decision", tag,
		"Get one decision, with its payload and salt unless erased", authz.Read),
		func(ctx context.Context, in *DecisionParams) (*Body[*aims.Decision], error) {
			d, err := h.svc.FindDecisionByID(ctx, in.ID, in.DecisionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Decision]{Body: d}, nil
		})

	payload := sends(operation(http.MethodGet, "/systems/{id}/decisions/{decision_id}/payload", "get-decision-payload", tag,
		"Download one decision's payload: the event exactly as received, the bytes its salted digest is over", authz.Read), "application/json")
	payload.Description += " The payload field of the decision is the same event re-encoded inside a JSON answer (compacted); " +
		"this answer is the bytes themselves (without surrounding whitespace), so that `cat salt payload | sha256sum` gives the " +
		"decision's payload_digest whatever the gateway's spacing and key order (docs/decisions.md). Erased: 404."
	huma.Register(api, payload, func(ctx context.Context, in *DecisionParams) (*FileOutput, error) {
		d, err := h.svc.FindDecisionByID(ctx, in.ID, in.DecisionID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		if len(d.Payload) == 0 {
			return nil, fail(ctx, aims.Errorf(aims.KindNotFound, "the payload of decision %s was erased on request; the decision keeps what the log seals", d.ID))
		}
		return fileOf(d.Payload, "application/json", "decision-"+d.ID+".json"), nil
	})

	proof := operation(http.MethodGet, "/systems/{id}/decisions/{decision_id}/proof", "get-decision-proof", "Tamper-evident log",
		"Download one decision's proof (c2sp.org/tlog-proof)", authz.ReadLog)
	proof.Responses = map[string]*huma.Response{"200": {Description: "The proof", Content: map[string]*huma.MediaType{"text/plain": {}}}}
	huma.Register(api, proof, func(ctx context.Context, in *DecisionParams) (*proofFile, error) {
		b, err := h.svc.DecisionProof(ctx, in.ID, in.DecisionID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &proofFile{ContentType: "text/plain; charset=utf-8",
			ContentDisposition: `attachment; filename="decision-` + in.DecisionID + `.tlog-proof"`, Body: b}, nil
	})

	erase := operation(http.MethodPost, "/systems/{id}/decisions/{decision_id}/erase", "erase-decision-payload", tag,
		"Erase a decision's payload (personal data) on request", authz.Erase)
	erase.Description += " Deletes the event as received and the salt of its digest, and clears its input values; the decision keeps " +
		"what the log seals of it, and the log still verifies. The erasure is recorded in the audit trail. Erased already: 409."
	huma.Register(api, erase, func(ctx context.Context, in *erasure) (*Body[*aims.Decision], error) {
		d, err := h.svc.EraseDecisionPayload(ctx, in.ID, in.DecisionID, in.Body.Reason)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Decision]{Body: d}, nil
	})
}

// schemaOf registers v's type in the OpenAPI document and refers to it.
func schemaOf(api huma.API, v any) *huma.Schema {
	return api.OpenAPI().Components.Schemas.Schema(reflect.TypeOf(v), true, "")
}

// unsupportedType answers 415, saying what to send.
func unsupportedType(ctx context.Context, detail string) error {
	status := http.StatusUnsupportedMediaType
	return &Problem{Type: problemType(status), Title: http.StatusText(status), Status: status, Instance: pathFrom(ctx),
		RequestID: aims.RequestIDFrom(ctx), Detail: detail}
}
