package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

func (ui *UI) registerPeople(r chi.Router) {
	// A page naming an account links here; it sends to the account's person.
	r.Get("/people/by-account/{id}", ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.Svc.FindPersonByUserID(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/people/"+p.ID, http.StatusSeeOther)
		return nil
	}))
	crud[aims.Person]{
		path: "/people", noun: "person", plural: "people",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.Person, int, bool, error) {
			f := personFilter(q)
			f.Page = page
			list, total, err := ui.Svc.FindPeople(ctx, f)
			return list, total, f.Search != "" || f.Department != "" || f.Site != "" || f.Active != nil, err
		},
		listPage: PersonListPage,
		detail:   (*UI).personDetail,
		find:     ui.Svc.FindPersonByID,
		key:      func(p *aims.Person) (string, string) { return p.ID, p.Name },
		blank:    func() *aims.Person { return &aims.Person{Active: true} },
		read: func(id string, f url.Values) (*aims.Person, error) {
			return &aims.Person{ID: id, Name: f.Get("name"), Email: f.Get("email"), JobTitle: f.Get("job_title"),
				Department: f.Get("department"), Site: f.Get("site"), Active: f.Get("active") != ""}, nil
		},
		create: ui.Svc.CreatePerson,
		update: func(ctx context.Context, p *aims.Person) error {
			_, err := ui.Svc.UpdatePerson(ctx, p.ID, aims.PersonUpdate{Name: &p.Name, Email: &p.Email, JobTitle: &p.JobTitle,
				Department: &p.Department, Site: &p.Site, Active: &p.Active})
			return err
		},
		delete: ui.Svc.DeletePerson,
		form: func(_ *UI, _ *http.Request, p Page, f formState[aims.Person]) (templ.Component, error) {
			return PersonFormPage(p, personForm(f)), nil
		},
	}.routes(ui, r)
}

// personFilter reads the people list's filter from its query.
func personFilter(q url.Values) aims.PersonFilter {
	f := aims.PersonFilter{Search: q.Get("q"), Department: q.Get("department"), Site: q.Get("site"), Sort: q.Get("sort")}
	switch q.Get("active") {
	case "true", "false":
		b := q.Get("active") == "true"
		f.Active = &b
	}
	return f
}

// personView is a person with what they hold and own.
type personView struct {
	Person      *aims.Person
	Competence  *aims.PersonCompetence
	Systems     []*aims.AISystem
	SystemTotal int
	Risks       []*aims.Risk
	RiskTotal   int
	Documents   *aims.PersonDocuments
}

// personPreview is how many owned systems and risks the page lists.
const personPreview = 20

func (ui *UI) personDetail(w http.ResponseWriter, r *http.Request, p *aims.Person) error {
	ctx := r.Context()
	v := personView{Person: p}
	var err error
	if v.Competence, err = ui.Svc.FindPersonCompetence(ctx, p.ID); err != nil {
		return err
	}
	if v.Documents, err = ui.Svc.FindPersonDocuments(ctx, p.ID); err != nil {
		return err
	}
	if p.UserID != "" {
		v.Systems, v.SystemTotal, err = ui.Svc.FindSystems(ctx, aims.SystemFilter{OwnerID: p.UserID, Page: aims.Page{Limit: personPreview}})
		if err != nil {
			return err
		}
		v.Risks, v.RiskTotal, err = ui.Svc.FindRisks(ctx, aims.RiskFilter{OwnerID: p.UserID, Page: aims.Page{Limit: personPreview}})
		if err != nil {
			return err
		}
	}
	return render(w, r, http.StatusOK, PersonPage(ui.page(r, p.Name, "people"), v))
}

// personForm is the create and edit form of a person.
type personForm formState[aims.Person]

// Action is where the form posts.
func (f personForm) Action() string {
	if f.New {
		return "/people/new"
	}
	return "/people/" + f.Record.ID + "/edit"
}

// policyVersions is the set of the ids of the AI policy versions in force
// among acks, which the acknowledgements panel marks.
func policyVersions(acks []aims.PolicyAck) map[string]bool {
	out := make(map[string]bool, len(acks))
	for _, a := range acks {
		out[a.VersionID] = true
	}
	return out
}
