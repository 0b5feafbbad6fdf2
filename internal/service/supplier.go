package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// suppliers is the supplier register (ISO/IEC 42001 A.10.3).
var suppliers = register[aims.Supplier, *aims.Supplier, aims.SupplierFilter, aims.SupplierUpdate]{
	plural: "suppliers",
	list:   store.FindSuppliers, find: store.FindSupplierByID,
	create: store.CreateSupplier, update: store.UpdateSupplier, delete: store.DeleteSupplier,
	checkFilter: func(f aims.SupplierFilter) error {
		if f.Supplies != "" && !f.Supplies.IsValid() {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown supply category", Fields: []aims.FieldError{{Field: "supplies", Detail: "is not a known supply category"}}}
		}
		return nil
	},
	checkRefs: checkSupplierAnswers,
	describe:  describeSuppliers,
}

// checkSupplierAnswers checks that each answer names a question of the
// organization's questionnaire and fits its answer type.
func checkSupplierAnswers(ctx context.Context, q store.Querier, scope aims.Scope, sp *aims.Supplier) error {
	if len(sp.Answers) == 0 {
		return nil
	}
	questions, err := store.ListSupplierQuestions(ctx, q, scope)
	if err != nil {
		return err
	}
	byID := map[string]*aims.SupplierQuestion{}
	for _, qu := range questions {
		byID[qu.ID] = qu
	}
	var v aims.Validation
	for i, a := range sp.Answers {
		f := "answers/" + itoa(i)
		qu := byID[a.QuestionID]
		if qu == nil {
			v.Add(f+"/question_id", "is not a question of the organization's due-diligence questionnaire")
			continue
		}
		if msg := qu.AnswerType.CheckAnswer(a.Value); msg != "" && a.Value != "" {
			v.Add(f+"/value", "%s", msg)
		}
	}
	return v.Err()
}

// describeSuppliers sets each supplier's next review date, whether it is
// overdue, and its due-diligence score against the questionnaire.
func describeSuppliers(ctx context.Context, s *Service, q store.Querier, scope aims.Scope, list ...*aims.Supplier) error {
	questions, err := store.ListSupplierQuestions(ctx, q, scope)
	if err != nil {
		return err
	}
	today := s.today()
	for _, sp := range list {
		sp.DescribeReview(today)
		sp.DueDiligence = rules.DueDiligenceScore(questions, sp.Answers)
	}
	return nil
}

// FindSuppliers lists the suppliers of the caller's organization.
func (s *Service) FindSuppliers(ctx context.Context, f aims.SupplierFilter) ([]*aims.Supplier, int, error) {
	return suppliers.findAll(ctx, s, f)
}

// FindSupplierByID returns one supplier with how many AI systems it supplies.
func (s *Service) FindSupplierByID(ctx context.Context, id string) (*aims.Supplier, error) {
	return suppliers.findByID(ctx, s, id)
}

// CreateSupplier adds a supplier.
func (s *Service) CreateSupplier(ctx context.Context, in *aims.Supplier) error {
	return suppliers.add(ctx, s, in)
}

// UpdateSupplier changes a supplier.
func (s *Service) UpdateSupplier(ctx context.Context, id string, upd aims.SupplierUpdate) (*aims.Supplier, error) {
	return suppliers.change(ctx, s, id, upd)
}

// DeleteSupplier removes a supplier that no AI system or dataset names.
func (s *Service) DeleteSupplier(ctx context.Context, id string) error {
	return suppliers.remove(ctx, s, id)
}
