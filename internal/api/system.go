package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// SystemInput is a new AI system (ISO/IEC 42001 A.4.2; NIST AI RMF GOVERN
// 1.6).
type SystemInput struct {
	Name               string              `json:"name" maxLength:"200" doc:"Unique in the organization, any case"`
	Purpose            string              `json:"purpose" maxLength:"4000" doc:"Purpose and intended use (ISO/IEC 42001 A.6.2.2, A.9.4)"`
	Description        string              `json:"description,omitempty" maxLength:"20000"`
	OwnerID            string              `json:"owner_id,omitempty" doc:"User id of the owner, the person with authority to stop the system; defaults to the caller"`
	BusinessUnit       string              `json:"business_unit,omitempty" maxLength:"200"`
	Site               string              `json:"site,omitempty" maxLength:"200"`
	OperatorRoles      []aims.OperatorRole `json:"operator_roles" minItems:"1" enum:"provider,developer,deployer,importer,distributor" doc:"The organization's roles for this system (ISO/IEC 22989; EU AI Act Art. 3)"`
	LifecycleStage     aims.LifecycleStage `json:"lifecycle_stage" enum:"idea,design,development,verification_and_validation,deployed,suspended,retired" doc:"The stage it is registered at; later moves are stage acts. Registered as deployed, the system is flagged (gate_override): its gate was not passed in aims"`
	Autonomy           aims.Autonomy       `json:"autonomy" enum:"advisory,human_approval,human_override,autonomous" doc:"advisory: advises a human; human_approval: a human approves each action; human_override: acts, a human can override; autonomous: acts on its own"`
	ImpactDomains      []aims.ImpactDomain `json:"impact_domains,omitempty" enum:"safety,health,quality,environment,fundamental_rights,employment,credit_and_finance,privacy,security"`
	Techniques         []string            `json:"techniques,omitempty" doc:"AI techniques, e.g. gradient boosting, LLM"`
	SupplierID         string              `json:"supplier_id,omitempty" doc:"The supplier, when the system or its model is bought or embedded (A.10.3)"`
	InScope            *bool               `json:"in_scope,omitempty" doc:"Whether the system is inside the AIMS scope (clause 4.3); true when left out"`
	ScopeJustification string              `json:"scope_justification,omitempty" doc:"Required when in_scope is false"`
	Tags               []string            `json:"tags,omitempty"`
}

func (in SystemInput) system() *aims.AISystem {
	return &aims.AISystem{
		Name: in.Name, Purpose: in.Purpose, Description: in.Description, OwnerID: in.OwnerID,
		BusinessUnit: in.BusinessUnit, Site: in.Site, OperatorRoles: in.OperatorRoles, LifecycleStage: in.LifecycleStage,
		Autonomy: in.Autonomy, ImpactDomains: in.ImpactDomains, Techniques: in.Techniques, SupplierID: in.SupplierID,
		InScope: in.InScope == nil || *in.InScope, ScopeJustification: in.ScopeJustification, Tags: in.Tags,
	}
}

// SystemListParams filter the inventory, one page at a time.
type SystemListParams struct {
	PageParams
	SystemFilterParams
}

// Filter returns the domain filter.
func (p SystemListParams) Filter() aims.SystemFilter {
	f := p.SystemFilterParams.Filter()
	f.Page = p.page()
	return f
}

// SystemFilterParams filter the inventory (the list and the export).
type SystemFilterParams struct {
	Q              string `query:"q" doc:"Part of the name, any case"`
	LifecycleStage string `query:"lifecycle_stage" enum:"idea,design,development,verification_and_validation,deployed,suspended,retired"`
	OwnerID        string `query:"owner_id"`
	Autonomy       string `query:"autonomy" enum:"advisory,human_approval,human_override,autonomous"`
	ImpactDomain   string `query:"impact_domain" enum:"safety,health,quality,environment,fundamental_rights,employment,credit_and_finance,privacy,security"`
	InScope        string `query:"in_scope" enum:"true,false" doc:"true: in the AIMS scope; false: outside it"`
	SupplierID     string `query:"supplier_id"`
	Tag            string `query:"tag"`
	Sort           string `query:"sort" enum:"name,-name,updated_at,-updated_at" default:"name"`
}

// Filter returns the domain filter, without a page.
func (p SystemFilterParams) Filter() aims.SystemFilter {
	f := aims.SystemFilter{Search: p.Q, LifecycleStage: aims.LifecycleStage(p.LifecycleStage), OwnerID: p.OwnerID,
		Autonomy: aims.Autonomy(p.Autonomy), ImpactDomain: aims.ImpactDomain(p.ImpactDomain), SupplierID: p.SupplierID,
		Tag: p.Tag, Sort: p.Sort}
	if p.InScope != "" {
		b := p.InScope == "true"
		f.InScope = &b
	}
	return f
}

type systemCreate struct {
	Body SystemInput
}

type systemPatch struct {
	ID   string `path:"id"`
	Body aims.SystemUpdate
}

func (h *Handlers) registerSystems(api huma.API) {
	const tag = "AI systems"
	huma.Register(api, operation(http.MethodGet, "/systems", "list-systems", tag, "List AI systems", authz.Read),
		func(ctx context.Context, in *SystemListParams) (*PageOutput[*aims.AISystem], error) {
			list, total, err := h.svc.FindSystems(ctx, in.Filter())
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, "/systems", "create-system", tag, "Register an AI system", anyWrite...)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *systemCreate) (*Body[*aims.AISystem], error) {
		s := in.Body.system()
		if err := h.svc.CreateSystem(ctx, s); err != nil {
			return nil, fail(ctx, err)
		}
		out, err := h.svc.FindSystemByID(ctx, s.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.AISystem]{Body: out}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}", "get-system", tag, "Get an AI system", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.AISystem], error) {
			s, err := h.svc.FindSystemByID(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.AISystem]{Body: s}, nil
		})
	patch := operation(http.MethodPatch, "/systems/{id}", "update-system", tag, "Change an AI system", anyWrite...)
	patch.Description += " A different lifecycle_stage answers 409: a stage is set by its act (POST /systems/{id}/stage-transitions)."
	huma.Register(api, patch,
		func(ctx context.Context, in *systemPatch) (*Body[*aims.AISystem], error) {
			s, err := h.svc.UpdateSystem(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.AISystem]{Body: s}, nil
		})
	del := operation(http.MethodDelete, "/systems/{id}", "delete-system", tag, "Delete an AI system", anyWrite...)
	del.Description += " Refused with 409 while model versions or other records link to the system: retire it instead."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteSystem(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}
