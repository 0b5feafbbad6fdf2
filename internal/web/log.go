package web

import (
	"net/http"
	"regexp"
	"strings"

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
	// Records names the records the alerts are about, by id, as the
	// audit trail last named them ("AI system “Loan scoring”").
	Records map[string]string
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
		if v.Records, err = ui.alertRecords(r, st.Alerts); err != nil {
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

// alertRecords names the records of the tamper alerts by their latest
// audit event; a record the trail does not know (a decision, or a row
// inserted around aims) has no name, and the page shows its id.
func (ui *UI) alertRecords(r *http.Request, alerts []*aims.LogAlert) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range alerts {
		if _, done := out[a.RecordID]; done || a.RecordID == "" {
			continue
		}
		evs, _, err := ui.Svc.FindAuditEvents(r.Context(), aims.AuditFilter{EntityID: a.RecordID, Page: aims.Page{Limit: 1}})
		if err != nil {
			return nil, err
		}
		if len(evs) == 1 {
			out[a.RecordID] = entityTypeLabel(evs[0].EntityType) + " “" + evs[0].EntityLabel + "”"
		}
	}
	return out, nil
}

// alertDetail writes an alert's finding for people: a record it names by
// id ("ai_system 01…", with its label) by the name the audit trail knows,
// any other id as what it is ("an audit event"). The page keeps the finding
// as the check wrote it beside, for the investigation.
func alertDetail(detail string, names map[string]string) string {
	return messageWords(findingIDRe.ReplaceAllStringFunc(detail, func(m string) string {
		sub := findingIDRe.FindStringSubmatch(m)
		if name := names[sub[2]]; name != "" {
			return name
		}
		switch kind := strings.TrimSpace(sub[1]); kind {
		case "":
			return "a record"
		case "audit event":
			return "an audit event"
		default:
			return "a " + strings.ToLower(entityTypeLabel(kind)) + sub[3]
		}
	}))
}

// findingIDRe is an id in a finding, with the record type before it and
// the label after it when the finding gives them.
var findingIDRe = regexp.MustCompile(`((?:audit event|[a-z_]+) )?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})( "[^"]*")?`)
