package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// Evidence (ISO/IEC 42001 7.5, every Annex A control): files and links
// with immutable revisions, each sealed in the organization's log.

type evidenceList struct {
	PageParams
	Q        string `query:"q" doc:"Search titles, kinds, file names and links"`
	Kind     string `query:"kind" doc:"Only this kind (e.g. validation-report)"`
	Target   string `query:"target" enum:"ai_system,model_version,dataset,requirement,risk,risk_action,document" doc:"Only evidence linked to a record of this type (with target_id)"`
	TargetID string `query:"target_id" doc:"The linked record's id (a control as framework:id)"`
	Digest   string `query:"digest" doc:"Only evidence with a revision of this file (hex SHA-256, or sha256:HEX)"`
	Sort     string `query:"sort" enum:"collected,title,kind,expires" doc:"Order: newest collected first (default), title, kind, or soonest expiry"`
}

type evidenceRequirementBody struct {
	Body struct {
		Requirement string       `json:"requirement" doc:"The control, framework:id (e.g. iso42001:A.6.2.4)"`
		SystemID    string       `json:"system_id,omitempty" doc:"For a system-level control: the AI system it is expected for"`
		Kind        string       `json:"kind,omitempty" doc:"The kind of uploaded evidence expected (e.g. validation-report)"`
		Live        aims.LiveSet `json:"live,omitempty" enum:"decisions,lineage,impact,inventory,classifications,risk_treatment,soa_approvals" doc:"Or a set of aims' own records that shows the control (live evidence)"`
		MaxAgeDays  int          `json:"max_age_days,omitempty" doc:"How many days old the newest evidence may be (0: no limit)"`
	}
}

type controlsEvidenceOutput struct {
	Body struct {
		Summary  service.EvidenceSummary          `json:"summary"`
		Controls map[string]*aims.ControlEvidence `json:"controls"`
	}
}

type evidenceSettingsBody struct {
	Body struct {
		ExpiringDays int `json:"expiring_days" minimum:"1" maximum:"365" doc:"Days before its due date that evidence counts as expiring"`
	}
}

