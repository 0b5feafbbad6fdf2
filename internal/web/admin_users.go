package web

import (
	"errors"
	"net/http"
	"net/url"

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
	r.Get("/admin/tokens", ui.handle(ui.tokenList))
	r.Get("/admin/tokens/new", ui.handle(ui.tokenNew))
	r.Post("/admin/tokens/new", ui.handle(ui.tokenCreate))
	r.Post("/admin/tokens/{id}/revoke", ui.handle(ui.tokenRevoke))
}

// userListView is the members page.
type userListView struct {
	Query   url.Values
	Members []*aims.Member
	Pager   Pager
	Problem string // why the last change was refused
}

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
	v := userListView{Query: q, Members: list, Pager: newPager(r, f.Page, total), Problem: problem}
	return render(w, r, status, UserListPage(ui.page(r, "Users", "admin"), v))
}

// memberForm adds a member.
type memberForm struct {
	Member aims.NewMember
	Errors formErrors
}

func (ui *UI) userNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageUsers), "add users"); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, MemberFormPage(ui.page(r, "Add a member", "admin"), memberForm{Member: aims.NewMember{Role: aims.RoleViewer}}))
}

func (ui *UI) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	in := aims.NewMember{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Role: aims.Role(r.PostForm.Get("role")),
		Password: r.PostForm.Get("password")}
	m, err := ui.Svc.AddMember(r.Context(), in)
	if fe, ok := fieldErrors(err); ok {
		in.Password = "" // never sent back to the browser
		return render(w, r, errorStatus(err), MemberFormPage(ui.page(r, "Add a member", "admin"), memberForm{Member: in, Errors: fe}))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Added "+m.Email+" as "+m.Role.Title()+". Give them their initial password by a separate channel; they can change it under Account.",
		"/admin/users")
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
		msg := ae.Message
		if len(ae.Fields) > 0 {
			msg = fieldLabel(ae.Fields[0].Field) + ": " + ae.Fields[0].Detail
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
