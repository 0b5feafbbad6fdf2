package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/service"
)

// Lifecycle gates (issue 17; docs/gates.md): validation metrics, acceptance
// criteria, a model version's gates evaluated now, and the organization's
// gate definitions.

// ValidationMetricInput is a metric measured on a model version.
type ValidationMetricInput struct {
	Name      string  `json:"name" maxLength:"100" doc:"The metric, e.g. mae"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit,omitempty" maxLength:"40" doc:"e.g. kg/t"`
	DatasetID string  `json:"dataset_id,omitempty" doc:"The dataset it was measured on"`
	Source    string  `json:"source,omitempty" maxLength:"500" doc:"Where it came from, e.g. a run id"`
}

// AcceptanceCriterionInput is an acceptance criterion of a system or one
// of its model versions.
type AcceptanceCriterionInput struct {
	ModelVersionID string           `json:"model_version_id,omitempty" doc:"Empty: the criterion holds for every model version of the system"`
	Metric         string           `json:"metric" maxLength:"100"`
	Comparison     aims.CriterionOp `json:"comparison" enum:"<=,<,>=,>,=="`
	Threshold      float64          `json:"threshold"`
	Unit           string           `json:"unit,omitempty" maxLength:"40"`
	DatasetID      string           `json:"dataset_id,omitempty" doc:"Empty: measured on any dataset"`
}

type metricCreate struct {
	ID        string `path:"id" doc:"The AI system's id"`
	VersionID string `path:"version_id" doc:"The model version's id"`
	Body      ValidationMetricInput
}

type metricPath struct {
	ID        string `path:"id" doc:"The AI system's id"`
	VersionID string `path:"version_id" doc:"The model version's id"`
	MetricID  string `path:"metric_id" doc:"The metric's id"`
}

type criterionCreate struct {
	ID   string `path:"id" doc:"The AI system's id"`
	Body AcceptanceCriterionInput
}

type criterionPath struct {
	ID          string `path:"id" doc:"The AI system's id"`
	CriterionID string `path:"criterion_id" doc:"The criterion's id"`
}

type gateDefinitionPut struct {
	Gate string `path:"gate" enum:"model_version_validation,model_version_approval,model_version_deployment,system_deployment"`
	Body struct {
		Checks []gate.Check `json:"checks" doc:"The checks, from the kinds in docs/gates.md"`
	}
}

type gateRequestCreate struct {
	ID        string `path:"id" doc:"The AI system's id"`
	VersionID string `path:"version_id" doc:"The model version's id"`
	Body      service.GateRequestInput
}

type gateRequestPath struct {
	ID        string `path:"id" doc:"The AI system's id"`
	VersionID string `path:"version_id" doc:"The model version's id"`
	RequestID string `path:"request_id" doc:"The gate request's id (an approval request)"`
}

type gatePath struct {
	Gate string `path:"gate" enum:"model_version_validation,model_version_approval,model_version_deployment,system_deployment"`
}