func (h *Handlers) registerEvidence(api huma.API) {
	const tag = "Evidence"
	post := operation(http.MethodPost, "/evidence", "add-evidence", tag,
		"Add evidence: a file (streamed) or an http(s) link, as a new revision", authz.AddEvidence)
	post.Description += " Send the file as the body with its metadata in headers (Aims-Kind, Aims-Link: ai_system=ID or " +
		"requirement=iso42001:A.6.2.4, repeated; Aims-Title, Aims-Evidence-Id, Aims-Expires-At, Aims-Effective-From, Aims-Effective-To, " +
		"Aims-Collected-At as RFC 3339 or YYYY-MM-DD; Aims-Note; Aims-Sha256 (hex) or Repr-Digest: sha-256=:BASE64:, checked against the " +
		"bytes; Content-Disposition's filename; Content-Type), or as multipart/form-data with a part `metadata` (the JSON below) before " +
		"a part `file`; a link alone is the JSON with `url`. The file streams to the blob store, hashed on the way (SHA-256), and is " +
		"stored once whatever the number of revisions naming it. The revision is written and sealed in the log only once the file is " +
		"stored: over AIMS_EVIDENCE_MAX_BYTES is 413, a digest that does not match 422, a cut-off upload 400, the file store " +
		"unreachable 503, each leaving nothing behind. The same file (or link) with the same kind and links answers the revision " +
		"made the first time (200, created false). A token with the scope evidence:write may do this and nothing else."
	post.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary", Description: "The file; its metadata in the Aims-* headers"}},
		"multipart/form-data": {Schema: &huma.Schema{Type: "object", Properties: map[string]*huma.Schema{
			"metadata": schemaOf(api, aims.EvidenceUpload{}),
			"file":     {Type: "string", Format: "binary"},
		}, Required: []string{"metadata"}}},
		"application/json": {Schema: schemaOf(api, aims.EvidenceUpload{})},
	}}
	post.Responses = map[string]*huma.Response{
		"201": {Description: "A new revision, stored and sealed", Content: map[string]*huma.MediaType{"application/json": {Schema: schemaOf(api, service.EvidenceAdded{})}}},
		"200": {Description: "The same file or link was added before: its revision", Content: map[string]*huma.MediaType{"application/json": {Schema: schemaOf(api, service.EvidenceAdded{})}}},
	}
	api.OpenAPI().AddOperation(&post)

	list := operation(http.MethodGet, "/evidence", "list-evidence", tag, "List evidence with its latest revision (SHA-256, log index) and freshness", authz.Read)
	huma.Register(api, list, func(ctx context.Context, in *evidenceList) (*PageOutput[*aims.Evidence], error) {
		f := aims.EvidenceFilter{Search: in.Q, Kind: in.Kind, Target: aims.EvidenceTarget(in.Target), TargetID: in.TargetID,
			Digest: in.Digest, Sort: in.Sort, Page: in.page()}
		items, total, err := h.svc.FindEvidence(ctx, f)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return pageOf(items, total, in.PageParams), nil
	})

	controls := operation(http.MethodGet, "/evidence/controls", "list-controls-evidence", tag,
		"What shows each control: expected evidence and its freshness, linked evidence, live evidence from aims' own records", authz.Read)
	huma.Register(api, controls, func(ctx context.Context, _ *struct{}) (*controlsEvidenceOutput, error) {
		m, sum, err := h.svc.ControlsEvidence(ctx, nil)
		if err != nil {
			return nil, fail(ctx, err)
		}
		out := &controlsEvidenceOutput{}
		out.Body.Summary, out.Body.Controls = sum, m
		return out, nil
	})

	get := operation(http.MethodGet, "/evidence/{id}", "get-evidence", tag, "Get one piece of evidence with every revision", authz.Read)
	huma.Register(api, get, func(ctx context.Context, in *IDParam) (*Body[*aims.Evidence], error) {
		e, err := h.svc.FindEvidenceByID(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Evidence]{Body: e}, nil
	})

	content := sends(operation(http.MethodGet, "/evidence/{id}/content", "get-evidence-content", tag,
		"Download a revision's file: the latest, or ?revision=N; {id} may also be sha256:HEX", authz.Read), "application/octet-stream")
	content.Description += " The bytes are checked against their SHA-256 digest as they stream: a stored file that no longer matches is " +
		"reported and not served (a small one is refused with 500 before any byte; a large one is cut off before its last bytes, " +
		"so the download fails). Another organization's file is 404, even by its digest."
	content.Parameters = []*huma.Param{
		{Name: "id", In: "path", Required: true, Description: "The evidence's id, or a file's digest as sha256:HEX", Schema: &huma.Schema{Type: "string"}},
		{Name: "revision", In: "query", Description: "The revision's number (default: the latest file)", Schema: &huma.Schema{Type: "integer"}},
	}
	content.Responses = map[string]*huma.Response{"200": {Description: "The file", Content: map[string]*huma.MediaType{
		"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}
	api.OpenAPI().AddOperation(&content)

	proof := operation(http.MethodGet, "/evidence/{id}/proof", "get-evidence-revision-proof", tag,
		"Download the proof that a revision (the latest, or ?revision=N) is sealed in the log (c2sp.org/tlog-proof)", authz.ReadLog)
	proof.Description += " Check it offline with `aims log verify-proof FILE --key KEY`: the entry it proves is the revision's audit " +
		"event, which carries a digest of the revision (its file's SHA-256 included)."
	proof.Responses = map[string]*huma.Response{"200": {Description: "The proof", Content: map[string]*huma.MediaType{"text/plain": {}}}}
	huma.Register(api, proof, func(ctx context.Context, in *struct {
		IDParam
		Revision int `query:"revision" doc:"The revision's number (default: the latest)"`
	}) (*proofFile, error) {
		e, err := h.svc.FindEvidenceByID(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		revID := ""
		for _, r := range e.Revisions {
			if in.Revision == 0 || r.Number == in.Revision {
				revID = r.ID
				break
			}
		}
		if revID == "" {
			return nil, fail(ctx, aims.Errorf(aims.KindNotFound, "this evidence has no such revision"))
		}
		b, err := h.svc.EvidenceRevisionProof(ctx, revID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &proofFile{ContentType: "text/plain; charset=utf-8",
			ContentDisposition: `attachment; filename="evidence-revision-` + in.ID + `.tlog-proof"`, Body: b}, nil
	})

	huma.Register(api, operation(http.MethodGet, "/evidence-requirements", "list-evidence-requirements", tag,
		"List the evidence expected for each control", authz.Read),
		func(ctx context.Context, in *struct {
			Requirement string `query:"requirement" doc:"Only this control (framework:id)"`
		}) (*Body[[]*aims.EvidenceRequirement], error) {
			list, err := h.svc.FindEvidenceRequirements(ctx, in.Requirement)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.EvidenceRequirement]{Body: list}, nil
		})
	create := operation(http.MethodPost, "/evidence-requirements", "create-evidence-requirement", tag,
		"Say which evidence shows a control, and how fresh it must be", authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *evidenceRequirementBody) (*Body[*aims.EvidenceRequirement], error) {
		r := &aims.EvidenceRequirement{Requirement: in.Body.Requirement, SystemID: in.Body.SystemID, Kind: in.Body.Kind,
			Live: in.Body.Live, MaxAgeDays: in.Body.MaxAgeDays}
		if err := h.svc.CreateEvidenceRequirement(ctx, r); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.EvidenceRequirement]{Body: r}, nil
	})
	del := operation(http.MethodDelete, "/evidence-requirements/{id}", "delete-evidence-requirement", tag,
		"Remove an evidence expectation", authz.Edit)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteEvidenceRequirement(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	exp := operation(http.MethodGet, "/evidence/export.csv", "export-evidence", tag, "Export every evidence revision as CSV", authz.Export)
	exp.Description += " One row per revision, in the columns " + strings.Join(service.EvidenceCSVColumns, ", ") +
		"; links are type=id separated by `;`, times RFC 3339 in UTC, freshness as of now in words."
	exp.Responses = map[string]*huma.Response{"200": {
		Description: "The evidence register as CSV (UTF-8 with a byte-order mark)",
		Content:     map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}},
	}}
	huma.Register(api, exp, func(ctx context.Context, _ *struct{}) (*csvFile, error) {
		var buf bytes.Buffer
		if err := h.svc.ExportEvidenceCSV(ctx, &buf); err != nil {
			return nil, fail(ctx, err)
		}
		name := fmt.Sprintf("evidence-%s-%s.csv", authz.PrincipalFrom(ctx).OrgSlug, time.Now().UTC().Format(aims.DateLayout))
		return &csvFile{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
	})
	settings := operation(http.MethodPut, "/evidence-settings", "set-evidence-settings", tag,
		"Set how many days before its due date evidence counts as expiring", authz.ManageSettings)
	huma.Register(api, settings, func(ctx context.Context, in *evidenceSettingsBody) (*evidenceSettingsBody, error) {
		if err := h.svc.SetEvidenceExpiringDays(ctx, in.Body.ExpiringDays); err != nil {
			return nil, fail(ctx, err)
		}
		return in, nil
	})
}

// routeEvidence mounts the streaming handlers on r (the API's router).
func (h *Handlers) routeEvidence(r chi.Router) {
	r.With(instancePath).Post(Prefix+"/evidence", h.postEvidence)
	r.With(instancePath).Get(Prefix+"/evidence/{id}/content", h.getEvidenceContent)
}

func (h *Handlers) getEvidenceContent(w http.ResponseWriter, r *http.Request) {
	if !checkPermission(w, r, authz.Read) {
		return
	}
	ctx := r.Context()
	ref := chi.URLParam(r, "id")
	if len(ref) < 7 || ref[:7] != "sha256:" {
		e, err := h.svc.FindEvidenceByID(ctx, ref)
		if err != nil {
			WriteProblem(w, r, err)
			return
		}
		ref = ""
		want, _ := strconv.Atoi(r.URL.Query().Get("revision"))
		for _, rev := range e.Revisions {
			if (want == 0 && rev.Source == aims.SourceFile) || rev.Number == want {
				ref = rev.ID
				break
			}
		}
		if ref == "" {
			WriteProblem(w, r, aims.Errorf(aims.KindNotFound, "this evidence has no such file revision"))
			return
		}
	}
	c, err := h.svc.OpenEvidenceContent(ctx, ref)
	if err != nil {
		WriteProblem(w, r, err)
		return
	}
	defer c.Close()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Hour))
	hd := w.Header()
	// Always a download: the stored media type is the client's word.
	hd.Set("Content-Type", "application/octet-stream")
	hd.Set("Content-Length", strconv.FormatInt(c.Revision.Size, 10))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox")
	name := c.Revision.FileName
	if name == "" {
		name = "evidence-" + c.Revision.Digest[:12]
	}
	hd.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	hd.Set("Repr-Digest", "sha-256=:"+digestBase64(c.Revision.Digest)+":")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, c); err != nil {
		// The file does not match its digest, or the store failed
		// mid-way: abort the response so the client sees a broken
		// download, never a complete one.
		panic(http.ErrAbortHandler)
	}
}
