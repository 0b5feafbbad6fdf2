package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func (ui *UI) registerSignIn(r chi.Router) {
	r.Get("/admin/sign-in", ui.handle(ui.signInSettings))
	r.Post("/admin/sign-in", ui.handle(ui.saveSignInSettings))
	r.Post("/admin/users/{id}/sessions/end", ui.handle(ui.endMemberSessions))
	r.Get("/account/totp", ui.handle(ui.totpPage))
	r.Post("/account/totp", ui.handle(ui.totpConfirm))
	r.Post("/account/totp/remove", ui.handle(ui.totpRemove))
	r.Post("/account/sessions/{id}/end", ui.handle(ui.endMySession))
}

// groupRolesText writes the group table as the form's lines.
func groupRolesText(t []aims.GroupRole) string {
	var b strings.Builder
	for _, g := range t {
		fmt.Fprintf(&b, "%s = %s\n", g.Group, g.Role.Title())
	}
	return b.String()
}

// parseGroupRoles reads "group = role" lines; a role is its title or its
// stored name. A line it cannot read becomes a row the service refuses.
func parseGroupRoles(s string) []aims.GroupRole {
	out := []aims.GroupRole{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		i := strings.LastIndex(line, "=")
		if i < 0 {
			out = append(out, aims.GroupRole{Group: line, Role: ""})
			continue
		}
		g, r := strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
		role := aims.Role(r)
		for _, v := range aims.RoleValues() {
			if strings.EqualFold(v.Title(), r) || strings.EqualFold(string(v), r) {
				role = v
			}
		}
		out = append(out, aims.GroupRole{Group: g, Role: role})
	}
	return out
}

func (ui *UI) signInSettings(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageUsers), "change the sign-in settings"); err != nil {
		return err
	}
	s, err := ui.Svc.FindSignInSettings(r.Context())
	if err != nil {
		return err
	}
	return ui.renderSignInSettings(w, r, http.StatusOK, *s, groupRolesText(s.GroupRoles), nil)
}

func (ui *UI) renderSignInSettings(w http.ResponseWriter, r *http.Request, status int, s aims.SignInSettings, roles string, fe formErrors) error {
	v := signInSettingsView{S: s, GroupRoles: roles, Callback: ui.callbackURL(r), AfterOut: ui.baseURL(r) + "/login", Errors: fe,
		CanEdit: viewer(r).Can(authz.ManageUsers)}
	return render(w, r, status, SignInSettingsPage(ui.page(r, "Sign-in settings", "admin-sign-in"), v))
}

func (ui *UI) saveSignInSettings(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	str := func(k string) *string { v := f.Get(k); return &v }
	on := func(k string) *bool { v := f.Get(k) == "true"; return &v }
	roles := parseGroupRoles(f.Get("group_roles"))
	role, totp := aims.Role(f.Get("default_role")), aims.TOTPRequirement(f.Get("totp_required"))
	upd := aims.SignInSettingsUpdate{SSOEnabled: on("sso_enabled"), DisplayName: str("display_name"), Issuer: str("issuer"),
		ClientID: str("client_id"), Scopes: str("scopes"), GroupClaim: str("group_claim"), GroupRoles: &roles, DefaultRole: &role,
		InvitedOnly: on("invited_only"), LocalPasswords: on("local_passwords"), BreakGlassEmail: str("break_glass_email"), TOTPRequired: &totp}
	if secret := strings.TrimSpace(f.Get("client_secret")); secret != "" {
		upd.ClientSecret = &secret
	}
	_, err := ui.Svc.UpdateSignInSettings(r.Context(), upd)
	if fe, ok := fieldErrors(err); ok {
		cur, e := ui.Svc.FindSignInSettings(r.Context())
		if e != nil {
			return e
		}
		return ui.renderSignInSettings(w, r, errorStatus(err), upd.Apply(*cur), f.Get("group_roles"), fe)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "The sign-in settings are saved.", "/admin/sign-in")
}

func (ui *UI) endMemberSessions(w http.ResponseWriter, r *http.Request) error {
	n, err := ui.Svc.EndMemberSessions(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%d sessions ended.", n)
	if n == 1 {
		msg = "1 session ended."
	}
	return ui.done(w, r, msg, "/admin/users")
}

func (ui *UI) totpPage(w http.ResponseWriter, r *http.Request) error {
	return ui.renderTOTP(w, r, http.StatusOK, totpView{})
}

func (ui *UI) renderTOTP(w http.ResponseWriter, r *http.Request, status int, v totpView) error {
	st, err := ui.Svc.TOTPStatus(r.Context())
	if err != nil {
		return err
	}
	v.Status, v.Required = st, ui.Sessions.GetBool(r.Context(), sessionMustEnrol)
	if !st.Enabled && len(v.Codes) == 0 {
		if v.Key, err = ui.Svc.TOTPEnrolment(r.Context()); err != nil {
			return err
		}
	}
	return render(w, r, status, TOTPPage(ui.page(r, "Second factor", ""), v))
}

func (ui *UI) totpConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	codes, err := ui.Svc.ConfirmTOTP(r.Context(), r.PostForm.Get("code"))
	if fe, ok := fieldErrors(err); ok {
		return ui.renderTOTP(w, r, errorStatus(err), totpView{Errors: fe})
	}
	if err != nil {
		return err
	}
	ui.Sessions.Remove(r.Context(), sessionMustEnrol)
	return ui.renderTOTP(w, r, http.StatusOK, totpView{Codes: codes})
}

func (ui *UI) totpRemove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	err := ui.Svc.RemoveTOTP(r.Context(), r.PostForm.Get("password"), r.PostForm.Get("code"), clientIP(r))
	if fe, ok := fieldErrors(err); ok {
		st, e := ui.Svc.TOTPStatus(r.Context())
		if e != nil {
			return e
		}
		return render(w, r, errorStatus(err), TOTPPage(ui.page(r, "Second factor", ""), totpView{Status: st, Errors: fe}))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Your second factor is removed.", "/account")
}

func (ui *UI) endMySession(w http.ResponseWriter, r *http.Request) error {
	if err := ui.Svc.EndMySession(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	return ui.done(w, r, "The session is ended.", "/account")
}
