package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/service"
)

type versionParam struct {
	Number int `path:"number" minimum:"1" doc:"The SoA version number"`
}

type versionGet struct {
	Number        int    `path:"number" minimum:"1"`
	Applicability string `query:"applicability" enum:"undecided,applicable,excluded"`
	Status        string `query:"implementation_status" enum:"not_started,planned,partially_implemented,implemented"`
	OwnerID       string `query:"owner_id" doc:"A user id, or none for rows without an owner"`
	Q             string `query:"q" doc:"Part of the control id, title, justification or notes"`
}

type controlParam struct {
	Number    int    `path:"number" minimum:"1"`
	Framework string `path:"framework"`
	ID        string `path:"id" doc:"The control's id, URL-encoded"`
}

type rowPatch struct {
	Number    int    `path:"number" minimum:"1"`
	Framework string `path:"framework"`
	ID        string `path:"id" doc:"The control's id, URL-encoded"`
	Body      aims.SoARowUpdate
}

// ControlRef names a control of a framework.
type ControlRef struct {
	Framework     string `json:"framework"`
	RequirementID string `json:"requirement_id"`
}

// BulkInput changes several controls of a draft at once.
type BulkInput struct {
	Controls []ControlRef      `json:"controls" minItems:"1"`
	Set      aims.SoARowUpdate `json:"set" doc:"The fields to set on every control"`
}

// NoteInput carries an optional note.
type NoteInput struct {
	Note string `json:"note,omitempty" maxLength:"2000"`
}

type soaExport struct {
	Number int    `path:"number" minimum:"1"`
	Format string `query:"format" enum:"xlsx,csv,json,pdf,oscal" default:"xlsx"`
}

type diffParams struct {
	From int `query:"from" minimum:"1" required:"true"`
	To   int `query:"to" minimum:"1" required:"true"`
}

type coverageParams struct {
	Version int `query:"version" minimum:"0" doc:"SoA version; 0 or absent means the newest"`
}

// CoverageOutput is coverage per framework for one SoA version.
type CoverageOutput struct {
	Version    int                 `json:"version"`
	Status     aims.SoAStatus      `json:"status"`
	Frameworks []*catalog.Coverage `json:"frameworks"`
}