func (h *Handlers) registerGates(api huma.API) {
	const tag = "Lifecycle gates"
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/model-versions/{version_id}/metrics", "list-validation-metrics", tag,
		"List a model version's validation metrics", authz.Read),
		func(ctx context.Context, in *modelVersionPath) (*Body[[]aims.ValidationMetric], error) {
			list, err := h.svc.FindValidationMetrics(ctx, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]aims.ValidationMetric]{Body: list}, nil
		})
	create := operation(http.MethodPost, "/systems/{id}/model-versions/{version_id}/metrics", "create-validation-metric", tag,
		"Record a validation metric of a model version", anyWrite...)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *metricCreate) (*Body[*aims.ValidationMetric], error) {
		b := in.Body
		m := &aims.ValidationMetric{Name: b.Name, Value: b.Value, Unit: b.Unit, DatasetID: b.DatasetID, Source: b.Source}
		if err := h.svc.RecordValidationMetric(ctx, in.ID, in.VersionID, m); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.ValidationMetric]{Body: m}, nil
	})
	del := operation(http.MethodDelete, "/systems/{id}/model-versions/{version_id}/metrics/{metric_id}", "delete-validation-metric", tag,
		"Delete a validation metric recorded by mistake", anyWrite...)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *metricPath) (*noContent, error) {
		if err := h.svc.DeleteValidationMetric(ctx, in.ID, in.VersionID, in.MetricID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/acceptance-criteria", "list-acceptance-criteria", tag,
		"List the acceptance criteria of an AI system and its model versions", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[[]aims.AcceptanceCriterion], error) {
			list, err := h.svc.FindAcceptanceCriteria(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]aims.AcceptanceCriterion]{Body: list}, nil
		})
	ccreate := operation(http.MethodPost, "/systems/{id}/acceptance-criteria", "create-acceptance-criterion", tag,
		"Set an acceptance criterion (A.6.2.4), e.g. mae <= 0.35 kg/t on the test dataset", anyWrite...)
	ccreate.DefaultStatus = http.StatusCreated
	huma.Register(api, ccreate, func(ctx context.Context, in *criterionCreate) (*Body[*aims.AcceptanceCriterion], error) {
		b := in.Body
		c := &aims.AcceptanceCriterion{ModelVersionID: b.ModelVersionID, Metric: b.Metric, Comparison: b.Comparison,
			Threshold: b.Threshold, Unit: b.Unit, DatasetID: b.DatasetID}
		if err := h.svc.CreateAcceptanceCriterion(ctx, in.ID, c); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.AcceptanceCriterion]{Body: c}, nil
	})
	cdel := operation(http.MethodDelete, "/systems/{id}/acceptance-criteria/{criterion_id}", "delete-acceptance-criterion", tag,
		"Delete an acceptance criterion", anyWrite...)
	cdel.DefaultStatus = http.StatusNoContent
	huma.Register(api, cdel, func(ctx context.Context, in *criterionPath) (*noContent, error) {
		if err := h.svc.DeleteAcceptanceCriterion(ctx, in.ID, in.CriterionID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/model-versions/{version_id}/gates", "list-model-version-gates", tag,
		"Evaluate a model version's gates now: every check with pass or fail and why", authz.Read),
		func(ctx context.Context, in *modelVersionPath) (*Body[[]gate.Result], error) {
			list, err := h.svc.ModelVersionGates(ctx, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]gate.Result]{Body: list}, nil
		})
	h.registerGateRequests(api, tag)
	huma.Register(api, operation(http.MethodGet, "/gates", "list-gate-definitions", tag,
		"List the gate definitions in force (the organization's own, else the defaults)", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[*service.GateDefinitions], error) {
			d, err := h.svc.FindGateDefinitions(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*service.GateDefinitions]{Body: d}, nil
		})
	put := operation(http.MethodPut, "/gates/{gate}", "put-gate-definition", tag,
		"Define a gate for the organization (an unknown check kind is a 422 listing the valid ones)", authz.ManageSettings)
	put.DefaultStatus = http.StatusNoContent
	huma.Register(api, put, func(ctx context.Context, in *gateDefinitionPut) (*noContent, error) {
		if err := h.svc.PutGateDefinition(ctx, gate.Definition{Gate: gate.ID(in.Gate), Checks: in.Body.Checks}); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	gdel := operation(http.MethodDelete, "/gates/{gate}", "delete-gate-definition", tag,
		"Drop the organization's definition of a gate: the default applies again", authz.ManageSettings)
	gdel.DefaultStatus = http.StatusNoContent
	huma.Register(api, gdel, func(ctx context.Context, in *gatePath) (*noContent, error) {
		if err := h.svc.DeleteGateDefinition(ctx, gate.ID(in.Gate)); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}

func (h *Handlers) registerGateRequests(api huma.API, tag string) {
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/model-versions/{version_id}/gate-requests", "list-gate-requests", tag,
		"List a model version's gate requests, newest first, each with its checks now", authz.Read),
		func(ctx context.Context, in *modelVersionPath) (*Body[[]*service.GateRequest], error) {
			list, err := h.svc.FindGateRequests(ctx, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*service.GateRequest]{Body: list}, nil
		})
	create := operation(http.MethodPost, "/systems/{id}/model-versions/{version_id}/gate-requests", "create-gate-request", tag,
		"Ask for passage of a model version through its gates", anyWrite...)
	create.Description += " The request is an approval request (subject kind model_version_gate) over the SHA-256 of the model " +
		"version's content and validation metrics: a change to either voids it. Approver roles and quorum default from the gate's " +
		"approvals check. It is created even when checks fail: its read shows every check with pass or fail and why. Approvers decide " +
		"with POST /approvals/{id}/decisions; once the quorum approved and every check holds, the model version moves at once. " +
		"409 when the version cannot move to that status or a request for the same passage is pending."
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *gateRequestCreate) (*Body[*service.GateRequest], error) {
		g, err := h.svc.RequestGatePassage(ctx, in.ID, in.VersionID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.GateRequest]{Body: g}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/model-versions/{version_id}/gate-requests/{request_id}", "get-gate-request", tag,
		"Get a gate request: its approvals, every check now, and whether it can complete", authz.Read),
		func(ctx context.Context, in *gateRequestPath) (*Body[*service.GateRequest], error) {
			g, err := h.svc.FindGateRequest(ctx, in.ID, in.VersionID, in.RequestID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*service.GateRequest]{Body: g}, nil
		})
	complete := operation(http.MethodPost, "/systems/{id}/model-versions/{version_id}/gate-requests/{request_id}/complete", "complete-gate-request", tag,
		"Complete an approved gate request whose checks did not all hold when it was approved", authz.Edit, authz.EditOwned)
	complete.Description += " 409 naming what still fails, or when the request waits for approvals, was rejected, is void " +
		"(the content changed) or is completed already."
	huma.Register(api, complete, func(ctx context.Context, in *gateRequestPath) (*Body[*service.GateRequest], error) {
		g, err := h.svc.CompleteGateRequest(ctx, in.ID, in.VersionID, in.RequestID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.GateRequest]{Body: g}, nil
	})
}
