package api

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// RiskInput is a new risk of the register (ISO/IEC 42001 6.1.2, 8.2). The
// levels are computed by aims from the current risk criteria.
type RiskInput struct {
	SystemID            string                `json:"system_id,omitempty" doc:"The AI system the risk belongs to; leave out for a risk of the organization"`
	Title               string                `json:"title" maxLength:"200"`
	Description         string                `json:"description,omitempty" maxLength:"20000"`
	Source              aims.RiskSource       `json:"source"`
	Characteristics     []aims.Characteristic `json:"characteristics,omitempty" enum:"valid_reliable,safe,secure_resilient,accountable_transparent,explainable_interpretable,privacy_enhanced,fair" doc:"The NIST AI RMF trustworthiness characteristics at stake"`
	LifecycleStage      aims.LifecycleStage   `json:"lifecycle_stage,omitempty" enum:"idea,design,development,verification_and_validation,deployed,suspended,retired"`
	OwnerID             string                `json:"owner_id,omitempty" doc:"The risk owner's user id; defaults to the caller"`
	Likelihood          int                   `json:"inherent_likelihood" doc:"On the likelihood scale of the current risk criteria, 1 lowest"`
	Consequence         int                   `json:"inherent_consequence" doc:"On the consequence scale of the current risk criteria, 1 lowest"`
	Treatment           aims.TreatmentOption  `json:"treatment,omitempty" enum:"mitigate,avoid,share,retain"`
	TreatmentPlan       string                `json:"treatment_plan,omitempty" maxLength:"20000"`
	Controls            []string              `json:"controls,omitempty" doc:"ISO/IEC 42001 Annex A controls that treat the risk, e.g. A.6.2.4"`
	ResidualLikelihood  int                   `json:"residual_likelihood,omitempty"`
	ResidualConsequence int                   `json:"residual_consequence,omitempty"`
	Status              aims.RiskStatus       `json:"status,omitempty" enum:"open,in_treatment,closed" default:"open" doc:"accepted is reached through the accept operation"`
	NextReview          *aims.Date            `json:"next_review,omitempty" doc:"YYYY-MM-DD"`
}

func (in RiskInput) risk() *aims.Risk {
	return &aims.Risk{SystemID: in.SystemID, Title: in.Title, Description: in.Description, Source: in.Source,
		Characteristics: in.Characteristics, LifecycleStage: in.LifecycleStage, OwnerID: in.OwnerID, Likelihood: in.Likelihood,
		Consequence: in.Consequence, Treatment: in.Treatment, TreatmentPlan: in.TreatmentPlan, Controls: in.Controls,
		ResidualLikelihood: in.ResidualLikelihood, ResidualConsequence: in.ResidualConsequence, Status: in.Status, NextReview: in.NextReview}
}

// RiskFilterParams filter the register (the list and the export).
type RiskFilterParams struct {
	SystemID string `query:"system_id" doc:"An AI system's id, or none for the organization's own risks"`
	Level    string `query:"level" doc:"A level key of the risk criteria (e.g. high): the residual level where assessed, else the inherent"`
	OwnerID  string `query:"owner_id"`
	Status   string `query:"status" enum:"open,in_treatment,accepted,closed"`
	Overdue  bool   `query:"overdue" doc:"Only risks whose review date or an open action's due date has passed"`
	Q        string `query:"q" doc:"Part of the title, any case"`
	Sort     string `query:"sort" enum:"-level,level,next_review,-next_review,title,-title,number,-number" doc:"The order: a key, or -key for the reverse; -level (the default) puts the highest current level first; risks without a review date come last"`
}

// Filter returns the domain filter, without a page.
func (p RiskFilterParams) Filter() aims.RiskFilter {
	return aims.RiskFilter{SystemID: p.SystemID, Level: p.Level, OwnerID: p.OwnerID, Status: aims.RiskStatus(p.Status), Overdue: p.Overdue, Search: p.Q, Sort: p.Sort}
}

type riskList struct {
	PageParams
	RiskFilterParams
}

type riskExport struct {
	RiskFilterParams
	Format string `query:"format" enum:"xlsx,csv" default:"xlsx"`
}

type riskPatch struct {
	ID   string `path:"id"`
	Body aims.RiskUpdate
}

// AcceptInput says why a risk is accepted.
type AcceptInput struct {
	Rationale string `json:"rationale" maxLength:"4000" doc:"Why the organization retains the risk at its current level"`
}

// ControlInput names an Annex A control.
type ControlInput struct {
	ControlID string `json:"control_id" doc:"An ISO/IEC 42001 Annex A control, e.g. A.6.2.6"`
}

