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

func (ui *UI) registerSuppliers(r chi.Router) {
	crud[aims.Supplier]{
		path: "/suppliers", noun: "supplier", plural: "suppliers",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.Supplier, int, bool, error) {
			f := aims.SupplierFilter{Search: q.Get("q"), Supplies: aims.SupplyCategory(q.Get("supplies")), Page: page}
			list, total, err := ui.Svc.FindSuppliers(ctx, f)
			return list, total, f.Search != "" || f.Supplies != "", err
		},
		listPage: SupplierListPage,
		detail:   (*UI).supplierDetail,
		find:     ui.Svc.FindSupplierByID,
		key:      func(s *aims.Supplier) (string, string) { return s.ID, s.Name },
		blank:    func() *aims.Supplier { return &aims.Supplier{} },
		read:     readSupplier,
		create:   ui.Svc.CreateSupplier,
		update: func(ctx context.Context, s *aims.Supplier) error {
			last := aims.Date{}
			if s.LastReviewOn != nil {
				last = *s.LastReviewOn
			}
			_, err := ui.Svc.UpdateSupplier(ctx, s.ID, aims.SupplierUpdate{Name: &s.Name, Supplies: &s.Supplies,
				Contact: &s.Contact, Website: &s.Website, AssessmentNotes: &s.AssessmentNotes,
				Criticality: &s.Criticality, ReviewIntervalDays: &s.ReviewIntervalDays, LastReviewOn: &last,
				Commitments: &s.Commitments, Answers: &s.Answers, DiligenceEvidence: &s.DiligenceEvidence})
			return err
		},
		delete: ui.Svc.DeleteSupplier,
		form:   (*UI).supplierFormPage,
	}.routes(ui, r)
}

// readSupplier reads the supplier form: the commitments are posted in the
// order of their kinds, the answers one per question with its id.
func readSupplier(id string, f url.Values) (*aims.Supplier, error) {
	var v aims.Validation
	s := &aims.Supplier{ID: id, Name: f.Get("name"), Supplies: enumList[aims.SupplyCategory](f["supplies"]),
		Contact: f.Get("contact"), Website: f.Get("website"), AssessmentNotes: f.Get("assessment_notes"),
		Criticality: aims.SupplierCriticality(f.Get("criticality")), DiligenceEvidence: f.Get("diligence_evidence"),
		LastReviewOn: formDate(&v, f, "last_review_on")}
	if n := strings.TrimSpace(f.Get("review_interval_days")); n != "" {
		days, err := strconv.Atoi(n)
		if err != nil {
			v.Add("review_interval_days", "must be a whole number of days")
		}
		s.ReviewIntervalDays = days
	}
	for i, k := range aims.CommitmentKindValues() {
		p := "commitments/" + itoa(i) + "/"
		s.Commitments = append(s.Commitments, aims.SupplierCommitment{Kind: k, Present: f.Get(p+"present") == "true", Note: f.Get(p + "note")})
	}
	for i := 0; ; i++ {
		p := "answers/" + itoa(i) + "/"
		qid := f.Get(p + "question_id")
		if qid == "" {
			break
		}
		a := aims.SupplierAnswer{QuestionID: qid, Value: strings.TrimSpace(f.Get(p + "value")), Note: strings.TrimSpace(f.Get(p + "note"))}
		if a.Value != "" || a.Note != "" {
			s.Answers = append(s.Answers, a)
		}
	}
	return s, v.Err()
}

// supplierView is a supplier with what it supplies and the questionnaire
// its answers are to.
type supplierView struct {
	Supplier    *aims.Supplier
	Systems     []*aims.AISystem
	SystemTotal int
	Datasets    []*aims.Dataset
	DataTotal   int
	Questions   []*aims.SupplierQuestion
}

// supplierPreview is how many linked systems and datasets the supplier
// page lists before linking to the filtered list.
const supplierPreview = 20

