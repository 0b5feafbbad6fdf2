package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
)

// SupplierQuestionInput is a new question of the supplier due-diligence
// questionnaire (ISO/IEC 42001 A.10.3).
type SupplierQuestionInput struct {
	Question   string          `json:"question" maxLength:"1000" doc:"Unique in the questionnaire, any case"`
	AnswerType aims.AnswerType `json:"answer_type" enum:"yes_no,scale,text" doc:"yes_no: yes scores the weight; scale: 1 to 5, 5 scores the weight; text: never scored"`
	Weight     int             `json:"weight" minimum:"0" maximum:"100" doc:"The question's share of the score"`
	Guidance   string          `json:"guidance,omitempty" maxLength:"5000" doc:"What a good answer looks like"`
}

type supplierQuestionList struct {
	PageParams
	Q string `query:"q" doc:"Part of the question, any case"`
}

func (h *Handlers) registerSupplierQuestions(api huma.API) {
	crud[aims.SupplierQuestion, supplierQuestionList, SupplierQuestionInput, aims.SupplierQuestionUpdate]{
		tag: "Suppliers", path: "/supplier-questions", noun: "supplier-question", plural: "supplier-questions", a: "a",
		list: func(ctx context.Context, in *supplierQuestionList) ([]*aims.SupplierQuestion, int, error) {
			return h.svc.FindSupplierQuestions(ctx, aims.SupplierQuestionFilter{Search: in.Q, Page: in.page()})
		},
		create: func(ctx context.Context, b SupplierQuestionInput) (*aims.SupplierQuestion, error) {
			return created(ctx, &aims.SupplierQuestion{Question: b.Question, AnswerType: b.AnswerType, Weight: b.Weight,
				Guidance: b.Guidance}, h.svc.CreateSupplierQuestion)
		},
		get: h.svc.FindSupplierQuestionByID, update: h.svc.UpdateSupplierQuestion, delete: h.svc.DeleteSupplierQuestion,
	}.register(api)
}
