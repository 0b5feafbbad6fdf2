package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// registerLog mounts the tamper-evident log's page. It lives at /log, the
// parent of each organization's tlog-tiles prefix /log/{org}/.
func (ui *UI) registerLog(r chi.Router) {
	r.Get("/log", ui.handle(ui.logPage))
	r.Post("/log", ui.handle(ui.acknowledgeLogAlert))
	r.Post("/log/witnesses", ui.handle(ui.addLogWitness))
	r.Post("/log/witnesses/{id}/remove", ui.handle(ui.removeLogWitness))
	r.Post("/log/publish", ui.handle(ui.publishLog))
}

// logView is what the log page shows.
type logView struct {
	Status  *service.LogStatus
	Recent  []*aims.AuditEvent // the latest sealed records, with proof links
	BaseURL string             // how this request reached aims, for the commands shown
	// Witnesses cosign the checkpoints; Public says whether the
	// checkpoints are published; WitnessForm is the add form.
	Witnesses   []*aims.LogWitness
	Public      bool
	WitnessForm witnessForm
}

// witnessForm is the form that adds a witness, with what was entered.
type witnessForm struct {
	URL, VerifierKey string
	Errors           formErrors
}

func (ui *UI) logPage(w http.ResponseWriter, r *http.Request) error {
	return ui.renderLogPage(w, r, http.StatusOK, witnessForm{})
}

func (ui *UI) renderLogPage(w http.ResponseWriter, r *http.Request, status int, form witnessForm) error {
	st, err := ui.Svc.LogStatus(r.Context())
	if err != nil {
		return err
	}
	v := logView{Status: st, BaseURL: requestBase(r), WitnessForm: form}
	p := ui.page(r, "Tamper-evident log", "log")
	if p.Can(authz.ReadAudit) {
		if v.Recent, _, err = ui.Svc.FindAuditEvents(r.Context(), aims.AuditFilter{Page: aims.Page{Limit: 20}}); err != nil {
			return err
		}
	}
	if v.Witnesses, err = ui.Svc.ListLogWitnesses(r.Context()); err != nil {
		return err
	}
	settings, err := ui.Svc.LogSettings(r.Context())
	if err != nil {
		return err
	}
	v.Public = settings.PublicCheckpoints
	return render(w, r, status, LogPage(p, v))
}

// addLogWitness adds a witness (admins); a refused key or URL is shown
// next to its field.
func (ui *UI) addLogWitness(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	form := witnessForm{URL: r.PostForm.Get("url"), VerifierKey: r.PostForm.Get("verifier_key")}
	wit, err := ui.Svc.AddLogWitness(r.Context(), &aims.LogWitness{URL: form.URL, VerifierKey: form.VerifierKey})
	if fe, ok := fieldErrors(err); ok {
		form.Errors = fe
		return ui.renderLogPage(w, r, errorStatus(err), form)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Added witness “"+wit.Name+"”: each new checkpoint is submitted to it.", "/log#witnesses")
}

// removeLogWitness stops submitting checkpoints to a witness (admins).
func (ui *UI) removeLogWitness(w http.ResponseWriter, r *http.Request) error {
	if err := ui.Svc.RemoveLogWitness(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	return ui.done(w, r, "Removed the witness. Its cosignatures stay with their checkpoints.", "/log#witnesses")
}

// publishLog publishes the checkpoints, or stops (admins).
func (ui *UI) publishLog(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	on := r.PostForm.Get("public") == "on"
	if _, err := ui.Svc.SetLogSettings(r.Context(), &aims.LogSettings{PublicCheckpoints: on}); err != nil {
		return err
	}
	msg := "The checkpoints and hash tiles are public now; entries stay private."
	if !on {
		msg = "The checkpoints need a token again."
	}
	return ui.done(w, r, msg, "/log#witnesses")
}

// acknowledgeLogAlert marks a tamper alert seen (admins).
func (ui *UI) acknowledgeLogAlert(w http.ResponseWriter, r *http.Request) error {
	if _, err := ui.Svc.AcknowledgeLogAlert(r.Context(), r.PostFormValue("acknowledge")); err != nil {
		return err
	}
	ui.flash(r, "The alert is acknowledged. The finding stays on record in the audit trail.")
	http.Redirect(w, r, "/log", http.StatusSeeOther)
	return nil
}

// requestBase is the scheme and host the request came in on.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// proofURL is where an audit event's tlog-proof downloads from.
func proofURL(eventID string) string { return "/api/v1/audit-events/" + eventID + "/proof" }
