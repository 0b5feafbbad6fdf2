package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/aims"
)

// accountView is the account page: who the person is here, and the
// password form.
type accountView struct {
	Org      *aims.Organization
	Errors   formErrors
	TOTP     *aims.TOTPStatus
	Sessions []aims.SessionInfo
	SSO      bool // signed in through the provider: the second factor is the provider's
}

func (ui *UI) accountPage(w http.ResponseWriter, r *http.Request) error {
	return ui.renderAccount(w, r, http.StatusOK, nil)
}

func (ui *UI) renderAccount(w http.ResponseWriter, r *http.Request, status int, fe formErrors) error {
	org, err := ui.Svc.OwnOrganization(r.Context())
	if err != nil {
		return err
	}
	st, err := ui.Svc.TOTPStatus(r.Context())
	if err != nil {
		return err
	}
	sessions, err := ui.Svc.FindMySessions(r.Context(), ui.Sessions.Token(r.Context()))
	if err != nil {
		return err
	}
	return render(w, r, status, AccountPage(ui.page(r, "Account", ""), accountView{Org: org, Errors: fe, TOTP: st, Sessions: sessions,
		SSO: ui.Sessions.GetString(r.Context(), sessionMethod) == "sso"}))
}

func (ui *UI) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	epoch, err := ui.Svc.ChangePassword(r.Context(), r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
	if fe, ok := fieldErrors(err); ok {
		return ui.renderAccount(w, r, errorStatus(err), fe)
	}
	if err != nil {
		return err
	}
	// The change ended every session of this person (a stolen session
	// cookie dies with the old password); this one goes on under the new
	// epoch, with a new token, as at sign-in.
	if err := ui.Sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	ui.Sessions.Put(r.Context(), sessionEpoch, epoch)
	return ui.done(w, r, "Your password is changed.", "/account")
}

// changeName renames the person: their account is one in every
// organization they belong to, and each records the change.
func (ui *UI) changeName(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	_, err := ui.Svc.RenameSelf(r.Context(), r.PostForm.Get("name"))
	if fe, ok := fieldErrors(err); ok {
		return ui.renderAccount(w, r, errorStatus(err), fe)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Your name is changed in every organization you belong to.", "/account")
}
