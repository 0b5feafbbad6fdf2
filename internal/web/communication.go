package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func (ui *UI) registerCommunications(r chi.Router) {
	r.Post("/communications/{id}/records", ui.handle(ui.communicationRecord))
	crud[aims.Communication]{
		path: "/communications", noun: "communication", plural: "communications",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.Communication, int, bool, error) {
			f := aims.CommunicationFilter{Search: q.Get("q"), AudienceKind: aims.Audience(q.Get("audience_kind")),
				Overdue: q.Get("overdue") == "true", Sort: q.Get("sort"), Page: page}
			list, total, err := ui.Svc.FindCommunications(ctx, f)
			return list, total, f.Search != "" || f.AudienceKind != "" || f.Overdue, err
		},
		listPage: CommunicationListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, c *aims.Communication) error {
			return render(w, r, http.StatusOK, CommunicationPage(ui.page(r, c.Subject, "communications"), communicationView{Record: c}))
		},
		find:  ui.Svc.FindCommunicationByID,
		key:   func(c *aims.Communication) (string, string) { return c.ID, c.Subject },
		blank: func() *aims.Communication { return &aims.Communication{Cadence: aims.CadenceOnce} },
		read: func(id string, f url.Values) (*aims.Communication, error) {
			c := &aims.Communication{ID: id, Subject: f.Get("subject"), AudienceKind: aims.Audience(f.Get("audience_kind")),
				Audience: f.Get("audience"), Channel: f.Get("channel"), Cadence: aims.CommunicationCadence(f.Get("cadence")),
				ResponsibleID: f.Get("responsible_id")}
			var v aims.Validation
			c.FirstDue = formDate(&v, f, "first_due")
			return c, v.Err()
		},
		create: ui.Svc.CreateCommunication,
		update: func(ctx context.Context, c *aims.Communication) error {
			first := zeroIfNil(c.FirstDue)
			// The records are kept: they are added on the entry's page.
			_, err := ui.Svc.UpdateCommunication(ctx, c.ID, aims.CommunicationUpdate{Subject: &c.Subject, AudienceKind: &c.AudienceKind,
				Audience: &c.Audience, Channel: &c.Channel, Cadence: &c.Cadence, FirstDue: &first, ResponsibleID: &c.ResponsibleID})
			return err
		},
		delete: ui.Svc.DeleteCommunication,
		form: func(ui *UI, r *http.Request, p Page, st formState[aims.Communication]) (templ.Component, error) {
			members, err := ui.memberOptions(r, st.Record.ResponsibleID, false)
			if err != nil {
				return nil, err
			}
			return CommunicationFormPage(p, communicationForm{formState: st, Members: members}), nil
		},
	}.routes(ui, r)
}

// communicationForm is the create and edit form of a plan entry.
type communicationForm struct {
	formState[aims.Communication]
	Members []option
}

// Action is where the form posts.
func (f communicationForm) Action() string {
	if f.New {
		return "/communications/new"
	}
	return "/communications/" + f.Record.ID + "/edit"
}

// communicationView is a plan entry's page with the form that records a
// communication made (and its errors and values when refused).
type communicationView struct {
	Record *aims.Communication
	Errors formErrors
	Posted url.Values
}

func (ui *UI) communicationRecord(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	id := chi.URLParam(r, "id")
	c, err := ui.Svc.FindCommunicationByID(ctx, id)
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "record communications"); err != nil {
		return err
	}
	var v aims.Validation
	rec := aims.CommunicationRecord{Summary: r.PostForm.Get("summary"), Evidence: r.PostForm.Get("evidence")}
	if d := formDate(&v, r.PostForm, "date"); d != nil {
		rec.Date = *d
	} else if v.OK() {
		v.Add("date", "is required")
	}
	err = v.Err()
	if err == nil {
		_, err = ui.Svc.RecordCommunication(ctx, id, rec)
	}
	if fe, ok := fieldErrors(err); ok {
		// The service names a record's fields records/0/...: the form's are
		// its own.
		out := formErrors{}
		for k, msg := range fe {
			out[k[strings.LastIndexByte(k, '/')+1:]] = msg
		}
		return render(w, r, errorStatus(err), CommunicationPage(ui.page(r, c.Subject, "communications"),
			communicationView{Record: c, Errors: out, Posted: r.PostForm}))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Recorded the communication.", "/communications/"+id)
}

// lastMade is the day of the latest communication made, or "".
func lastMade(c *aims.Communication) string {
	if len(c.Records) == 0 {
		return ""
	}
	return c.Records[0].Date.String()
}
