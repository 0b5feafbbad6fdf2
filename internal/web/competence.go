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
	"github.com/aimsproject/aims/internal/authz"
)

func (ui *UI) registerCompetence(r chi.Router) {
	crud[aims.TrainingRecord]{
		path: "/training-records", noun: "training record", plural: "training-records",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.TrainingRecord, int, bool, error) {
			f := aims.TrainingRecordFilter{PersonID: q.Get("person_id"), Search: q.Get("q"), Page: page}
			list, total, err := ui.Svc.FindTrainingRecords(ctx, f)
			return list, total, f.PersonID != "" || f.Search != "", err
		},
		listPage: TrainingListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, t *aims.TrainingRecord) error {
			return render(w, r, http.StatusOK, TrainingPage(ui.page(r, t.Competence, "training-records"), t))
		},
		find:  ui.Svc.FindTrainingRecordByID,
		key:   func(t *aims.TrainingRecord) (string, string) { return t.ID, t.Competence },
		blank: func() *aims.TrainingRecord { return &aims.TrainingRecord{} },
		read: func(id string, f url.Values) (*aims.TrainingRecord, error) {
			var v aims.Validation
			t := &aims.TrainingRecord{ID: id, PersonID: f.Get("person_id"), Competence: f.Get("competence"), Evidence: f.Get("evidence"),
				ExpiresOn: formDate(&v, f, "expires_on")}
			if d := formDate(&v, f, "completed_on"); d != nil {
				t.CompletedOn = *d
			}
			return t, v.Err()
		},
		create: ui.Svc.CreateTrainingRecord,
		update: func(ctx context.Context, t *aims.TrainingRecord) error {
			exp := aims.Date{}
			if t.ExpiresOn != nil {
				exp = *t.ExpiresOn
			}
			_, err := ui.Svc.UpdateTrainingRecord(ctx, t.ID, aims.TrainingRecordUpdate{Competence: &t.Competence, CompletedOn: &t.CompletedOn,
				ExpiresOn: &exp, Evidence: &t.Evidence})
			return err
		},
		delete: ui.Svc.DeleteTrainingRecord,
		form: func(ui *UI, r *http.Request, p Page, f formState[aims.TrainingRecord]) (templ.Component, error) {
			if f.New && f.Record.PersonID == "" {
				f.Record.PersonID = r.URL.Query().Get("person_id")
			}
			people, err := ui.personOptions(r, f.Record.PersonID)
			if err != nil {
				return nil, err
			}
			return TrainingFormPage(p, trainingForm(f), people), nil
		},
	}.routes(ui, r)
	crud[aims.AwarenessSession]{
		path: "/awareness-sessions", noun: "awareness session", plural: "awareness-sessions",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.AwarenessSession, int, bool, error) {
			list, total, err := ui.Svc.FindAwarenessSessions(ctx, aims.AwarenessSessionFilter{Page: page})
			return list, total, false, err
		},
		listPage: AwarenessListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, s *aims.AwarenessSession) error {
			names := make([]*aims.Person, 0, len(s.AttendeeIDs))
			for _, id := range s.AttendeeIDs {
				p, err := ui.Svc.FindPersonByID(r.Context(), id)
				if err != nil {
					return err
				}
				names = append(names, p)
			}
			return render(w, r, http.StatusOK, AwarenessPage(ui.page(r, s.Topic, "awareness-sessions"), s, names))
		},
		find:  ui.Svc.FindAwarenessSessionByID,
		key:   func(s *aims.AwarenessSession) (string, string) { return s.ID, s.Topic },
		blank: func() *aims.AwarenessSession { return &aims.AwarenessSession{} },
		read: func(id string, f url.Values) (*aims.AwarenessSession, error) {
			var v aims.Validation
			s := &aims.AwarenessSession{ID: id, Topic: f.Get("topic"), Notes: f.Get("notes"), AttendeeIDs: f["attendee_ids"]}
			if d := formDate(&v, f, "held_on"); d != nil {
				s.HeldOn = *d
			}
			return s, v.Err()
		},
		create: ui.Svc.CreateAwarenessSession,
		update: func(ctx context.Context, s *aims.AwarenessSession) error {
			_, err := ui.Svc.UpdateAwarenessSession(ctx, s.ID, aims.AwarenessSessionUpdate{HeldOn: &s.HeldOn, Topic: &s.Topic, Notes: &s.Notes,
				AttendeeIDs: &s.AttendeeIDs})
			return err
		},
		delete: ui.Svc.DeleteAwarenessSession,
		form: func(ui *UI, r *http.Request, p Page, f formState[aims.AwarenessSession]) (templ.Component, error) {
			people, err := ui.personOptions(r, "")
			if err != nil {
				return nil, err
			}
			for i := range people {
				for _, id := range f.Record.AttendeeIDs {
					if people[i].Value == id {
						people[i].Selected = true
					}
				}
			}
			return AwarenessFormPage(p, awarenessForm(f), people), nil
		},
	}.routes(ui, r)
	r.Get("/ai-literacy", ui.handle(ui.literacyPage))
	r.Post("/ai-literacy", ui.handle(ui.literacySave))
}

