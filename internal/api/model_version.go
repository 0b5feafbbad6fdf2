package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// ModelVersionInput is a new model version of an AI system (ISO/IEC 42001
// A.6.2.2 to A.6.2.5, A.7).
type ModelVersionInput struct {
	Version             string                  `json:"version" maxLength:"100" doc:"The version label, unique for the system"`
	Digest              string                  `json:"digest" doc:"SHA-256 of the model artifact: 64 hexadecimal characters, optionally prefixed sha256:"`
	SourceURI           string                  `json:"source_uri,omitempty" maxLength:"2000" doc:"Where the artifact lives (registry, bucket, repository)"`
	TrainingDataSummary string                  `json:"training_data_summary,omitempty" maxLength:"20000"`
	Status              aims.ModelVersionStatus `json:"status,omitempty" enum:"candidate,validated,retired" default:"candidate" doc:"Approved and deployed are reached only by recording an approval (create-model-version-approval)"`
	Notes               string                  `json:"notes,omitempty" maxLength:"20000"`
	Datasets            []aims.DatasetUse       `json:"datasets,omitempty" doc:"Datasets used, each with its purpose: training, validation, test, operation"`
	Features            []string                `json:"features,omitempty" doc:"The ids of the features it consumes (data lineage)"`
}

type modelVersionList struct {
	PageParams
	ID     string `path:"id" doc:"The AI system's id"`
	Status string `query:"status" enum:"candidate,validated,approved,deployed,retired"`
}

type modelVersionCreate struct {
	ID   string `path:"id" doc:"The AI system's id"`
	Body ModelVersionInput
}

type modelVersionPath struct {
	ID        string `path:"id" doc:"The AI system's id"`
	VersionID string `path:"version_id" doc:"The model version's id"`
}

// modelVersionPatch repeats the path fields: huma does not read parameters
// from an unexported embedded struct.
type modelVersionPatch struct {
	ID        string `path:"id" doc:"The AI system's id"`
	VersionID string `path:"version_id" doc:"The model version's id"`
	Body      aims.ModelVersionUpdate
}

// ModelVersionApprovalInput is the act that moves a model version to
// approved or deployed, with what it rests on (ISO/IEC 42001 A.6.2.4,
// A.6.2.5).
type ModelVersionApprovalInput struct {
	Status             aims.ModelVersionStatus `json:"status" enum:"approved,deployed" doc:"approved (from candidate or validated) or deployed (from approved)"`
	Evidence           string                  `json:"evidence" maxLength:"2000" doc:"A reference to the validation evidence: a report, a run, a ticket"`
	AcceptanceCriteria string                  `json:"acceptance_criteria" maxLength:"20000" doc:"The acceptance criteria the model version was held to"`
	Result             string                  `json:"result" maxLength:"20000" doc:"What the validation found against those criteria"`
	OverrideReason     string                  `json:"override_reason,omitempty" maxLength:"2000" doc:"An admin only: move the model version although its gate's checks fail, and why (recorded and flagged)"`
}

type modelVersionApprove struct {
	ID        string `path:"id" doc:"The AI system's id"`
	VersionID string `path:"version_id" doc:"The model version's id"`
	Body      ModelVersionApprovalInput
}

func (h *Handlers) registerModelVersions(api huma.API) {
	const tag = "Model versions"
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/model-versions", "list-model-versions", tag, "List the model versions of an AI system", authz.Read),
		func(ctx context.Context, in *modelVersionList) (*PageOutput[*aims.ModelVersion], error) {
			list, total, err := h.svc.FindModelVersions(ctx, in.ID, aims.ModelVersionFilter{Status: aims.ModelVersionStatus(in.Status), Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, "/systems/{id}/model-versions", "create-model-version", tag, "Register a model version", anyWrite...)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *modelVersionCreate) (*Body[*aims.ModelVersion], error) {
		b := in.Body
		m := &aims.ModelVersion{SystemID: in.ID, Version: b.Version, Digest: b.Digest, SourceURI: b.SourceURI,
			TrainingDataSummary: b.TrainingDataSummary, Status: b.Status, Notes: b.Notes, Datasets: b.Datasets,
			Features: aims.RefsOf(b.Features)}
		if err := h.svc.CreateModelVersion(ctx, m); err != nil {
			return nil, fail(ctx, err)
		}
		out, err := h.svc.FindModelVersionByID(ctx, in.ID, m.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.ModelVersion]{Body: out}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/model-versions/{version_id}", "get-model-version", tag, "Get a model version", authz.Read),
		func(ctx context.Context, in *modelVersionPath) (*Body[*aims.ModelVersion], error) {
			m, err := h.svc.FindModelVersionByID(ctx, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.ModelVersion]{Body: m}, nil
		})
	huma.Register(api, operation(http.MethodPatch, "/systems/{id}/model-versions/{version_id}", "update-model-version", tag, "Change a model version", anyWrite...),
		func(ctx context.Context, in *modelVersionPatch) (*Body[*aims.ModelVersion], error) {
			m, err := h.svc.UpdateModelVersion(ctx, in.ID, in.VersionID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.ModelVersion]{Body: m}, nil
		})
	approve := operation(http.MethodPost, "/systems/{id}/model-versions/{version_id}/approvals", "create-model-version-approval", tag,
		"Approve or deploy a model version, recording the evidence it rests on", authz.Approve)
	approve.Description = "Records who moved the model version to approved (from candidate or validated) or deployed (from approved), " +
		"when, and on what: the validation evidence, the acceptance criteria and the result. Needs the approve permission " +
		"(an AIMS manager or an admin; a system owner may not approve their own model). A wrong state answers 409. " +
		"The act passes the model version's lifecycle gates (docs/gates.md): when a check fails it answers 409 naming the gate " +
		"and each failing check, unless an admin gives an override_reason."
	huma.Register(api, approve, func(ctx context.Context, in *modelVersionApprove) (*Body[*aims.ModelVersion], error) {
		b := in.Body
		m, err := h.svc.ApproveModelVersion(ctx, in.ID, in.VersionID, &aims.ModelVersionApproval{Status: b.Status,
			Evidence: b.Evidence, AcceptanceCriteria: b.AcceptanceCriteria, Result: b.Result, OverrideReason: b.OverrideReason})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.ModelVersion]{Body: m}, nil
	})
	del := operation(http.MethodDelete, "/systems/{id}/model-versions/{version_id}", "delete-model-version", tag, "Delete a model version", anyWrite...)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *modelVersionPath) (*noContent, error) {
		if err := h.svc.DeleteModelVersion(ctx, in.ID, in.VersionID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}
