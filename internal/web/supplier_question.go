package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

func (ui *UI) registerSupplierQuestions(r chi.Router) {
	crud[aims.SupplierQuestion]{
		path: "/supplier-questions", noun: "question", plural: "supplier questions",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.SupplierQuestion, int, bool, error) {
			f := aims.SupplierQuestionFilter{Search: q.Get("q"), Page: page}
			list, total, err := ui.Svc.FindSupplierQuestions(ctx, f)
			return list, total, f.Search != "", err
		},
		listPage: SupplierQuestionListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, q *aims.SupplierQuestion) error {
			return render(w, r, http.StatusOK, SupplierQuestionPage(ui.page(r, "Due-diligence question", "supplier questions"), q))
		},
		find:  ui.Svc.FindSupplierQuestionByID,
		key:   func(q *aims.SupplierQuestion) (string, string) { return q.ID, q.Question },
		blank: func() *aims.SupplierQuestion { return &aims.SupplierQuestion{AnswerType: aims.AnswerYesNo, Weight: 10} },
		read: func(id string, f url.Values) (*aims.SupplierQuestion, error) {
			q := &aims.SupplierQuestion{ID: id, Question: f.Get("question"), AnswerType: aims.AnswerType(f.Get("answer_type")),
				Guidance: f.Get("guidance")}
			var v aims.Validation
			if w := strings.TrimSpace(f.Get("weight")); w != "" {
				n, err := strconv.Atoi(w)
				if err != nil {
					v.Add("weight", "must be a whole number from 0 to 100")
				}
				q.Weight = n
			}
			return q, v.Err()
		},
		create: ui.Svc.CreateSupplierQuestion,
		update: func(ctx context.Context, q *aims.SupplierQuestion) error {
			_, err := ui.Svc.UpdateSupplierQuestion(ctx, q.ID, aims.SupplierQuestionUpdate{Question: &q.Question,
				AnswerType: &q.AnswerType, Weight: &q.Weight, Guidance: &q.Guidance})
			return err
		},
		delete: ui.Svc.DeleteSupplierQuestion,
		form: func(_ *UI, _ *http.Request, p Page, f formState[aims.SupplierQuestion]) (templ.Component, error) {
			return SupplierQuestionFormPage(p, supplierQuestionForm(f)), nil
		},
	}.routes(ui, r)
}

// supplierQuestionForm is the create and edit form of a question.
type supplierQuestionForm formState[aims.SupplierQuestion]

// Action is where the form posts.
func (f supplierQuestionForm) Action() string {
	if f.New {
		return "/supplier-questions/new"
	}
	return "/supplier-questions/" + f.Record.ID + "/edit"
}

// Weight is the weight as the form shows it.
func (f supplierQuestionForm) Weight() string {
	if f.Posted != nil {
		return f.Posted.Get("weight")
	}
	return itoa(f.Record.Weight)
}
