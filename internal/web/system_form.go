package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// systemForm is the create and edit form of an AI system.
type systemForm struct {
	System    *aims.AISystem
	New       bool
	Owners    []option
	Suppliers []option
	Errors    formErrors
}

// Action is where the form posts.
func (f systemForm) Action() string {
	if f.New {
		return "/systems/new"
	}
	return "/systems/" + f.System.ID + "/edit"
}

// systemFromForm reads the form into a system. The form carries every
// field, so an edit replaces them all.
func systemFromForm(f url.Values) *aims.AISystem {
	return &aims.AISystem{
		Name: f.Get("name"), Purpose: f.Get("purpose"), Description: f.Get("description"), OwnerID: f.Get("owner_id"),
		BusinessUnit: f.Get("business_unit"), Site: f.Get("site"),
		OperatorRoles:  enumList[aims.OperatorRole](f["operator_roles"]),
		LifecycleStage: aims.LifecycleStage(f.Get("lifecycle_stage")), Autonomy: aims.Autonomy(f.Get("autonomy")),
		ImpactDomains: enumList[aims.ImpactDomain](f["impact_domains"]), Techniques: splitList(f.Get("techniques")),
		SupplierID: f.Get("supplier_id"), InScope: f.Get("in_scope") == "true", ScopeJustification: f.Get("scope_justification"),
		Tags: splitList(f.Get("tags")),
	}
}

// systemUpdate sets every field of the update from s but the stage: a
// stage is moved by its act (system_stage.go), not by an edit.
func systemUpdate(s *aims.AISystem) aims.SystemUpdate {
	return aims.SystemUpdate{Name: &s.Name, Purpose: &s.Purpose, Description: &s.Description, OwnerID: &s.OwnerID,
		BusinessUnit: &s.BusinessUnit, Site: &s.Site, OperatorRoles: &s.OperatorRoles,
		Autonomy: &s.Autonomy, ImpactDomains: &s.ImpactDomains, Techniques: &s.Techniques, SupplierID: &s.SupplierID,
		InScope: &s.InScope, ScopeJustification: &s.ScopeJustification, Tags: &s.Tags}
}

// renderSystemForm fills the selects and draws the form.
func (ui *UI) renderSystemForm(w http.ResponseWriter, r *http.Request, status int, f systemForm) error {
	p := ui.page(r, "Register an AI system", "systems")
	if !f.New {
		p.Title = "Edit " + f.System.Name
	}
	var err error
	if f.Owners, err = ui.memberOptions(r, f.System.OwnerID, false); err != nil {
		return err
	}
	if f.New && !p.Can(authz.Edit) {
		// A system owner registers systems they own themselves; offering
		// others would only earn a refusal.
		f.Owners = ownOption(f.Owners, p.Principal.UserID)
	}
	if f.Suppliers, err = ui.supplierOptions(r, f.System.SupplierID); err != nil {
		return err
	}
	return render(w, r, status, SystemFormPage(p, f))
}

func ownOption(opts []option, userID string) []option {
	for _, o := range opts {
		if o.Value == userID {
			o.Selected = true
			return []option{o}
		}
	}
	return nil
}

func (ui *UI) systemNew(w http.ResponseWriter, r *http.Request) error {
	p := viewer(r)
	if err := ui.allowed(r, p.CanEditSystem(p.Principal.UserID), "register AI systems"); err != nil {
		return err
	}
	s := &aims.AISystem{OwnerID: p.Principal.UserID, LifecycleStage: aims.StageIdea, Autonomy: aims.AutonomyAdvisory, InScope: true}
	return ui.renderSystemForm(w, r, http.StatusOK, systemForm{System: s, New: true})
}

// systemSave registers a system (/systems/new) or saves an edit
// (/systems/{id}/edit).
func (ui *UI) systemSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	s := systemFromForm(r.PostForm)
	s.ID = chi.URLParam(r, "id")
	isNew := s.ID == ""
	var err error
	if isNew {
		err = ui.Svc.CreateSystem(r.Context(), s)
	} else {
		_, err = ui.Svc.UpdateSystem(r.Context(), s.ID, systemUpdate(s))
	}
	if fe, ok := fieldErrors(err); ok {
		if !isNew {
			if cur, cerr := ui.Svc.FindSystemByID(r.Context(), s.ID); cerr == nil {
				s.LifecycleStage = cur.LifecycleStage // the edit form shows it as text
			}
		}
		return ui.renderSystemForm(w, r, errorStatus(err), systemForm{System: s, New: isNew, Errors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved AI system “"+strings.TrimSpace(s.Name)+"”.", "/systems/"+s.ID)
}

func (ui *UI) systemEdit(w http.ResponseWriter, r *http.Request) error {
	s, err := ui.Svc.FindSystemByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).CanEditSystem(s.OwnerID), "change this AI system"); err != nil {
		return err
	}
	return ui.renderSystemForm(w, r, http.StatusOK, systemForm{System: s})
}
