package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// supplierQuestions is the organization's supplier due-diligence
// questionnaire (ISO/IEC 42001 A.10.3).
var supplierQuestions = register[aims.SupplierQuestion, *aims.SupplierQuestion, aims.SupplierQuestionFilter, aims.SupplierQuestionUpdate]{
	plural: "supplier questions",
	list:   store.FindSupplierQuestions, find: store.FindSupplierQuestionByID,
	create: store.CreateSupplierQuestion, update: store.UpdateSupplierQuestion, delete: store.DeleteSupplierQuestion,
}

// FindSupplierQuestions lists the questionnaire, heaviest first.
func (s *Service) FindSupplierQuestions(ctx context.Context, f aims.SupplierQuestionFilter) ([]*aims.SupplierQuestion, int, error) {
	return supplierQuestions.findAll(ctx, s, f)
}

// FindSupplierQuestionByID returns one question.
func (s *Service) FindSupplierQuestionByID(ctx context.Context, id string) (*aims.SupplierQuestion, error) {
	return supplierQuestions.findByID(ctx, s, id)
}

// CreateSupplierQuestion adds a question to the questionnaire.
func (s *Service) CreateSupplierQuestion(ctx context.Context, in *aims.SupplierQuestion) error {
	return supplierQuestions.add(ctx, s, in)
}

// UpdateSupplierQuestion changes a question; suppliers' scores follow.
func (s *Service) UpdateSupplierQuestion(ctx context.Context, id string, upd aims.SupplierQuestionUpdate) (*aims.SupplierQuestion, error) {
	return supplierQuestions.change(ctx, s, id, upd)
}

// DeleteSupplierQuestion removes a question; answers to it no longer count.
func (s *Service) DeleteSupplierQuestion(ctx context.Context, id string) error {
	return supplierQuestions.remove(ctx, s, id)
}