// trainingForm is the form of a training record.
type trainingForm formState[aims.TrainingRecord]

// Action is where the form posts.
func (f trainingForm) Action() string {
	if f.New {
		return "/training-records/new"
	}
	return "/training-records/" + f.Record.ID + "/edit"
}

// awarenessForm is the form of an awareness session.
type awarenessForm formState[aims.AwarenessSession]

// Action is where the form posts.
func (f awarenessForm) Action() string {
	if f.New {
		return "/awareness-sessions/new"
	}
	return "/awareness-sessions/" + f.Record.ID + "/edit"
}

// literacyView is the AI literacy page: the setting and everyone judged.
type literacyView struct {
	Setting *aims.LiteracySetting
	Rows    []aims.LiteracyRow
	Counts  map[aims.LiteracyStatus]int
	Errors  formErrors
	Posted  url.Values
}

// Competences is the setting's competences, one a line, for the form.
func (v literacyView) Competences() string {
	if v.Posted != nil {
		return v.Posted.Get("competences")
	}
	if v.Setting == nil {
		return ""
	}
	return strings.Join(v.Setting.Competences, "\n")
}

// MaxAge is the setting's maximum age for the form.
func (v literacyView) MaxAge() string {
	if v.Posted != nil {
		return v.Posted.Get("max_age_months")
	}
	if v.Setting == nil {
		return "24"
	}
	return strconv.Itoa(v.Setting.MaxAgeMonths)
}

func (ui *UI) renderLiteracy(w http.ResponseWriter, r *http.Request, status int, fe formErrors, posted url.Values) error {
	rows, setting, err := ui.Svc.FindLiteracy(r.Context())
	if err != nil {
		return err
	}
	v := literacyView{Setting: setting, Rows: rows, Counts: map[aims.LiteracyStatus]int{}, Errors: fe, Posted: posted}
	for _, row := range rows {
		v.Counts[row.Status]++
	}
	return render(w, r, status, LiteracyPage(ui.page(r, "AI literacy", "ai-literacy"), v))
}

func (ui *UI) literacyPage(w http.ResponseWriter, r *http.Request) error {
	return ui.renderLiteracy(w, r, http.StatusOK, nil, nil)
}

func (ui *UI) literacySave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "change the AI literacy setting"); err != nil {
		return err
	}
	months, convErr := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("max_age_months")))
	l := &aims.LiteracySetting{Competences: strings.Split(r.PostForm.Get("competences"), "\n"), MaxAgeMonths: months}
	var err error
	if convErr != nil {
		err = &aims.Error{Kind: aims.KindInvalid, Message: "not a number", Fields: []aims.FieldError{{Field: "max_age_months", Detail: "must be a whole number of months"}}}
	} else {
		err = ui.Svc.SaveLiteracySetting(r.Context(), l)
	}
	if fe, ok := fieldErrors(err); ok {
		return ui.renderLiteracy(w, r, errorStatus(err), fe, r.PostForm)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved what counts as AI literacy.", "/ai-literacy")
}