func (h *Handlers) registerSoA(api huma.API) {
	const tag = "Statement of Applicability"
	huma.Register(api, operation(http.MethodGet, "/soa/versions", "list-soa-versions", tag, "List SoA versions, newest first", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[[]*aims.SoAVersion], error) {
			list, err := h.svc.FindSoAVersions(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.SoAVersion]{Body: list}, nil
		})
	start := operation(http.MethodPost, "/soa/versions", "start-soa-draft", tag, "Start a new draft", authz.Edit)
	start.Description += " The draft copies the last approved version (or lists every Annex A control undecided). 409 while a draft exists."
	start.DefaultStatus = http.StatusCreated
	huma.Register(api, start, func(ctx context.Context, in *struct{ Body NoteInput }) (*Body[*aims.SoAVersion], error) {
		v, err := h.svc.StartSoADraft(ctx, in.Body.Note)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.SoAVersion]{Body: v}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/soa/versions/{number}", "get-soa-version", tag, "Get a version with its controls", authz.Read),
		func(ctx context.Context, in *versionGet) (*Body[*aims.SoAVersion], error) {
			v, err := h.svc.FindSoAVersion(ctx, in.Number, aims.SoAFilter{Applicability: aims.Applicability(in.Applicability),
				Status: aims.ImplementationStatus(in.Status), OwnerID: in.OwnerID, Search: in.Q})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.SoAVersion]{Body: v}, nil
		})
	patch := operation(http.MethodPatch, "/soa/versions/{number}/controls/{framework}/{id}", "update-soa-control", tag, "Change a control of a draft", authz.Edit)
	patch.Description += " Excluding needs a justification (422). An approved version is frozen (409)."
	huma.Register(api, patch, func(ctx context.Context, in *rowPatch) (*Body[*aims.SoARow], error) {
		r, err := h.svc.UpdateSoARow(ctx, in.Number, aims.Ref{Framework: in.Framework, ID: in.ID}, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.SoARow]{Body: r}, nil
	})
	bulk := operation(http.MethodPost, "/soa/versions/{number}/bulk", "bulk-update-soa", tag, "Change several controls of a draft at once", authz.Edit)
	bulk.Description += " All or none: each refused control is named as /rows/FRAMEWORK:ID/FIELD."
	huma.Register(api, bulk, func(ctx context.Context, in *struct {
		Number int `path:"number" minimum:"1"`
		Body   BulkInput
	}) (*Body[[]*aims.SoARow], error) {
		refs := make([]aims.Ref, len(in.Body.Controls))
		for i, c := range in.Body.Controls {
			refs[i] = aims.Ref{Framework: c.Framework, ID: c.RequirementID}
		}
		rows, err := h.svc.UpdateSoARows(ctx, in.Number, refs, in.Body.Set)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[[]*aims.SoARow]{Body: rows}, nil
	})
	add := operation(http.MethodPost, "/soa/versions/{number}/controls", "add-soa-control", tag, "Add a control from another catalog to a draft", authz.Edit)
	add.DefaultStatus = http.StatusCreated
	huma.Register(api, add, func(ctx context.Context, in *struct {
		Number int `path:"number" minimum:"1"`
		Body   ControlRef
	}) (*Body[*aims.SoARow], error) {
		r, err := h.svc.AddSoAControl(ctx, in.Number, aims.Ref{Framework: in.Body.Framework, ID: in.Body.RequirementID})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.SoARow]{Body: r}, nil
	})
	rm := operation(http.MethodDelete, "/soa/versions/{number}/controls/{framework}/{id}", "remove-soa-control", tag, "Remove an added control from a draft", authz.Edit)
	rm.DefaultStatus = http.StatusNoContent
	huma.Register(api, rm, func(ctx context.Context, in *controlParam) (*noContent, error) {
		if err := h.svc.RemoveSoAControl(ctx, in.Number, aims.Ref{Framework: in.Framework, ID: in.ID}); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	approve := operation(http.MethodPost, "/soa/versions/{number}/approve", "approve-soa-version", tag, "Approve a draft and freeze it", authz.Approve)
	approve.Description += " Only aims_manager and admin. Every control must be decided and justified; otherwise 422 lists each (/rows/FRAMEWORK:ID/FIELD)."
	huma.Register(api, approve, func(ctx context.Context, in *struct {
		Number int `path:"number" minimum:"1"`
		Body   NoteInput
	}) (*Body[*aims.SoAVersion], error) {
		v, err := h.svc.ApproveSoA(ctx, in.Number, in.Body.Note)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.SoAVersion]{Body: v}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/soa/versions/{number}/export", "export-soa-version", tag, "Export a version (XLSX, CSV, JSON, PDF, OSCAL profile)", authz.Export),
		func(ctx context.Context, in *soaExport) (*FileOutput, error) {
			var buf bytes.Buffer
			if _, err := h.svc.ExportSoA(ctx, &buf, in.Number, in.Format); err != nil {
				return nil, fail(ctx, err)
			}
			mt, ext := service.ExportContentType(in.Format)
			return fileOf(buf.Bytes(), mt, "statement-of-applicability-v"+strconv.Itoa(in.Number)+"."+ext), nil
		})
	huma.Register(api, operation(http.MethodGet, "/soa/diff", "diff-soa-versions", tag, "Compare two versions", authz.Read),
		func(ctx context.Context, in *diffParams) (*Body[[]aims.SoAChange], error) {
			d, err := h.svc.DiffSoA(ctx, in.From, in.To)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]aims.SoAChange]{Body: d}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/soa/coverage", "soa-coverage", tag, "Coverage of each framework through the crosswalks", authz.Read),
		func(ctx context.Context, in *coverageParams) (*Body[CoverageOutput], error) {
			v, cov, err := h.svc.SoACoverage(ctx, in.Version)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[CoverageOutput]{Body: CoverageOutput{Version: v.Number, Status: v.Status, Frameworks: cov}}, nil
		})
}
