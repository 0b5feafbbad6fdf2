package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// governanceSettingsView is the admin's form for the organization's
// approval policy and evidence window.
type governanceSettingsView struct {
	Approvals    aims.ApprovalSettings
	ExpiringDays string
	Errors       formErrors
	CanEdit      bool
}

func (ui *UI) registerGovernanceSettings(r chi.Router) {
	r.Get("/admin/settings", ui.handle(ui.governanceSettings))
	r.Post("/admin/settings", ui.handle(ui.saveGovernanceSettings))
}

func (ui *UI) governanceSettings(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageSettings), "change the organization's settings"); err != nil {
		return err
	}
	a, err := ui.Svc.FindApprovalSettings(r.Context())
	if err != nil {
		return err
	}
	days, err := ui.Svc.FindEvidenceExpiringDays(r.Context())
	if err != nil {
		return err
	}
	return ui.renderGovernanceSettings(w, r, http.StatusOK, governanceSettingsView{Approvals: a, ExpiringDays: itoa(days)})
}

func (ui *UI) renderGovernanceSettings(w http.ResponseWriter, r *http.Request, status int, v governanceSettingsView) error {
	v.CanEdit = viewer(r).Can(authz.ManageSettings)
	return render(w, r, status, GovernanceSettingsPage(ui.page(r, "Approval and evidence settings", "admin-settings"), v))
}

func (ui *UI) saveGovernanceSettings(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	v := governanceSettingsView{Approvals: aims.ApprovalSettings{SeparationOfDuties: f.Get("separation_of_duties") == "true"},
		ExpiringDays: f.Get("expiring_days")}
	var val aims.Validation
	days := formInt(&val, f, "expiring_days")
	err := val.Err()
	if err == nil {
		err = ui.Svc.SetEvidenceExpiringDays(r.Context(), days)
	}
	if err == nil {
		err = ui.Svc.SetApprovalSettings(r.Context(), v.Approvals)
	}
	if fe, ok := fieldErrors(err); ok {
		v.Errors = fe
		return ui.renderGovernanceSettings(w, r, errorStatus(err), v)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "The approval and evidence settings are saved.", "/admin/settings")
}
