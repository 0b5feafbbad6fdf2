package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// SupplierInput is a new supplier (ISO/IEC 42001 A.10.3).
type SupplierInput struct {
	Name            string                `json:"name" maxLength:"200" doc:"Unique in the organization, any case"`
	Supplies        []aims.SupplyCategory `json:"supplies" minItems:"1" enum:"model,data,compute,platform,system" doc:"What the supplier provides; system means a whole AI system"`
	Contact         string                `json:"contact,omitempty" maxLength:"2000"`
	Website         string                `json:"website,omitempty" maxLength:"2000"`
	AssessmentNotes string                `json:"assessment_notes,omitempty" maxLength:"20000" doc:"How the supplier was assessed and what was found"`
}

type supplierList struct {
	PageParams
	Q        string `query:"q" doc:"Part of the name, any case"`
	Supplies string `query:"supplies" enum:"model,data,compute,platform,system"`
}

type supplierCreate struct {
	Body SupplierInput
}

type supplierPatch struct {
	ID   string `path:"id"`
	Body aims.SupplierUpdate
}

func (h *Handlers) registerSuppliers(api huma.API) {
	const tag = "Suppliers"
	huma.Register(api, operation(http.MethodGet, "/suppliers", "list-suppliers", tag, "List suppliers", authz.Read),
		func(ctx context.Context, in *supplierList) (*PageOutput[*aims.Supplier], error) {
			list, total, err := h.svc.FindSuppliers(ctx, aims.SupplierFilter{Search: in.Q, Supplies: aims.SupplyCategory(in.Supplies), Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, "/suppliers", "create-supplier", tag, "Add a supplier", authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *supplierCreate) (*Body[*aims.Supplier], error) {
		b := in.Body
		s := &aims.Supplier{Name: b.Name, Supplies: b.Supplies, Contact: b.Contact, Website: b.Website, AssessmentNotes: b.AssessmentNotes}
		if err := h.svc.CreateSupplier(ctx, s); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Supplier]{Body: s}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/suppliers/{id}", "get-supplier", tag, "Get a supplier", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Supplier], error) {
			s, err := h.svc.FindSupplierByID(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Supplier]{Body: s}, nil
		})
	huma.Register(api, operation(http.MethodPatch, "/suppliers/{id}", "update-supplier", tag, "Change a supplier", authz.Edit),
		func(ctx context.Context, in *supplierPatch) (*Body[*aims.Supplier], error) {
			s, err := h.svc.UpdateSupplier(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Supplier]{Body: s}, nil
		})
	del := operation(http.MethodDelete, "/suppliers/{id}", "delete-supplier", tag, "Delete a supplier", authz.Edit)
	del.Description += " Refused with 409 while an AI system or dataset names the supplier."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteSupplier(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}
