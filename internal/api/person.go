package api

import (
	"context"
	"io"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// PersonInput is a new person (ISO/IEC 42001 7.2); an account is linked by
// aims when the person becomes a member.
type PersonInput struct {
	Name       string `json:"name" maxLength:"200"`
	Email      string `json:"email,omitempty" maxLength:"320" doc:"Unique in the organization, any case, when given"`
	JobTitle   string `json:"job_title,omitempty" maxLength:"200"`
	Department string `json:"department,omitempty" maxLength:"200"`
	Site       string `json:"site,omitempty" maxLength:"200"`
	Active     *bool  `json:"active,omitempty" doc:"Whether the person works for the organization now; true when left out"`
}

type personList struct {
	PageParams
	Q          string `query:"q" doc:"Part of the name or email, any case"`
	Department string `query:"department" doc:"The department, exactly, any case"`
	Site       string `query:"site" doc:"The site, exactly, any case"`
	Active     string `query:"active" enum:"true,false" doc:"Only active (true) or inactive (false) people"`
	Sort       string `query:"sort" enum:"name,-name,department,-department,site,-site,updated_at,-updated_at" default:"name"`
}

func (in *personList) filter() aims.PersonFilter {
	f := aims.PersonFilter{Search: in.Q, Department: in.Department, Site: in.Site, Sort: in.Sort, Page: in.page()}
	if in.Active != "" {
		b := in.Active == "true"
		f.Active = &b
	}
	return f
}

func (h *Handlers) registerPeople(api huma.API) {
	crud[aims.Person, personList, PersonInput, aims.PersonUpdate]{
		tag: "People", path: "/people", noun: "person", plural: "people", a: "a",
		deleteNote: "Refused with 409 for a member of the organization and while other records name the person; mark the person inactive instead.",
		list: func(ctx context.Context, in *personList) ([]*aims.Person, int, error) {
			return h.svc.FindPeople(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *personList) error {
			return h.svc.ExportPeopleCSV(ctx, w, in.filter())
		},
		exportColumns: service.PersonCSVColumns,
		create: func(ctx context.Context, b PersonInput) (*aims.Person, error) {
			active := b.Active == nil || *b.Active
			return created(ctx, &aims.Person{Name: b.Name, Email: b.Email, JobTitle: b.JobTitle, Department: b.Department,
				Site: b.Site, Active: active}, h.svc.CreatePerson)
		},
		get: h.svc.FindPersonByID, update: h.svc.UpdatePerson, delete: h.svc.DeletePerson,
	}.register(api)
}
