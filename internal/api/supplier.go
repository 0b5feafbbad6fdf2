package api

import (
	"context"
	"io"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// SupplierInput is a new supplier (ISO/IEC 42001 A.10.3).
type SupplierInput struct {
	Name               string                    `json:"name" maxLength:"200" doc:"Unique in the organization, any case"`
	Supplies           []aims.SupplyCategory     `json:"supplies" minItems:"1" enum:"model,data,compute,platform,system" doc:"What the supplier provides; system means a whole AI system"`
	Contact            string                    `json:"contact,omitempty" maxLength:"2000"`
	Website            string                    `json:"website,omitempty" maxLength:"2000"`
	AssessmentNotes    string                    `json:"assessment_notes,omitempty" maxLength:"20000" doc:"How the supplier was assessed and what was found"`
	Criticality        aims.SupplierCriticality  `json:"criticality,omitempty" enum:"low,medium,high,critical" doc:"How much the organization depends on the supplier; absent when not rated"`
	ReviewIntervalDays int                       `json:"review_interval_days,omitempty" minimum:"0" maximum:"3650" doc:"How often the supplier is reviewed, in days; 0 for no periodic review"`
	LastReviewOn       *aims.Date                `json:"last_review_on,omitempty" doc:"When the supplier was last reviewed (YYYY-MM-DD)"`
	Commitments        []aims.SupplierCommitment `json:"commitments,omitempty" doc:"Contractual commitments that matter for AI: use of our data, notice of model changes, incident reporting; a kind not listed is absent"`
	Answers            []aims.SupplierAnswer     `json:"answers,omitempty" doc:"Answers to the organization's due-diligence questionnaire"`
	DiligenceEvidence  string                    `json:"diligence_evidence,omitempty" maxLength:"5000" doc:"A link or note to what backs the answers"`
}

type supplierList struct {
	PageParams
	Q        string `query:"q" doc:"Part of the name, any case"`
	Supplies string `query:"supplies" enum:"model,data,compute,platform,system"`
}

func (in *supplierList) filter() aims.SupplierFilter {
	return aims.SupplierFilter{Search: in.Q, Supplies: aims.SupplyCategory(in.Supplies), Page: in.page()}
}

func (h *Handlers) registerSuppliers(api huma.API) {
	crud[aims.Supplier, supplierList, SupplierInput, aims.SupplierUpdate]{
		tag: "Suppliers", path: "/suppliers", noun: "supplier", plural: "suppliers", a: "a",
		deleteNote: "Refused with 409 while an AI system or dataset names the supplier.",
		list: func(ctx context.Context, in *supplierList) ([]*aims.Supplier, int, error) {
			return h.svc.FindSuppliers(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *supplierList) error {
			return h.svc.ExportSuppliersCSV(ctx, w, in.filter())
		},
		exportColumns: service.SupplierCSVColumns,
		create: func(ctx context.Context, b SupplierInput) (*aims.Supplier, error) {
			return created(ctx, &aims.Supplier{Name: b.Name, Supplies: b.Supplies, Contact: b.Contact, Website: b.Website,
				AssessmentNotes: b.AssessmentNotes, Criticality: b.Criticality, ReviewIntervalDays: b.ReviewIntervalDays,
				LastReviewOn: b.LastReviewOn, Commitments: b.Commitments, Answers: b.Answers,
				DiligenceEvidence: b.DiligenceEvidence}, h.svc.CreateSupplier)
		},
		get: h.svc.FindSupplierByID, update: h.svc.UpdateSupplier, delete: h.svc.DeleteSupplier,
	}.register(api)
}
