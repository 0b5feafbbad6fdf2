package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func (ui *UI) registerAdmin(r chi.Router) {
	r.Get("/admin", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/admin/users", http.StatusSeeOther) })
	r.Get("/admin/users", ui.handle(ui.userList))
	r.Get("/admin/users/new", ui.handle(ui.userNew))
	r.Post("/admin/users/new", ui.handle(ui.userCreate))
	r.Post("/admin/users/{id}/role", ui.handle(ui.userChangeRole))
	r.Post("/admin/users/{id}/disable", ui.handle(ui.userSetDisabled(true)))
	r.Post("/admin/users/{id}/enable", ui.handle(ui.userSetDisabled(false)))
	r.Post("/admin/invitations/{id}/revoke", ui.handle(ui.invitationRevoke))
	r.Get("/admin/tokens", ui.handle(ui.tokenList))
	r.Get("/admin/tokens/new", ui.handle(ui.tokenNew))
	r.Post("/admin/tokens/new", ui.handle(ui.tokenCreate))
	r.Post("/admin/tokens/{id}/revoke", ui.handle(ui.tokenRevoke))
}

// userListView is the members page.
type userListView struct {
	Query       url.Values
	Members     []*aims.Member
	Invitations []*aims.Invitation // the latest, newest first
	Pager       Pager
	Problem     string // why the last change was refused
	Now         time.Time
}

// Status is an invitation's state now.
func (v userListView) Status(inv *aims.Invitation) string { return inv.Status(v.Now) }

func (ui *UI) userList(w http.ResponseWriter, r *http.Request) error {
	return ui.renderUserList(w, r, http.StatusOK, "")
}

func (ui *UI) renderUserList(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageUsers), "manage users"); err != nil {
		return err
	}
	q := r.URL.Query()
	f := aims.MemberFilter{Search: q.Get("q"), Role: aims.Role(q.Get("role")), Page: pageParams(r, listPerPage)}
	list, total, err := ui.Svc.FindMembers(r.Context(), f)
	if err != nil {
		return err
	}
	invs, _, err := ui.Svc.FindInvitations(r.Context(), aims.Page{Limit: 50})
	if err != nil {
		return err
	}
	v := userListView{Query: q, Members: list, Invitations: invs, Pager: newPager(r, f.Page, total), Problem: problem, Now: ui.Svc.DB().Now()}
	return render(w, r, status, UserListPage(ui.page(r, "Users", "admin"), v))
}

// memberForm invites a person.
type memberForm struct {
	Member aims.NewInvitation
	Errors formErrors
}

func (ui *UI) userNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageUsers), "add users"); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, MemberFormPage(ui.page(r, "Invite a person", "admin"), memberForm{Member: aims.NewInvitation{Role: aims.RoleViewer}}))
}

func (ui *UI) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	in := aims.NewInvitation{Email: r.PostForm.Get("email"), Role: aims.Role(r.PostForm.Get("role"))}
	inv, err := ui.Svc.InviteMember(r.Context(), in)
	if fe, ok := fieldErrors(err); ok {
		return render(w, r, errorStatus(err), MemberFormPage(ui.page(r, "Invite a person", "admin"), memberForm{Member: in, Errors: fe}))
	}
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, InvitationMadePage(ui.page(r, "Invitation made", "admin"), invitationMade{Inv: inv, Link: invitationLink(r, inv)}))
}

func (ui *UI) invitationRevoke(w http.ResponseWriter, r *http.Request) error {
	inv, err := ui.Svc.RevokeInvitation(r.Context(), chi.URLParam(r, "id"))
	var ae *aims.Error
	if errors.As(err, &ae) && ae.Kind == aims.KindConflict {
		return ui.renderUserList(w, r, http.StatusConflict, messageWords(ae.Message))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "The invitation of "+inv.Email+" is revoked: its link no longer works.", "/admin/users")
}

func (ui *UI) userChangeRole(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	role := aims.Role(r.PostForm.Get("role"))
	return ui.updateMember(w, r, aims.MemberUpdate{Role: &role})
}

func (ui *UI) userSetDisabled(disabled bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		return ui.updateMember(w, r, aims.MemberUpdate{Disabled: &disabled})
	}
}

// updateMember applies a change from the members page. A refusal the admin
// can act on (the last admin, their own account) is shown on the page.
func (ui *UI) updateMember(w http.ResponseWriter, r *http.Request, upd aims.MemberUpdate) error {
	m, err := ui.Svc.UpdateMember(r.Context(), chi.URLParam(r, "id"), upd)
	var ae *aims.Error
	if errors.As(err, &ae) && (ae.Kind == aims.KindConflict || ae.Kind == aims.KindInvalid) {
		msg := messageWords(ae.Message)
		if len(ae.Fields) > 0 {
			msg = fieldLabel(ae.Fields[0].Field) + ": " + messageWords(ae.Fields[0].Detail)
		}
		r.URL.RawQuery = "" // show the first page of the list
		return ui.renderUserList(w, r, errorStatus(err), msg)
	}
	if err != nil {
		return err
	}
	msg := m.Email + " is enabled again."
	switch {
	case upd.Role != nil:
		msg = m.Email + " is now " + m.Role.Title() + "."
	case m.Disabled:
		msg = m.Email + " is disabled: they can no longer sign in, and their API tokens stop working."
	}
	return ui.done(w, r, msg, "/admin/users")
}

// roleOptions lists the roles for a select.
func roleOptions(selected aims.Role) []option {
	return enumOptions(aims.RoleValues(), aims.Role.Title, selected)
}