func (ui *UI) supplierDetail(w http.ResponseWriter, r *http.Request, s *aims.Supplier) error {
	ctx := r.Context()
	v := supplierView{Supplier: s}
	var err error
	v.Systems, v.SystemTotal, err = ui.Svc.FindSystems(ctx, aims.SystemFilter{SupplierID: s.ID, Page: aims.Page{Limit: supplierPreview}})
	if err != nil {
		return err
	}
	v.Datasets, v.DataTotal, err = ui.Svc.FindDatasets(ctx, aims.DatasetFilter{SupplierID: s.ID, Page: aims.Page{Limit: supplierPreview}})
	if err != nil {
		return err
	}
	if v.Questions, _, err = ui.Svc.FindSupplierQuestions(ctx, aims.SupplierQuestionFilter{Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, SupplierPage(ui.page(r, s.Name, "suppliers"), v))
}

// supplierForm is the create and edit form of a supplier, with the
// questionnaire to answer.
type supplierForm struct {
	formState[aims.Supplier]
	Questions []*aims.SupplierQuestion
	// Interval and LastReview hold the values as typed, so that one that
	// could not be read is shown again as it was.
	Interval, LastReview string
}

func (ui *UI) supplierFormPage(r *http.Request, p Page, st formState[aims.Supplier]) (templ.Component, error) {
	f := supplierForm{formState: st}
	var err error
	if f.Questions, _, err = ui.Svc.FindSupplierQuestions(r.Context(), aims.SupplierQuestionFilter{Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
		return nil, err
	}
	if st.Posted != nil {
		f.Interval, f.LastReview = st.Posted.Get("review_interval_days"), st.Posted.Get("last_review_on")
	} else {
		f.LastReview = dateOf(st.Record.LastReviewOn)
		if st.Record.ReviewIntervalDays > 0 {
			f.Interval = itoa(st.Record.ReviewIntervalDays)
		}
	}
	f.Errors = answerErrors(st.Errors, st.Record.Answers, f.Questions)
	return SupplierFormPage(p, f), nil
}

// answerErrors moves the messages about the answers (the service names
// them by their place among the answers given) to the question they
// answer, where the form shows them.
func answerErrors(fe formErrors, answers []aims.SupplierAnswer, questions []*aims.SupplierQuestion) formErrors {
	if fe == nil {
		return nil
	}
	place := map[string]int{}
	for i, q := range questions {
		place[q.ID] = i
	}
	out := formErrors{}
	for k, msg := range fe {
		if rest, ok := strings.CutPrefix(k, "answers/"); ok {
			n, tail, _ := strings.Cut(rest, "/")
			if j, err := strconv.Atoi(n); err == nil && j < len(answers) {
				if i, ok := place[answers[j].QuestionID]; ok {
					k = "answers/" + itoa(i) + "/" + tail
				}
			}
		}
		out[k] = msg
	}
	return out
}

// Action is where the form posts.
func (f supplierForm) Action() string {
	if f.New {
		return "/suppliers/new"
	}
	return "/suppliers/" + f.Record.ID + "/edit"
}

// answerOptions are the choices of a scored question's answer.
func answerOptions(q *aims.SupplierQuestion, value string) []option {
	var vals []string
	switch q.AnswerType {
	case aims.AnswerYesNo:
		vals = []string{"yes", "no"}
	case aims.AnswerScale:
		vals = []string{"1", "2", "3", "4", "5"}
	}
	opts := []option{}
	for _, v := range vals {
		opts = append(opts, option{Value: v, Label: diligenceAnswer(q, v), Selected: v == value})
	}
	return withBlank("Not answered", opts)
}

// diligenceAnswer is an answer as people read it.
func diligenceAnswer(q *aims.SupplierQuestion, value string) string {
	switch {
	case value == "":
		return "Not answered"
	case q == nil:
		return value
	case q.AnswerType == aims.AnswerYesNo && value == "yes":
		return "Yes"
	case q.AnswerType == aims.AnswerYesNo && value == "no":
		return "No"
	case q.AnswerType == aims.AnswerScale:
		return value + " of 5"
	}
	return value
}

// scoreWords is a due-diligence result for people.
func scoreWords(d aims.DueDiligence) string {
	if d.Score == nil {
		if d.Questions == 0 {
			return "No questionnaire"
		}
		return "Not scored"
	}
	return itoa(*d.Score) + " of 100"
}

// reviewWords is a supplier's next review for people.
func reviewWords(s *aims.Supplier) string {
	if s.NextReviewOn == nil {
		return "No periodic review"
	}
	if s.ReviewOverdue {
		return "Overdue since " + s.NextReviewOn.String()
	}
	return s.NextReviewOn.String()
}
