package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// tokenListView is the API tokens page.
type tokenListView struct {
	Tokens         []*aims.Token
	Pager          Pager
	IncludeRevoked bool
	Now            time.Time
}

func (ui *UI) tokenList(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageTokens), "manage API tokens"); err != nil {
		return err
	}
	f := aims.TokenFilter{IncludeRevoked: r.URL.Query().Get("include_revoked") == "true", Page: pageParams(r, listPerPage)}
	list, total, err := ui.Svc.FindTokens(r.Context(), f)
	if err != nil {
		return err
	}
	v := tokenListView{Tokens: list, Pager: newPager(r, f.Page, total), IncludeRevoked: f.IncludeRevoked, Now: time.Now()}
	return render(w, r, http.StatusOK, TokenListPage(ui.page(r, "API tokens", "admin-tokens"), v))
}

// tokenForm creates a token.
type tokenForm struct {
	Name      string
	UserID    string
	ExpiresOn string // YYYY-MM-DD as typed
	Members   []option
	Errors    formErrors
}

func (ui *UI) renderTokenForm(w http.ResponseWriter, r *http.Request, status int, f tokenForm) error {
	var err error
	if f.Members, err = ui.memberOptions(r, f.UserID, false); err != nil {
		return err
	}
	return render(w, r, status, TokenFormPage(ui.page(r, "Create an API token", "admin-tokens"), f))
}

func (ui *UI) tokenNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageTokens), "create API tokens"); err != nil {
		return err
	}
	return ui.renderTokenForm(w, r, http.StatusOK, tokenForm{UserID: viewer(r).Principal.UserID})
}

func (ui *UI) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := tokenForm{Name: r.PostForm.Get("name"), UserID: r.PostForm.Get("user_id"), ExpiresOn: r.PostForm.Get("expires_on")}
	in := aims.NewToken{Name: f.Name, UserID: f.UserID}
	var v aims.Validation
	// The token stops working at the start of the chosen day, UTC.
	if d := formDate(&v, r.PostForm, "expires_on"); d != nil {
		in.ExpiresAt = &d.Time
	}
	err := v.Err()
	var secret string
	var t *aims.Token
	if err == nil {
		secret, t, err = ui.Svc.CreateToken(r.Context(), in)
	}
	if fe, ok := fieldErrors(err); ok {
		if fe.Has("expires_at") {
			fe["expires_on"] = fe["expires_at"]
		}
		f.Errors = fe
		return ui.renderTokenForm(w, r, errorStatus(err), f)
	}
	if err != nil {
		return err
	}
	// The secret is shown on this response only: aims keeps its hash.
	w.Header().Set("Cache-Control", "no-store")
	return render(w, r, http.StatusCreated, TokenCreatedPage(ui.page(r, "API token created", "admin-tokens"), t, secret))
}

func (ui *UI) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	t, err := ui.Svc.RevokeToken(r.Context(), chi.URLParam(r, "id"))
	switch {
	case aims.IsKind(err, aims.KindConflict):
		return ui.done(w, r, "That token was already revoked.", "/admin/tokens")
	case err != nil:
		return err
	}
	return ui.done(w, r, "Revoked the token “"+t.Name+"” of "+t.UserEmail+". It stopped working at once.", "/admin/tokens")
}
