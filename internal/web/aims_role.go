package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func (ui *UI) registerAIMSRoles(r chi.Router) {
	crud[aims.AIMSRole]{
		path: "/aims-roles", noun: "AIMS role", plural: "aims-roles",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.AIMSRole, int, bool, error) {
			list, total, err := ui.Svc.FindAIMSRoles(ctx, aims.AIMSRoleFilter{Search: q.Get("q"), Page: page})
			return list, total, q.Get("q") != "", err
		},
		listPage: AIMSRoleListPage,
		detail:   (*UI).aimsRoleDetail,
		find:     ui.Svc.FindAIMSRoleByID,
		key:      func(x *aims.AIMSRole) (string, string) { return x.ID, x.Name },
		blank:    func() *aims.AIMSRole { return &aims.AIMSRole{} },
		read: func(id string, f url.Values) (*aims.AIMSRole, error) {
			return &aims.AIMSRole{ID: id, Name: f.Get("name"), Responsibilities: f.Get("responsibilities"), Authorities: f.Get("authorities"),
				StopAuthority: f.Get("stop_authority") != "", ReceivesReport: f.Get("receives_report") != ""}, nil
		},
		create: ui.Svc.CreateAIMSRole,
		update: func(ctx context.Context, x *aims.AIMSRole) error {
			_, err := ui.Svc.UpdateAIMSRole(ctx, x.ID, aims.AIMSRoleUpdate{Name: &x.Name, Responsibilities: &x.Responsibilities,
				Authorities: &x.Authorities, StopAuthority: &x.StopAuthority, ReceivesReport: &x.ReceivesReport})
			return err
		},
		delete: ui.Svc.DeleteAIMSRole,
		form: func(_ *UI, _ *http.Request, p Page, f formState[aims.AIMSRole]) (templ.Component, error) {
			return AIMSRoleFormPage(p, aimsRoleForm(f)), nil
		},
	}.routes(ui, r)
	r.Get("/role-assignments/new", ui.handle(ui.assignmentForm))
	r.Post("/role-assignments/new", ui.handle(ui.assignmentSave))
	r.Post("/role-assignments/{id}/delete", ui.handle(ui.assignmentDelete))
	r.Get("/raci", ui.handle(ui.raciPage))
	r.Post("/raci", ui.handle(ui.raciSave))
}

// aimsRoleView is a role with its holders, requirements and gaps.
type aimsRoleView struct {
	Role         *aims.AIMSRole
	Holders      []*aims.RoleAssignment
	Requirements []*aims.CompetenceRequirement
	Gaps         []aims.CompetenceGap
}

func (ui *UI) aimsRoleDetail(w http.ResponseWriter, r *http.Request, x *aims.AIMSRole) error {
	ctx := r.Context()
	v := aimsRoleView{Role: x}
	var err error
	if v.Holders, _, err = ui.Svc.FindRoleAssignments(ctx, aims.RoleAssignmentFilter{RoleID: x.ID, Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
		return err
	}
	if v.Requirements, _, err = ui.Svc.FindCompetenceRequirements(ctx, aims.CompetenceRequirementFilter{RoleID: x.ID, Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
		return err
	}
	if v.Gaps, err = ui.Svc.FindRoleGaps(ctx, x.ID); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, AIMSRolePage(ui.page(r, x.Name, "aims-roles"), v))
}

// aimsRoleForm is the create and edit form of a role.
type aimsRoleForm formState[aims.AIMSRole]

// Action is where the form posts.
func (f aimsRoleForm) Action() string {
	if f.New {
		return "/aims-roles/new"
	}
	return "/aims-roles/" + f.Record.ID + "/edit"
}

// assignmentFormView is the form that gives a person a role.
type assignmentFormView struct {
	Record  *aims.RoleAssignment
	Errors  formErrors
	Roles   []option
	People  []option
	Systems []option
}

func (ui *UI) renderAssignmentForm(w http.ResponseWriter, r *http.Request, status int, a *aims.RoleAssignment, fe formErrors) error {
	v := assignmentFormView{Record: a, Errors: fe}
	var err error
	if v.Roles, err = ui.aimsRoleOptions(r, a.RoleID); err != nil {
		return err
	}
	if v.People, err = ui.personOptions(r, a.PersonID); err != nil {
		return err
	}
	if v.Systems, err = ui.systemOptions(r, a.SystemID); err != nil {
		return err
	}
	return render(w, r, status, AssignmentFormPage(ui.page(r, "Assign an AIMS role", "aims-roles"), v))
}

func (ui *UI) assignmentForm(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "assign AIMS roles"); err != nil {
		return err
	}
	q := r.URL.Query()
	return ui.renderAssignmentForm(w, r, http.StatusOK, &aims.RoleAssignment{RoleID: q.Get("role_id"), PersonID: q.Get("person_id")}, nil)
}

func (ui *UI) assignmentSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	a := &aims.RoleAssignment{RoleID: f.Get("role_id"), PersonID: f.Get("person_id"), SystemID: f.Get("system_id"), Note: f.Get("note")}
	err := ui.Svc.CreateRoleAssignment(r.Context(), a)
	if fe, ok := fieldErrors(err); ok {
		return ui.renderAssignmentForm(w, r, errorStatus(err), a, fe)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Assigned "+a.RoleName+" to "+a.PersonName+".", "/people/"+a.PersonID)
}

func (ui *UI) assignmentDelete(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	a, err := ui.Svc.FindRoleAssignmentByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.Svc.DeleteRoleAssignment(r.Context(), a.ID); err != nil {
		return err
	}
	return ui.done(w, r, "Took "+a.RoleName+" from "+a.PersonName+".", "/aims-roles/"+a.RoleID)
}

func (ui *UI) raciPage(w http.ResponseWriter, r *http.Request) error {
	m, err := ui.Svc.FindRACI(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, RACIPage(ui.page(r, "RACI", "raci"), m))
}

// raciSave saves every cell of the matrix form: a select per process and
// role, named "cell/PROCESS/ROLE_ID".
func (ui *UI) raciSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	m, err := ui.Svc.FindRACI(r.Context())
	if err != nil {
		return err
	}
	var changes []aims.RACIChange
	for _, p := range m.Processes {
		for _, role := range m.Roles {
			name := "cell/" + string(p) + "/" + role.ID
			if _, posted := r.PostForm[name]; !posted {
				continue
			}
			if l := aims.RACI(r.PostForm.Get(name)); l != m.Letter(p, role.ID) {
				changes = append(changes, aims.RACIChange{Process: p, RoleID: role.ID, Letter: l})
			}
		}
	}
	if _, err := ui.Svc.SetRACI(r.Context(), changes); err != nil {
		return err
	}
	return ui.done(w, r, "Saved the RACI.", "/raci")
}