// ActionInput is a new treatment action.
type ActionInput struct {
	Title   string            `json:"title" maxLength:"300"`
	OwnerID string            `json:"owner_id,omitempty" doc:"Defaults to the risk's owner"`
	DueDate *aims.Date        `json:"due_date,omitempty" doc:"YYYY-MM-DD"`
	Status  aims.ActionStatus `json:"status,omitempty" enum:"planned,in_progress,done,cancelled" default:"planned"`
	Notes   string            `json:"notes,omitempty" maxLength:"4000"`
}

type actionPath struct {
	ID       string `path:"id" doc:"The risk's id"`
	ActionID string `path:"action_id"`
}

type actionPatch struct {
	ID       string `path:"id" doc:"The risk's id"`
	ActionID string `path:"action_id"`
	Body     aims.TreatmentActionUpdate
}

// CriteriaInput is a new version of the risk criteria (ISO/IEC 42001
// 6.1.1): the scales, the levels with who may accept each, the matrix and
// the appetite.
type CriteriaInput struct {
	Likelihood  []aims.ScaleLevel `json:"likelihood" doc:"Lowest first; value is set from the position"`
	Consequence []aims.ScaleLevel `json:"consequence" doc:"Lowest first"`
	Levels      []aims.RiskLevel  `json:"levels" doc:"Lowest first"`
	Matrix      [][]string        `json:"matrix" doc:"matrix[likelihood-1][consequence-1] is a level key"`
	Appetite    string            `json:"appetite" doc:"The highest level within the risk appetite"`
	Note        string            `json:"note,omitempty" maxLength:"2000"`
}

func (h *Handlers) registerRisks(api huma.API) {
	const ctag = "Risk criteria"
	huma.Register(api, operation(http.MethodGet, "/risk-criteria", "get-risk-criteria", ctag, "Get the current risk criteria", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[*aims.RiskCriteria], error) {
			c, err := h.svc.RiskCriteria(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.RiskCriteria]{Body: c}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/risk-criteria/versions", "list-risk-criteria-versions", ctag, "List the saved versions, newest first", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[[]*aims.RiskCriteria], error) {
			list, err := h.svc.RiskCriteriaVersions(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.RiskCriteria]{Body: list}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/risk-criteria/versions/{version}", "get-risk-criteria-version", ctag, "Get one saved version", authz.Read),
		func(ctx context.Context, in *struct {
			Version int `path:"version" minimum:"1"`
		}) (*Body[*aims.RiskCriteria], error) {
			c, err := h.svc.RiskCriteriaVersion(ctx, in.Version)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.RiskCriteria]{Body: c}, nil
		})
	put := operation(http.MethodPut, "/risk-criteria", "put-risk-criteria", ctag, "Save a new version of the risk criteria", authz.Approve)
	put.Description += " Only aims_manager and admin. Risks keep the version they were assessed with until they are assessed again." +
		" A level above the appetite may be accepted only by an AIMS manager or nobody (422 otherwise)."
	huma.Register(api, put, func(ctx context.Context, in *struct{ Body CriteriaInput }) (*Body[*aims.RiskCriteria], error) {
		b := in.Body
		c, err := h.svc.SaveRiskCriteria(ctx, &aims.RiskCriteria{Likelihood: b.Likelihood, Consequence: b.Consequence, Levels: b.Levels,
			Matrix: b.Matrix, Appetite: b.Appetite, Note: b.Note})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.RiskCriteria]{Body: c}, nil
	})

	const tag = "Risks"
	huma.Register(api, operation(http.MethodGet, "/risks", "list-risks", tag, "List the risk register, highest level first", authz.Read),
		func(ctx context.Context, in *riskList) (*PageOutput[*aims.Risk], error) {
			f := in.Filter()
			f.Page = in.page()
			list, total, err := h.svc.FindRisks(ctx, f)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, "/risks", "create-risk", tag, "Add a risk", anyWrite...)
	create.Description += " A risk of an AI system may be added by whoever may change the system; a risk of the organization needs edit." +
		" Likelihood and consequence outside the criteria's scales are 422; a control that is not in Annex A is 422."
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *struct{ Body RiskInput }) (*Body[*aims.Risk], error) {
		r := in.Body.risk()
		if err := h.svc.CreateRisk(ctx, r); err != nil {
			return nil, fail(ctx, err)
		}
		return h.risk(ctx, r.ID)
	})
	huma.Register(api, operation(http.MethodGet, "/risks/export", "export-risks", tag, "Export the register (XLSX, CSV)", authz.Export),
		func(ctx context.Context, in *riskExport) (*FileOutput, error) {
			var buf bytes.Buffer
			if err := h.svc.ExportRisks(ctx, &buf, in.Filter(), in.Format); err != nil {
				return nil, fail(ctx, err)
			}
			mt, ext := service.ExportContentType(in.Format)
			return fileOf(buf.Bytes(), mt, "risk-register-"+time.Now().UTC().Format(aims.DateLayout)+"."+ext), nil
		})
	huma.Register(api, operation(http.MethodGet, "/risks/{id}", "get-risk", tag, "Get a risk with its actions and inconsistencies", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Risk], error) { return h.risk(ctx, in.ID) })
	patch := operation(http.MethodPatch, "/risks/{id}", "update-risk", tag, "Change a risk", anyWrite...)
	patch.Description += " The risk is assessed again under the current criteria; a changed likelihood or consequence ends an acceptance."
	huma.Register(api, patch, func(ctx context.Context, in *riskPatch) (*Body[*aims.Risk], error) {
		r, err := h.svc.UpdateRisk(ctx, in.ID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Risk]{Body: r}, nil
	})
	del := operation(http.MethodDelete, "/risks/{id}", "delete-risk", tag, "Delete a risk entered by mistake", anyWrite...)
	del.Description += " A risk that no longer applies is better closed, to keep its history."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteRisk(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	accept := operation(http.MethodPost, "/risks/{id}/accept", "accept-risk", tag, "Accept (retain) a risk at its current level", authz.Edit, authz.EditOwned, authz.Approve)
	accept.Description += " The criteria say who may accept each level: the risk owner, an AIMS manager (approve), or nobody." +
		" Accepting above the appetite without approve is 403; a level nobody may accept is 409."
	huma.Register(api, accept, func(ctx context.Context, in *struct {
		ID   string `path:"id"`
		Body AcceptInput
	}) (*Body[*aims.Risk], error) {
		r, err := h.svc.AcceptRisk(ctx, in.ID, in.Body.Rationale)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Risk]{Body: r}, nil
	})
	h.registerRiskLinks(api, tag)
}

