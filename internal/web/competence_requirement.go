package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// registerCompetenceRequirements serves the competence a role requires
// (7.2 a, A.4.6): for every holder of the role, or only for those who hold
// it for an AI system with a given impact domain (a system role such as the
// validation lead of a safety-relevant system).
func (ui *UI) registerCompetenceRequirements(r chi.Router) {
	crud[aims.CompetenceRequirement]{
		path: "/competence-requirements", noun: "competence requirement", plural: "competence-requirements",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.CompetenceRequirement, int, bool, error) {
			f := aims.CompetenceRequirementFilter{RoleID: q.Get("role_id"), Page: page}
			list, total, err := ui.Svc.FindCompetenceRequirements(ctx, f)
			return list, total, f.RoleID != "", err
		},
		listPage: CompetenceRequirementListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, c *aims.CompetenceRequirement) error {
			return render(w, r, http.StatusOK, CompetenceRequirementPage(ui.page(r, c.Competence, "aims-roles"), c))
		},
		find:   ui.Svc.FindCompetenceRequirementByID,
		key:    func(c *aims.CompetenceRequirement) (string, string) { return c.ID, c.Competence },
		blank:  func() *aims.CompetenceRequirement { return &aims.CompetenceRequirement{} },
		read:   readCompetenceRequirement,
		create: ui.Svc.CreateCompetenceRequirement,
		update: func(ctx context.Context, c *aims.CompetenceRequirement) error {
			_, err := ui.Svc.UpdateCompetenceRequirement(ctx, c.ID, aims.CompetenceRequirementUpdate{ImpactDomain: &c.ImpactDomain,
				Competence: &c.Competence, ValidMonths: &c.ValidMonths, Action: &c.Action})
			return err
		},
		delete: ui.Svc.DeleteCompetenceRequirement,
		form: func(ui *UI, r *http.Request, p Page, f formState[aims.CompetenceRequirement]) (templ.Component, error) {
			if f.New && f.Record.RoleID == "" {
				f.Record.RoleID = r.URL.Query().Get("role_id")
			}
			roles, err := ui.aimsRoleOptions(r, f.Record.RoleID)
			if err != nil {
				return nil, err
			}
			return CompetenceRequirementFormPage(p, competenceRequirementForm{formState: f, Roles: roles}), nil
		},
	}.routes(ui, r)
}

// readCompetenceRequirement reads the posted form; months that are not a
// whole number are an error on their field.
func readCompetenceRequirement(id string, f url.Values) (*aims.CompetenceRequirement, error) {
	var v aims.Validation
	c := &aims.CompetenceRequirement{ID: id, RoleID: f.Get("role_id"), ImpactDomain: aims.ImpactDomain(f.Get("impact_domain")),
		Competence: f.Get("competence"), Action: f.Get("action")}
	if s := strings.TrimSpace(f.Get("valid_months")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add("valid_months", "write a whole number of months, such as 24, or leave it empty")
		}
		c.ValidMonths = n
	}
	return c, v.Err()
}

// competenceRequirementForm is the create and edit form of a requirement.
type competenceRequirementForm struct {
	formState[aims.CompetenceRequirement]
	Roles []option
}

// Action is where the form posts.
func (f competenceRequirementForm) Action() string {
	if f.New {
		return "/competence-requirements/new"
	}
	return "/competence-requirements/" + f.Record.ID + "/edit"
}

// Cancel is where the form's cancel button leads: the role when there is one.
func (f competenceRequirementForm) Cancel() string {
	switch {
	case !f.New:
		return "/competence-requirements/" + f.Record.ID
	case f.Record.RoleID != "":
		return "/aims-roles/" + f.Record.RoleID
	}
	return "/competence-requirements"
}

// Months is the months field as typed.
func (f competenceRequirementForm) Months() string {
	if f.Posted != nil {
		return f.Posted.Get("valid_months")
	}
	if f.Record.ValidMonths == 0 {
		return ""
	}
	return strconv.Itoa(f.Record.ValidMonths)
}

// Domains are the impact domains a requirement may be narrowed to; the
// blank choice is every holder of the role.
func (f competenceRequirementForm) Domains() []option {
	return withBlank("Every holder of the role", enumOptions(aims.ImpactDomainValues(), aims.ImpactDomain.Title, f.Record.ImpactDomain))
}

// RoleName is the role of a requirement being edited (its role does not change).
func (f competenceRequirementForm) RoleName() string {
	for _, o := range f.Roles {
		if o.Value == f.Record.RoleID {
			return o.Label
		}
	}
	return f.Record.RoleName
}

// requirementScope says for whom a requirement holds, in words.
func requirementScope(c *aims.CompetenceRequirement) string {
	if c.ImpactDomain == "" {
		return "Every holder of the role"
	}
	return "Holders for AI systems with " + strings.ToLower(c.ImpactDomain.Title()) + " impact"
}

// requirementMonths says how recent the training must be, in words.
func requirementMonths(c *aims.CompetenceRequirement) string {
	if c.ValidMonths == 0 {
		return "Does not go out of date"
	}
	return plural(c.ValidMonths, "month", "months")
}
