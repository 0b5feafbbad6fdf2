package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// evidenceRequirementForm is the form that says which evidence shows a
// control (ISO/IEC 42001 7.5, 9.1), for an AIMS manager.
type evidenceRequirementForm struct {
	In      aims.EvidenceRequirement
	MaxAge  string
	Back    string // the requirement's page
	Systems []option
	Lives   []option
	Errors  formErrors
}

func (ui *UI) registerEvidenceRequirements(r chi.Router) {
	r.Get("/evidence-requirements/new", ui.handle(ui.evidenceRequirementNew))
	r.Post("/evidence-requirements/new", ui.handle(ui.evidenceRequirementCreate))
	r.Post("/evidence-requirements/{id}/delete", ui.handle(ui.evidenceRequirementDelete))
}

// requirementPage is the page of control ref, or the SoA when ref names none.
func requirementPage(ref string) string {
	if p, ok := aims.ParseRef(ref); ok {
		return reqURL(p.Framework, p.ID)
	}
	return "/soa"
}

func (ui *UI) renderEvidenceRequirementForm(w http.ResponseWriter, r *http.Request, status int, f evidenceRequirementForm) error {
	var err error
	if f.Systems, err = ui.systemOptions(r, f.In.SystemID); err != nil {
		return err
	}
	f.Systems = withBlank("Every AI system (the control as a whole)", f.Systems)
	f.Lives = withBlank("None: uploaded files or links", enumOptions(aims.LiveSetValues(), aims.LiveSet.Title, f.In.Live))
	f.Back = requirementPage(f.In.Requirement)
	return render(w, r, status, EvidenceRequirementFormPage(ui.page(r, "Expect evidence for "+f.In.Requirement, "soa"), f))
}

func (ui *UI) evidenceRequirementNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "set the evidence a control needs"); err != nil {
		return err
	}
	return ui.renderEvidenceRequirementForm(w, r, http.StatusOK, evidenceRequirementForm{
		In: aims.EvidenceRequirement{Requirement: r.URL.Query().Get("requirement")}, MaxAge: "0"})
}

func (ui *UI) evidenceRequirementCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	in := aims.EvidenceRequirement{Requirement: f.Get("requirement"), SystemID: f.Get("system_id"),
		Kind: strings.TrimSpace(f.Get("kind")), Live: aims.LiveSet(f.Get("live"))}
	var val aims.Validation
	maxAge := strings.TrimSpace(f.Get("max_age_days"))
	if maxAge != "" {
		in.MaxAgeDays = formInt(&val, f, "max_age_days")
	}
	err := val.Err()
	if err == nil {
		err = ui.Svc.CreateEvidenceRequirement(r.Context(), &in)
	}
	if fe, ok := fieldErrors(err); ok {
		return ui.renderEvidenceRequirementForm(w, r, errorStatus(err), evidenceRequirementForm{In: in, MaxAge: maxAge, Errors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Evidence is now expected for "+in.Requirement+".", requirementPage(in.Requirement)+"#control-evidence")
}

func (ui *UI) evidenceRequirementDelete(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ref := r.PostForm.Get("requirement")
	if err := ui.Svc.DeleteEvidenceRequirement(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	return ui.done(w, r, "That evidence is no longer expected.", requirementPage(ref)+"#control-evidence")
}

// newEvidenceRequirementURL is the form adding an expectation to control ref.
func newEvidenceRequirementURL(ref string) string {
	return "/evidence-requirements/new?requirement=" + url.QueryEscape(ref)
}
