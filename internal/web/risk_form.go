package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
)

// riskForm is the add and edit form of a risk.
type riskForm struct {
	Risk     *aims.Risk
	New      bool
	Criteria *aims.RiskCriteria
	Systems  []option
	Owners   []option
	Errors   formErrors
}

// Action is where the form posts.
func (f riskForm) Action() string {
	if f.New {
		return "/risks/new"
	}
	return "/risks/" + f.Risk.ID + "/edit"
}

// sourceValue is the source as the form's select names it.
func sourceValue(s aims.RiskSource) string {
	if s.Kind == aims.SourceCustom || s.Kind == "" {
		return string(s.Kind)
	}
	return string(s.Kind) + ":" + s.ID
}

// optionGroup is a labelled group of a select's options.
type optionGroup struct {
	Label   string
	Options []option
}

// sourceGroups lists the risk sources of the catalogs: ISO/IEC 42001 Annex
// C.3 and NIST AI 600-1.
func sourceGroups(selected string) []optionGroup {
	group := func(label string, kind aims.RiskSourceKind, fw, reqKind string) optionGroup {
		g := optionGroup{Label: label}
		f, _ := catalog.Builtin().Framework(fw)
		for _, r := range f.Requirements {
			if r.Kind == reqKind {
				v := string(kind) + ":" + r.ID
				g.Options = append(g.Options, option{Value: v, Label: r.ID + " " + r.Title, Selected: v == selected})
			}
		}
		return g
	}
	return []optionGroup{
		group("ISO/IEC 42001 Annex C.3: sources of AI risk", aims.SourceAnnexC, catalog.ISO42001, "risk-source"),
		group("NIST AI 600-1: generative-AI risks", aims.SourceNISTGAI, catalog.NISTAIRMF, "gai-risk"),
	}
}

// controlOptions lists the Annex A controls, ticking those given.
func controlOptions(selected []string) []option {
	iso, _ := catalog.Builtin().Framework(catalog.ISO42001)
	var out []option
	for _, c := range catalog.Builtin().SoAControls(iso) {
		out = append(out, option{Value: c.ID, Label: c.ID + " " + c.Title, Selected: contains(selected, c.ID)})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scaleOptions lists a scale's steps for a select.
func scaleOptions(scale []aims.ScaleLevel, selected int, blank string) []option {
	var out []option
	if blank != "" {
		out = append(out, option{Value: "", Label: blank, Selected: selected == 0})
	}
	for _, s := range scale {
		out = append(out, option{Value: strconv.Itoa(s.Value), Label: strconv.Itoa(s.Value) + " " + s.Name, Selected: s.Value == selected})
	}
	return out
}

// riskFromForm reads the form into a risk; it carries every field.
func riskFromForm(f url.Values) (*aims.Risk, formErrors) {
	var v aims.Validation
	num := func(name string) int {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add(name, "must be a number")
		}
		return n
	}
	r := &aims.Risk{SystemID: f.Get("system_id"), Title: f.Get("title"), Description: f.Get("description"),
		Characteristics: enumList[aims.Characteristic](f["characteristics"]), LifecycleStage: aims.LifecycleStage(f.Get("lifecycle_stage")),
		OwnerID: f.Get("owner_id"), Likelihood: num("inherent_likelihood"), Consequence: num("inherent_consequence"),
		Treatment: aims.TreatmentOption(f.Get("treatment")), TreatmentPlan: f.Get("treatment_plan"), Controls: f["controls"],
		ResidualLikelihood: num("residual_likelihood"), ResidualConsequence: num("residual_consequence"),
		Status: aims.RiskStatus(f.Get("status")), NextReview: formDate(&v, f, "next_review")}
	kind, id, _ := strings.Cut(f.Get("source"), ":")
	r.Source = aims.RiskSource{Kind: aims.RiskSourceKind(kind), ID: id, Text: f.Get("source_text")}
	if r.Controls == nil {
		r.Controls = []string{}
	}
	fe, _ := fieldErrors(v.Err())
	return r, fe
}

// riskUpdate sets every field of the update from r.
func riskUpdate(r *aims.Risk) aims.RiskUpdate {
	review := aims.Date{}
	if r.NextReview != nil {
		review = *r.NextReview
	}
	return aims.RiskUpdate{SystemID: &r.SystemID, Title: &r.Title, Description: &r.Description, Source: &r.Source,
		Characteristics: &r.Characteristics, LifecycleStage: &r.LifecycleStage, OwnerID: &r.OwnerID, Likelihood: &r.Likelihood,
		Consequence: &r.Consequence, Treatment: &r.Treatment, TreatmentPlan: &r.TreatmentPlan, Controls: &r.Controls,
		ResidualLikelihood: &r.ResidualLikelihood, ResidualConsequence: &r.ResidualConsequence, Status: &r.Status, NextReview: &review}
}

func (ui *UI) renderRiskForm(w http.ResponseWriter, r *http.Request, status int, f riskForm) error {
	p := ui.page(r, "Add a risk", "risks")
	if !f.New {
		p.Title = "Edit " + f.Risk.Ref()
	}
	var err error
	if f.Criteria, err = ui.Svc.RiskCriteria(r.Context()); err != nil {
		return err
	}
	if f.Systems, err = ui.systemOptions(r, f.Risk.SystemID); err != nil {
		return err
	}
	if f.Owners, err = ui.memberOptions(r, f.Risk.OwnerID, false); err != nil {
		return err
	}
	return render(w, r, status, RiskFormPage(p, f))
}

func (ui *UI) riskNew(w http.ResponseWriter, r *http.Request) error {
	p := viewer(r)
	if err := ui.allowed(r, p.Can(authz.Edit) || p.Can(authz.EditOwned), "add risks"); err != nil {
		return err
	}
	in := &aims.Risk{SystemID: r.URL.Query().Get("system_id"), OwnerID: p.Principal.UserID, Status: aims.RiskOpen,
		Source: aims.RiskSource{Kind: aims.SourceAnnexC}}
	return ui.renderRiskForm(w, r, http.StatusOK, riskForm{Risk: in, New: true})
}

func (ui *UI) riskEdit(w http.ResponseWriter, r *http.Request) error {
	risk, err := ui.Svc.FindRiskByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.renderRiskForm(w, r, http.StatusOK, riskForm{Risk: risk})
}

// riskSave adds a risk (/risks/new) or saves an edit (/risks/{id}/edit).
func (ui *UI) riskSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	in, fe := riskFromForm(r.PostForm)
	in.ID = chi.URLParam(r, "id")
	isNew := in.ID == ""
	var err error
	if fe == nil {
		if isNew {
			err = ui.Svc.CreateRisk(r.Context(), in)
		} else {
			_, err = ui.Svc.UpdateRisk(r.Context(), in.ID, riskUpdate(in))
		}
		fe, _ = fieldErrors(err)
	}
	if fe != nil {
		if !isNew {
			before, ferr := ui.Svc.FindRiskByID(r.Context(), in.ID)
			if ferr != nil {
				return ferr
			}
			in.Number, in.Acceptance = before.Number, before.Acceptance
		}
		status := http.StatusUnprocessableEntity
		if err != nil {
			status = errorStatus(err)
		}
		return ui.renderRiskForm(w, r, status, riskForm{Risk: in, New: isNew, Errors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved risk “"+strings.TrimSpace(in.Title)+"”.", "/risks/"+in.ID)
}
