package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

type assessmentPath struct {
	ID           string `path:"id" doc:"The AI system's id"`
	AssessmentID string `path:"assessment_id"`
}

type assessmentPatch struct {
	ID           string `path:"id" doc:"The AI system's id"`
	AssessmentID string `path:"assessment_id"`
	Body         aims.ImpactAssessmentUpdate
}

type areaPath struct {
	ID           string `path:"id" doc:"The AI system's id"`
	AssessmentID string `path:"assessment_id"`
	Area         string `path:"area" enum:"fairness_bias,safety,privacy,transparency_explainability,human_oversight_contestability,security,environment,fundamental_rights,employment"`
}

func (h *Handlers) registerImpact(api huma.API) {
	const tag = "Impact assessments"
	const base = "/systems/{id}/impact-assessments"
	huma.Register(api, operation(http.MethodGet, base, "list-impact-assessments", tag, "List the versions of a system's impact assessment, newest first", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[[]*aims.ImpactAssessment], error) {
			list, err := h.svc.FindImpactAssessments(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.ImpactAssessment]{Body: list}, nil
		})
	create := operation(http.MethodPost, base, "create-impact-assessment", tag, "Start a new draft version", anyWrite...)
	create.Description += " The draft copies the newest version (or starts from the system's purpose). 409 while a draft exists."
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *IDParam) (*Body[*aims.ImpactAssessment], error) {
		a, err := h.svc.StartImpactAssessment(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.ImpactAssessment]{Body: a}, nil
	})
	huma.Register(api, operation(http.MethodGet, base+"/{assessment_id}", "get-impact-assessment", tag, "Get a version, with why it is out of date", authz.Read),
		func(ctx context.Context, in *assessmentPath) (*Body[*aims.ImpactAssessment], error) {
			a, err := h.svc.FindImpactAssessment(ctx, in.ID, in.AssessmentID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.ImpactAssessment]{Body: a}, nil
		})
	patch := operation(http.MethodPatch, base+"/{assessment_id}", "update-impact-assessment", tag, "Change a draft", anyWrite...)
	patch.Description += " areas replaces the entries of the areas it names. A signed-off version is frozen (409)."
	huma.Register(api, patch, func(ctx context.Context, in *assessmentPatch) (*Body[*aims.ImpactAssessment], error) {
		a, err := h.svc.UpdateImpactAssessment(ctx, in.ID, in.AssessmentID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.ImpactAssessment]{Body: a}, nil
	})
	sign := operation(http.MethodPost, base+"/{assessment_id}/sign-off", "sign-off-impact-assessment", tag, "Sign off a draft as the system's owner", anyWrite...)
	sign.Description += " Only the system's owner (403 for anyone else). An impact area left blank is 422 naming it (/areas/AREA)."
	huma.Register(api, sign, func(ctx context.Context, in *assessmentPath) (*Body[*aims.ImpactAssessment], error) {
		a, err := h.svc.SignOffImpactAssessment(ctx, in.ID, in.AssessmentID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.ImpactAssessment]{Body: a}, nil
	})
	raise := operation(http.MethodPost, base+"/{assessment_id}/areas/{area}/risk", "raise-impact-risk", tag, "Raise a risk from an impact area", anyWrite...)
	raise.Description += " Creates a risk of the system, linked to the assessment and the area, with the area's likelihood and severity. 409 when the area raised one already."
	raise.DefaultStatus = http.StatusCreated
	huma.Register(api, raise, func(ctx context.Context, in *areaPath) (*Body[*aims.Risk], error) {
		r, err := h.svc.RaiseRiskFromImpact(ctx, in.ID, in.AssessmentID, aims.ImpactArea(in.Area))
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Risk]{Body: r}, nil
	})
	huma.Register(api, sends(operation(http.MethodGet, base+"/{assessment_id}/report", "export-impact-assessment", tag, "The assessment as a PDF report", authz.Export), "application/pdf"),
		func(ctx context.Context, in *assessmentPath) (*FileOutput, error) {
			var buf bytes.Buffer
			a, err := h.svc.ExportImpactAssessment(ctx, &buf, in.ID, in.AssessmentID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return fileOf(buf.Bytes(), "application/pdf", "impact-assessment-v"+strconv.Itoa(a.Version)+".pdf"), nil
		})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/impact-summary", "get-impact-summary", tag, "The latest signed-off assessment's highest residual impact, and whether it is out of date", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.ImpactSummary], error) {
			s, err := h.svc.ImpactSummary(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.ImpactSummary]{Body: s}, nil
		})
}
