package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/rules"
)

// riskView is what the risk page shows.
type riskView struct {
	Risk     *aims.Risk
	Criteria *aims.RiskCriteria
	CanEdit  bool
	// MayAccept says whether the acceptance form is offered; the service
	// decides again when it is posted.
	MayAccept    rules.AcceptanceDecision
	Owners       []option
	Action       *aims.TreatmentAction // the add-action form's values
	ActionErrors formErrors
	AcceptErrors formErrors
	Rationale    string
}

// controlTitle is an Annex A control's title.
func controlTitle(id string) string {
	if r, ok := catalog.Builtin().Requirement(aims.Ref{Framework: catalog.ISO42001, ID: id}); ok {
		return r.Title
	}
	return ""
}

func (ui *UI) riskView(r *http.Request) (*riskView, error) {
	ctx := r.Context()
	risk, err := ui.Svc.FindRiskByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	c, err := ui.Svc.RiskCriteria(ctx)
	if err != nil {
		return nil, err
	}
	p := viewer(r)
	v := &riskView{Risk: risk, Criteria: c, CanEdit: p.Can(authz.Edit), Action: &aims.TreatmentAction{}}
	if risk.SystemID != "" && !v.CanEdit {
		sys, err := ui.Svc.FindSystemByID(ctx, risk.SystemID)
		if err != nil {
			return nil, err
		}
		v.CanEdit = p.CanEditSystem(sys.OwnerID)
	}
	v.MayAccept = rules.MayAccept(c, risk.Current(), rules.Acceptor{Role: p.Principal.Role, IsRiskOwner: p.Principal.UserID == risk.OwnerID})
	if v.Owners, err = ui.memberOptions(r, risk.OwnerID, false); err != nil {
		return nil, err
	}
	return v, nil
}

func (ui *UI) riskDetail(w http.ResponseWriter, r *http.Request) error {
	v, err := ui.riskView(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, RiskPage(ui.page(r, v.Risk.Ref()+" "+v.Risk.Title, "risks"), v))
}

// riskRefused draws the risk page again with a refusal next to the form
// that caused it.
func (ui *UI) riskRefused(w http.ResponseWriter, r *http.Request, err error, set func(v *riskView, fe formErrors)) error {
	fe, ok := fieldErrors(err)
	if !ok {
		switch aims.KindOf(err) {
		case aims.KindForbidden, aims.KindConflict:
			fe = formErrors{"_": messageWords(err.(*aims.Error).Message)}
		default:
			return err
		}
	}
	v, verr := ui.riskView(r)
	if verr != nil {
		return verr
	}
	set(v, fe)
	return render(w, r, errorStatus(err), RiskPage(ui.page(r, v.Risk.Ref()+" "+v.Risk.Title, "risks"), v))
}

func (ui *UI) riskAccept(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id, rationale := chi.URLParam(r, "id"), r.PostForm.Get("rationale")
	risk, err := ui.Svc.AcceptRisk(r.Context(), id, rationale)
	if err != nil {
		return ui.riskRefused(w, r, err, func(v *riskView, fe formErrors) { v.AcceptErrors, v.Rationale = fe, rationale })
	}
	return ui.done(w, r, risk.Ref()+" is accepted at level "+risk.Acceptance.Level+".", "/risks/"+id)
}

func (ui *UI) riskActionAdd(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	var v aims.Validation
	a := &aims.TreatmentAction{Title: r.PostForm.Get("title"), OwnerID: r.PostForm.Get("owner_id"), DueDate: formDate(&v, r.PostForm, "due_date")}
	err := v.Err()
	if err == nil {
		err = ui.Svc.CreateRiskAction(r.Context(), id, a)
	}
	if err != nil {
		return ui.riskRefused(w, r, err, func(v *riskView, fe formErrors) { v.ActionErrors, v.Action = fe, a })
	}
	return ui.done(w, r, "Added the action “"+a.Title+"”.", "/risks/"+id+"#actions")
}

func (ui *UI) riskActionStatus(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	status := aims.ActionStatus(r.PostForm.Get("status"))
	a, err := ui.Svc.UpdateRiskAction(r.Context(), id, chi.URLParam(r, "action_id"), aims.TreatmentActionUpdate{Status: &status})
	if err != nil {
		return ui.riskRefused(w, r, err, func(v *riskView, fe formErrors) { v.ActionErrors = fe })
	}
	return ui.done(w, r, "“"+a.Title+"” is "+a.Status.Title()+".", "/risks/"+id+"#actions")
}

func (ui *UI) riskActionDelete(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	if err := ui.Svc.DeleteRiskAction(r.Context(), id, chi.URLParam(r, "action_id")); err != nil {
		return err
	}
	return ui.done(w, r, "Deleted the action.", "/risks/"+id+"#actions")
}

func riskDeletion(risk *aims.Risk) deletion {
	return deletion{What: "risk", Name: risk.Ref() + " " + risk.Title, Action: "/risks/" + risk.ID + "/delete", Cancel: "/risks/" + risk.ID}
}

func (ui *UI) riskDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	v, err := ui.riskView(r)
	if err != nil {
		return err
	}
	if err := ui.allowed(r, v.CanEdit, "delete this risk"); err != nil {
		return err
	}
	return ui.confirmDelete(w, r, riskDeletion(v.Risk))
}

func (ui *UI) riskDelete(w http.ResponseWriter, r *http.Request) error {
	risk, err := ui.Svc.FindRiskByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, riskDeletion(risk), func() error { return ui.Svc.DeleteRisk(r.Context(), risk.ID) }, "/risks")
}
