package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

const sessionPendingUser = "pending_user_id"

func (ui *UI) loginPage(w http.ResponseWriter, r *http.Request) error {
	f := LoginForm{Next: safeNext(r.URL.Query().Get("next")), Org: r.URL.Query().Get("org")}
	if f.Org != "" {
		opts, err := ui.Svc.SignInOptionsFor(r.Context(), f.Org)
		if err == nil {
			f.Options = opts
		} else if aims.IsKind(err, aims.KindNotFound) {
			f.Error = "There is no organization with that short name."
		} else {
			return err
		}
	}
	return render(w, r, http.StatusOK, LoginPage(ui.page(r, "Sign in", ""), f))
}

// safeNext keeps a post-login redirect on this site. A browser parsing the
// Location header drops tabs and newlines anywhere, strips leading control
// characters and spaces, and reads a backslash as a slash, so "/\t/evil"
// and "/\\evil" both lead to //evil, another host. Only a plain path is
// kept: it starts with one slash and has no control character, no
// backslash and no "//" at its start; anything else goes home.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') || len(next) > 2048 {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || unicode.IsControl(c) || unicode.Is(unicode.White_Space, c) || c == utf8.RuneError {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

func (ui *UI) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return aims.Errorf(aims.KindBadRequest, "the form could not be read")
	}
	email, next := r.PostForm.Get("email"), safeNext(r.PostForm.Get("next"))
	res, err := ui.Svc.Login(r.Context(), email, r.PostForm.Get("password"), clientIP(r))
	var ae *aims.Error
	if errors.As(err, &ae) && (ae.Kind == aims.KindUnauthenticated || ae.Kind == aims.KindRateLimited) {
		return render(w, r, errorStatus(err), LoginPage(ui.page(r, "Sign in", ""), LoginForm{Email: email, Next: next, Error: messageWords(ae.Message)}))
	}
	if err != nil {
		return err
	}
	if res.SecondFactor {
		// The password is right; the person is not signed in until the
		// code is. A new token first, against session fixation.
		if err := ui.Sessions.RenewToken(r.Context()); err != nil {
			return err
		}
		ui.Sessions.Put(r.Context(), sessionPendingMFA, res.User.ID)
		ui.Sessions.Put(r.Context(), sessionPendingNext, next)
		return render(w, r, http.StatusOK, SecondFactorPage(ui.page(r, "Second factor", ""), ""))
	}
	// A new session token at sign-in defeats session fixation.
	return ui.afterLogin(w, r, res, next)
}

func (ui *UI) chooseOrg(w http.ResponseWriter, r *http.Request) error {
	userID := ui.Sessions.GetString(r.Context(), sessionPendingUser)
	if userID == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	orgID := r.FormValue("org_id")
	p, err := ui.Svc.PrincipalForSession(r.Context(), userID, orgID, ui.Sessions.GetInt64(r.Context(), sessionEpoch))
	if err != nil {
		return err
	}
	if err := ui.startSession(r, userID, store.Membership{Org: aims.Organization{ID: p.OrgID}, Role: p.Role}); err != nil {
		return err
	}
	next := "/"
	if ui.Sessions.GetBool(r.Context(), sessionMustEnrol) {
		next = "/account/totp"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (ui *UI) setupPage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if !ui.Setup.Valid(token) {
		return aims.ErrNotFound("setup link (it works once, and only while aims has no users; run 'aims user create' instead)")
	}
	return render(w, r, http.StatusOK, SetupPage(ui.page(r, "Set up aims", ""), SetupForm{Token: token}))
}

func (ui *UI) setup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return aims.Errorf(aims.KindBadRequest, "the form could not be read")
	}
	f := SetupForm{Token: r.PostForm.Get("token"), OrgName: strings.TrimSpace(r.PostForm.Get("org_name")),
		OrgSlug: strings.TrimSpace(r.PostForm.Get("org")), Name: strings.TrimSpace(r.PostForm.Get("name")), Email: r.PostForm.Get("email")}
	if !ui.Setup.Valid(f.Token) {
		return aims.ErrNotFound("setup link")
	}
	// The transaction claims the setup (store.ClaimSetup): of parallel
	// requests, even on several replicas, one creates the organization.
	org, m, err := ui.Svc.BootstrapUser(r.Context(), service.Bootstrap{OrgSlug: f.OrgSlug, OrgName: f.OrgName, Email: f.Email,
		Name: f.Name, Role: aims.RoleAdmin, Password: r.PostForm.Get("password"),
		Actor: aims.Actor{Kind: aims.ActorSystem, Label: "setup link"}, FirstStart: true})
	if errors.Is(err, store.ErrSetupDone) {
		ui.Setup.Consume()
		return err
	}
	if fe, ok := fieldErrors(err); ok {
		f.Errors = fe
		return render(w, r, http.StatusUnprocessableEntity, SetupPage(ui.page(r, "Set up aims", ""), f))
	}
	if err != nil {
		return err
	}
	ui.Setup.Consume()
	if err := ui.Sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	ui.Sessions.Put(r.Context(), sessionEpoch, m.SessionEpoch)
	if err := ui.startSession(r, m.ID, store.Membership{Org: *org, Role: aims.RoleAdmin}); err != nil {
		return err
	}
	ui.flash(r, "Welcome. Start by registering your AI systems.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
