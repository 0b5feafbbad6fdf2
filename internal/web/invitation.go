package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// acceptView is the page a person reaches from an invitation's link: the
// organization and role, and a form that works whether or not they have an
// account (their password; a name and new password for a new one).
type acceptView struct {
	Token  string
	Inv    *aims.Invitation
	Org    *aims.Organization
	Name   string
	Errors formErrors
}

func (ui *UI) invitationPage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	inv, org, err := ui.Svc.PendingInvitation(r.Context(), token)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, AcceptInvitationPage(ui.page(r, "Join "+org.Name, ""), acceptView{Token: token, Inv: inv, Org: org}))
}

func (ui *UI) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return aims.Errorf(aims.KindBadRequest, "the form could not be read")
	}
	token := r.PostForm.Get("token")
	acc := aims.InvitationAcceptance{Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password")}
	res, org, err := ui.Svc.AcceptInvitation(r.Context(), token, acc, clientIP(r))
	var ae *aims.Error
	if errors.As(err, &ae) && (ae.Kind == aims.KindInvalid || ae.Kind == aims.KindRateLimited) {
		inv, org, perr := ui.Svc.PendingInvitation(r.Context(), token)
		if perr != nil {
			return perr
		}
		fe, ok := fieldErrors(err)
		if !ok {
			fe = formErrors{"_": messageWords(ae.Message)}
		}
		return render(w, r, errorStatus(err), AcceptInvitationPage(ui.page(r, "Join "+org.Name, ""),
			acceptView{Token: token, Inv: inv, Org: org, Name: strings.TrimSpace(acc.Name), Errors: fe}))
	}
	if err != nil {
		return err
	}
	// Signed in to the organization just joined, with a new session token;
	// an account with a second factor proves it first.
	if err := ui.Sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	if res.SecondFactor {
		ui.Sessions.Put(r.Context(), sessionPendingMFA, res.User.ID)
		ui.Sessions.Put(r.Context(), sessionPendingNext, "/")
		return render(w, r, http.StatusOK, SecondFactorPage(ui.page(r, "Second factor", ""), ""))
	}
	ui.Sessions.Put(r.Context(), sessionEpoch, res.User.SessionEpoch)
	ui.Sessions.Put(r.Context(), sessionMethod, "password")
	role := aims.RoleViewer
	for _, m := range res.Memberships {
		if m.Org.ID == org.ID {
			role = m.Role
		}
	}
	if err := ui.startSession(r, res.User.ID, store.Membership{Org: *org, Role: role}); err != nil {
		return err
	}
	ui.flash(r, "Welcome to "+org.Name+".")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// invitationLink is the absolute link of an invitation, on the host the
// admin reached this page by.
func invitationLink(r *http.Request, inv *aims.Invitation) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + inv.URL
}

// invitationMade is the page that shows a new invitation's link once.
type invitationMade struct {
	Inv  *aims.Invitation
	Link string
}