// risk answers with one risk as it now reads.
func (h *Handlers) risk(ctx context.Context, id string) (*Body[*aims.Risk], error) {
	r, err := h.svc.FindRiskByID(ctx, id)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return &Body[*aims.Risk]{Body: r}, nil
}

// registerRiskLinks mounts the control links and the treatment actions.
func (h *Handlers) registerRiskLinks(api huma.API, tag string) {
	link := operation(http.MethodPost, "/risks/{id}/controls", "link-risk-control", tag, "Link an Annex A control that treats the risk", anyWrite...)
	link.Description += " A control that does not exist is 422; one the SoA marks not applicable is linked and reported in inconsistencies."
	huma.Register(api, link, func(ctx context.Context, in *struct {
		ID   string `path:"id"`
		Body ControlInput
	}) (*Body[*aims.Risk], error) {
		r, err := h.svc.LinkRiskControl(ctx, in.ID, in.Body.ControlID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Risk]{Body: r}, nil
	})
	unlink := operation(http.MethodDelete, "/risks/{id}/controls/{control_id}", "unlink-risk-control", tag, "Remove a control from the risk", anyWrite...)
	unlink.DefaultStatus = http.StatusNoContent
	huma.Register(api, unlink, func(ctx context.Context, in *struct {
		ID        string `path:"id"`
		ControlID string `path:"control_id"`
	}) (*noContent, error) {
		if _, err := h.svc.UnlinkRiskControl(ctx, in.ID, in.ControlID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	create := operation(http.MethodPost, "/risks/{id}/actions", "create-risk-action", tag, "Plan a treatment action", anyWrite...)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *struct {
		ID   string `path:"id"`
		Body ActionInput
	}) (*Body[*aims.TreatmentAction], error) {
		b := in.Body
		a := &aims.TreatmentAction{Title: b.Title, OwnerID: b.OwnerID, DueDate: b.DueDate, Status: b.Status, Notes: b.Notes}
		if err := h.svc.CreateRiskAction(ctx, in.ID, a); err != nil {
			return nil, fail(ctx, err)
		}
		out, err := h.svc.FindRiskAction(ctx, in.ID, a.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.TreatmentAction]{Body: out}, nil
	})
	huma.Register(api, operation(http.MethodPatch, "/risks/{id}/actions/{action_id}", "update-risk-action", tag, "Change a treatment action", anyWrite...),
		func(ctx context.Context, in *actionPatch) (*Body[*aims.TreatmentAction], error) {
			a, err := h.svc.UpdateRiskAction(ctx, in.ID, in.ActionID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.TreatmentAction]{Body: a}, nil
		})
	del := operation(http.MethodDelete, "/risks/{id}/actions/{action_id}", "delete-risk-action", tag, "Delete a treatment action", anyWrite...)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *actionPath) (*noContent, error) {
		if err := h.svc.DeleteRiskAction(ctx, in.ID, in.ActionID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}
