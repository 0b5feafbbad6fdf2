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
}

// logView is what the log page shows.
type logView struct {
	Status  *service.LogStatus
	Recent  []*aims.AuditEvent // the latest sealed records, with proof links
	BaseURL string             // how this request reached aims, for the commands shown
}

func (ui *UI) logPage(w http.ResponseWriter, r *http.Request) error {
	st, err := ui.Svc.LogStatus(r.Context())
	if err != nil {
		return err
	}
	v := logView{Status: st, BaseURL: requestBase(r)}
	p := ui.page(r, "Tamper-evident log", "log")
	if p.Can(authz.ReadAudit) {
		if v.Recent, _, err = ui.Svc.FindAuditEvents(r.Context(), aims.AuditFilter{Page: aims.Page{Limit: 20}}); err != nil {
			return err
		}
	}
	return render(w, r, http.StatusOK, LogPage(p, v))
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
