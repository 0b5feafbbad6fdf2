package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// Session keys of signing in.
const (
	sessionSSOPending  = "sso_pending"      // a sign-in sent to the provider (authn.Pending)
	sessionIDToken     = "sso_id_token"     // the provider's ID token, the hint of its sign-out
	sessionPendingMFA  = "pending_mfa_user" // proved the password, owes a second factor
	sessionPendingNext = "pending_next"     // where to go after the second factor
	sessionMustEnrol   = "must_enrol_totp"  // the organization requires a second factor this person has not set up
	sessionSeenAt      = "seen_at"          // when the session's last use was stamped
	sessionMethod      = "sign_in_method"   // password or sso
)

// baseURL is how the browser reaches aims: the configured base URL, else
// the request's own host.
func (ui *UI) baseURL(r *http.Request) string {
	if ui.BaseURL != "" {
		return strings.TrimSuffix(ui.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (ui *UI) callbackURL(r *http.Request) string { return ui.baseURL(r) + "/sso/callback" }

// ssoStart sends the browser to the organization's provider.
func (ui *UI) ssoStart(w http.ResponseWriter, r *http.Request) error {
	slug, next := r.URL.Query().Get("org"), safeNext(r.URL.Query().Get("next"))
	u, p, err := ui.Svc.StartSSO(r.Context(), slug, next, ui.callbackURL(r))
	if err != nil {
		return ui.ssoProblem(w, r, slug, err)
	}
	ui.Sessions.Put(r.Context(), sessionSSOPending, p.Encode())
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

// ssoProblem shows why a sign-in through the provider failed, on the
// sign-in page, where the password form (the break-glass account's)
// still works.
func (ui *UI) ssoProblem(w http.ResponseWriter, r *http.Request, slug string, err error) error {
	var ae *aims.Error
	if !errors.As(err, &ae) || aims.KindOf(err) == aims.KindInternal {
		return err
	}
	f := LoginForm{Next: "/", Error: messageWords(ae.Message), Org: slug}
	if opts, e := ui.Svc.SignInOptionsFor(r.Context(), slug); e == nil {
		f.Options = opts
	}
	status := errorStatus(err)
	if status == http.StatusUnauthorized {
		status = http.StatusForbidden // stay on this page: a 401 page goes to the sign-in page
	}
	return render(w, r, status, LoginPage(ui.page(r, "Sign in", ""), f))
}

// ssoCallback completes a sign-in the provider sent back.
func (ui *UI) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw := ui.Sessions.PopString(ctx, sessionSSOPending) // a pending sign-in is used once
	p, err := authn.DecodePending(raw)
	q := r.URL.Query()
	if err != nil {
		return ui.ssoProblem(w, r, "", &aims.Error{Kind: aims.KindUnauthenticated, Message: err.Error()})
	}
	slug := ""
	if org, e := store.FindOrganizationByID(ctx, ui.Svc.DB(), p.OrgID); e == nil {
		slug = org.Slug
	}
	if e := q.Get("error"); e != "" {
		return ui.ssoProblem(w, r, slug, &aims.Error{Kind: aims.KindUnauthenticated, Message: "the identity provider did not sign you in (" + e + ")"})
	}
	res, err := ui.Svc.FinishSSO(ctx, p, q.Get("state"), q.Get("code"), ui.callbackURL(r))
	if err != nil {
		return ui.ssoProblem(w, r, slug, err)
	}
	if err := ui.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	ui.Sessions.Put(ctx, sessionEpoch, res.User.SessionEpoch)
	ui.Sessions.Put(ctx, sessionIDToken, res.IDToken)
	ui.Sessions.Put(ctx, sessionMethod, "sso")
	if err := ui.startSession(r, res.User.ID, res.Membership); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(p.Next), http.StatusSeeOther)
	return nil
}

// secondFactor checks the code of a person who proved their password.
func (ui *UI) secondFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	userID := ui.Sessions.GetString(ctx, sessionPendingMFA)
	if userID == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return aims.Errorf(aims.KindBadRequest, "the form could not be read")
	}
	err := ui.Svc.VerifySecondFactor(ctx, userID, r.PostForm.Get("code"), clientIP(r))
	var ae *aims.Error
	if errors.As(err, &ae) && (ae.Kind == aims.KindUnauthenticated || ae.Kind == aims.KindRateLimited) {
		return render(w, r, errorStatus(err), SecondFactorPage(ui.page(r, "Second factor", ""), messageWords(ae.Message)))
	}
	if err != nil {
		return err
	}
	ui.Sessions.Remove(ctx, sessionPendingMFA)
	res, err := ui.Svc.LoginResultFor(ctx, userID)
	if err != nil {
		return err
	}
	return ui.afterLogin(w, r, res, ui.Sessions.PopString(ctx, sessionPendingNext))
}

