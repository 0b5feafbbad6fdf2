package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// impactView is what the impact assessment pages show.
type impactView struct {
	System      *aims.AISystem
	Assessment  *aims.ImpactAssessment
	Versions    []*aims.ImpactAssessment
	CanEdit     bool // may change the system, so may write the draft
	IsOwner     bool // may sign off
	Editing     bool // the draft's form is shown
	Errors      formErrors
	CanStartNew bool
}

func impactURL(systemID, id string) string {
	return "/systems/" + systemID + "/impact-assessments/" + id
}

func (ui *UI) impactView(r *http.Request) (*impactView, error) {
	ctx := r.Context()
	sys, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	versions, err := ui.Svc.FindImpactAssessments(ctx, sys.ID)
	if err != nil {
		return nil, err
	}
	p := viewer(r)
	v := &impactView{System: sys, Versions: versions, CanEdit: p.CanEditSystem(sys.OwnerID), IsOwner: p.Principal.UserID == sys.OwnerID}
	v.CanStartNew = v.CanEdit && (len(versions) == 0 || versions[0].Status != aims.AssessmentDraft)
	if aid := chi.URLParam(r, "aid"); aid != "" {
		if v.Assessment, err = ui.Svc.FindImpactAssessment(ctx, sys.ID, aid); err != nil {
			return nil, err
		}
		v.Editing = v.CanEdit && v.Assessment.Status == aims.AssessmentDraft
	}
	return v, nil
}

func (ui *UI) impactList(w http.ResponseWriter, r *http.Request) error {
	v, err := ui.impactView(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, ImpactListPage(ui.page(r, "Impact assessment of "+v.System.Name, "systems"), v))
}

func (ui *UI) impactStart(w http.ResponseWriter, r *http.Request) error {
	a, err := ui.Svc.StartImpactAssessment(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.done(w, r, "Version "+strconv.Itoa(a.Version)+" is a new draft.", impactURL(a.SystemID, a.ID))
}

func (ui *UI) impactPage(w http.ResponseWriter, r *http.Request) error {
	v, err := ui.impactView(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, ImpactPage(ui.page(r, "Impact assessment of "+v.System.Name, "systems"), v))
}

// impactFromForm reads the draft's form; it carries every field.
func impactFromForm(f url.Values) aims.ImpactAssessmentUpdate {
	intended, misuse, affected, conclusion := f.Get("intended_use"), f.Get("foreseeable_misuse"), f.Get("affected_description"), f.Get("conclusion")
	parties := enumList[aims.AffectedParty](f["affected_parties"])
	var areas []aims.ImpactAreaAssessment
	for _, a := range aims.ImpactAreaValues() {
		p := "areas/" + string(a) + "/"
		sev, _ := strconv.Atoi(f.Get(p + "severity"))
		lik, _ := strconv.Atoi(f.Get(p + "likelihood"))
		areas = append(areas, aims.ImpactAreaAssessment{Area: a, NotApplicable: f.Get(p+"not_applicable") == "true", Severity: sev,
			Likelihood: lik, People: f.Get(p + "people_affected"), Mitigations: f.Get(p + "mitigations"),
			Residual: aims.ImpactLevel(f.Get(p + "residual_impact")), Notes: f.Get(p + "notes")})
	}
	return aims.ImpactAssessmentUpdate{IntendedUse: &intended, ForeseeableMisuse: &misuse, AffectedParties: &parties,
		AffectedDescription: &affected, Areas: &areas, Conclusion: &conclusion}
}

// impactSave saves the draft, and signs it off when asked to.
func (ui *UI) impactSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	systemID, id := chi.URLParam(r, "id"), chi.URLParam(r, "aid")
	upd := impactFromForm(r.PostForm)
	_, err := ui.Svc.UpdateImpactAssessment(r.Context(), systemID, id, upd)
	msg := "Saved the draft."
	if err == nil && r.PostForm.Get("do") == "sign-off" {
		_, err = ui.Svc.SignOffImpactAssessment(r.Context(), systemID, id)
		msg = "Signed off the impact assessment."
	}
	if err != nil {
		return ui.impactRefused(w, r, err, &upd)
	}
	return ui.done(w, r, msg, impactURL(systemID, id))
}

// impactRefused draws the page again with the refusal next to the fields,
// keeping what the person entered.
func (ui *UI) impactRefused(w http.ResponseWriter, r *http.Request, err error, entered *aims.ImpactAssessmentUpdate) error {
	fe, ok := fieldErrors(err)
	if !ok {
		if k := aims.KindOf(err); k != aims.KindForbidden {
			return err
		}
		fe = formErrors{"_": messageWords(err.(*aims.Error).Message)}
	}
	v, verr := ui.impactView(r)
	if verr != nil {
		return verr
	}
	if entered != nil && v.Editing {
		a := entered.Apply(*v.Assessment)
		v.Assessment = &a
	}
	v.Errors = fe
	return render(w, r, errorStatus(err), ImpactPage(ui.page(r, "Impact assessment of "+v.System.Name, "systems"), v))
}

func (ui *UI) impactSignOff(w http.ResponseWriter, r *http.Request) error {
	systemID, id := chi.URLParam(r, "id"), chi.URLParam(r, "aid")
	if _, err := ui.Svc.SignOffImpactAssessment(r.Context(), systemID, id); err != nil {
		return ui.impactRefused(w, r, err, nil)
	}
	return ui.done(w, r, "Signed off the impact assessment.", impactURL(systemID, id))
}

func (ui *UI) impactRaise(w http.ResponseWriter, r *http.Request) error {
	systemID, id := chi.URLParam(r, "id"), chi.URLParam(r, "aid")
	risk, err := ui.Svc.RaiseRiskFromImpact(r.Context(), systemID, id, aims.ImpactArea(chi.URLParam(r, "area")))
	if err != nil {
		return ui.impactRefused(w, r, err, nil)
	}
	return ui.done(w, r, "Raised "+risk.Ref()+": assess its treatment.", "/risks/"+risk.ID)
}

// areaField is the form name of an area's field.
func areaField(a aims.ImpactArea, f string) string { return "areas/" + string(a) + "/" + f }

// impactScale lists a five-step impact scale for a select.
func impactScale(name func(int) string, selected int) []option {
	out := []option{{Value: "0", Label: "Not assessed", Selected: selected == 0}}
	for n := 1; n <= 5; n++ {
		out = append(out, option{Value: strconv.Itoa(n), Label: strconv.Itoa(n) + " " + name(n), Selected: n == selected})
	}
	return out
}

// residualOptions lists the residual impact levels for a select.
func residualOptions(selected aims.ImpactLevel) []option {
	return withBlank("Not assessed", enumOptions(aims.ImpactLevelValues(), aims.ImpactLevel.Title, selected))
}

// residualClass is the badge of a residual impact level.
func residualClass(l aims.ImpactLevel) string {
	switch l {
	case aims.ResidualHigh:
		return "badge heat-3"
	case aims.ResidualMedium:
		return "badge heat-2"
	case aims.ResidualLow:
		return "badge heat-1"
	case aims.ResidualNone:
		return "badge heat-0"
	}
	return "badge"
}
