package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// The acceptance criteria of an AI system and its model versions (issue 17;
// ISO/IEC 42001 A.6.2.4): what the validation gate's metrics check holds
// each model version to.

// acceptanceView is the acceptance criteria page.
type acceptanceView struct {
	System   *aims.AISystem
	Criteria []aims.AcceptanceCriterion
	Versions []option // the system's model versions, for a criterion of one
	Datasets []option
	Form     aims.AcceptanceCriterion
	Value    string // the threshold as posted
	Errors   formErrors
}

// ComparisonOptions are the comparisons in words.
func (v acceptanceView) ComparisonOptions() []option {
	var out []option
	for _, c := range aims.CriterionOpValues() {
		out = append(out, option{Value: string(c), Label: comparisonWords(c), Selected: c == v.Form.Comparison})
	}
	return out
}

// VersionOptions offers every model version or one.
func (v acceptanceView) VersionOptions() []option {
	return choose(append([]option{{Value: "", Label: "Every model version of the system"}}, v.Versions...), v.Form.ModelVersionID)
}

// DatasetOptions offers any dataset or one.
func (v acceptanceView) DatasetOptions() []option {
	return choose(append([]option{{Value: "", Label: "Any dataset"}}, v.Datasets...), v.Form.DatasetID)
}

// VersionName names the model version a criterion holds for.
func (v acceptanceView) VersionName(id string) string {
	if id == "" {
		return "every model version"
	}
	for _, o := range v.Versions {
		if o.Value == id {
			return "model version " + o.Label
		}
	}
	return "one model version"
}

func comparisonWords(c aims.CriterionOp) string {
	switch c {
	case aims.CompareLE:
		return "at most"
	case aims.CompareLT:
		return "below"
	case aims.CompareGE:
		return "at least"
	case aims.CompareGT:
		return "above"
	}
	return "equal to"
}

func (ui *UI) acceptancePage(w http.ResponseWriter, r *http.Request) error {
	return ui.renderCriteria(w, r, http.StatusOK, aims.AcceptanceCriterion{Comparison: aims.CompareLE}, "", nil)
}

func (ui *UI) renderCriteria(w http.ResponseWriter, r *http.Request, status int, form aims.AcceptanceCriterion, value string, fe formErrors) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	v := acceptanceView{System: s, Form: form, Value: value, Errors: fe}
	if v.Criteria, err = ui.Svc.FindAcceptanceCriteria(ctx, s.ID); err != nil {
		return err
	}
	versions, _, err := ui.Svc.FindModelVersions(ctx, s.ID, aims.ModelVersionFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	for _, m := range versions {
		v.Versions = append(v.Versions, option{Value: m.ID, Label: m.Version})
	}
	datasets, _, err := ui.Svc.FindDatasets(ctx, aims.DatasetFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	for _, d := range datasets {
		v.Datasets = append(v.Datasets, option{Value: d.ID, Label: d.Name})
	}
	return render(w, r, status, AcceptanceCriteriaPage(ui.page(r, "Acceptance criteria of "+s.Name, "systems"), v))
}

func (ui *UI) criterionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	c := aims.AcceptanceCriterion{ModelVersionID: f.Get("model_version_id"), Metric: f.Get("metric"),
		Comparison: aims.CriterionOp(f.Get("comparison")), Unit: f.Get("unit"), DatasetID: f.Get("dataset_id")}
	value := strings.TrimSpace(f.Get("threshold"))
	n, perr := strconv.ParseFloat(value, 64)
	if perr != nil {
		return ui.renderCriteria(w, r, http.StatusUnprocessableEntity, c, value, formErrors{"threshold": "must be a number, e.g. 0.35"})
	}
	c.Threshold = n
	systemID := chi.URLParam(r, "id")
	err := ui.Svc.CreateAcceptanceCriterion(r.Context(), systemID, &c)
	if fe, ok := fieldErrors(err); ok {
		return ui.renderCriteria(w, r, errorStatus(err), c, value, fe)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Set the acceptance criterion "+c.Text()+".", "/systems/"+systemID+"/acceptance-criteria")
}

func (ui *UI) criterionDelete(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	systemID := chi.URLParam(r, "id")
	if err := ui.Svc.DeleteAcceptanceCriterion(r.Context(), systemID, chi.URLParam(r, "cid")); err != nil {
		return err
	}
	return ui.done(w, r, "Deleted the acceptance criterion.", "/systems/"+systemID+"/acceptance-criteria")
}