// afterLogin finishes a sign-in with a password (and second factor): one
// organization is entered at once, several are chosen from.
func (ui *UI) afterLogin(w http.ResponseWriter, r *http.Request, res *service.LoginResult, next string) error {
	ctx := r.Context()
	if err := ui.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	ui.Sessions.Put(ctx, sessionEpoch, res.User.SessionEpoch)
	ui.Sessions.Put(ctx, sessionMethod, "password")
	if len(res.Memberships) > 1 {
		ui.Sessions.Put(ctx, sessionPendingUser, res.User.ID)
		return render(w, r, http.StatusOK, ChooseOrgPage(ui.page(r, "Choose an organization", ""), res.Memberships))
	}
	if err := ui.startSession(r, res.User.ID, res.Memberships[0]); err != nil {
		return err
	}
	if ui.Sessions.GetBool(ctx, sessionMustEnrol) {
		next = "/account/totp"
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

// startSession signs the person in to one organization (the session epoch
// was put at sign-in), notes the session for the account page, and marks
// it when the organization requires a second factor the person lacks.
func (ui *UI) startSession(r *http.Request, userID string, m store.Membership) error {
	ctx := r.Context()
	ui.Sessions.Remove(ctx, sessionPendingUser)
	ui.Sessions.Put(ctx, sessionUserID, userID)
	ui.Sessions.Put(ctx, sessionOrgID, m.Org.ID)
	method := ui.Sessions.GetString(ctx, sessionMethod)
	if method == "" {
		method = "password"
	}
	if method == "password" {
		must, err := ui.Svc.MustEnrolTOTP(ctx, userID, m.Org.ID, m.Role)
		if err != nil {
			return err
		}
		if must {
			ui.Sessions.Put(ctx, sessionMustEnrol, true)
		}
	}
	ui.Sessions.Put(ctx, sessionSeenAt, time.Now().Unix())
	return ui.Svc.NoteSession(ctx, ui.Sessions.Token(ctx), userID, m.Org.ID, r.UserAgent(), clientIP(r), method)
}

// seen stamps the session's last use, at most once a minute, and holds a
// person who must set up a second factor on its page.
func (ui *UI) seen(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if ui.Sessions.GetBool(ctx, sessionMustEnrol) && !strings.HasPrefix(r.URL.Path, "/account/totp") && !strings.HasPrefix(r.URL.Path, "/static/") {
			http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
			return
		}
		if last := ui.Sessions.GetInt64(ctx, sessionSeenAt); last != 0 && time.Since(time.Unix(last, 0)) > time.Minute {
			ui.Sessions.Put(ctx, sessionSeenAt, time.Now().Unix())
			_ = ui.Svc.SeenSession(ctx, ui.Sessions.Token(ctx), clientIP(r))
		}
		next.ServeHTTP(w, r)
	})
}

// logout ends the session (its row is deleted, so the cookie is worthless
// even if it was copied); a person who signed in through the provider is
// then sent to the provider's sign-out, when it has one. A form may not
// redirect to another site (the policy's form-action), so a page of ours
// takes the browser there.
func (ui *UI) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	idToken, orgID := ui.Sessions.GetString(ctx, sessionIDToken), ui.Sessions.GetString(ctx, sessionOrgID)
	if err := ui.Sessions.Destroy(ctx); err != nil {
		return err
	}
	if idToken != "" {
		if u := ui.Svc.SSOSignOutURL(ctx, orgID, idToken, ui.baseURL(r)+"/login"); u != "" {
			return render(w, r, http.StatusOK, SignedOutPage(ui.page(r, "Signed out", ""), u))
		}
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
