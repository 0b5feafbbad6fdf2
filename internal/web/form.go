package web

import (
	"errors"
	"net/http"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// maxFormBody bounds an ordinary (not multipart) form; the services bound
// each field far below it.
const maxFormBody = 1 << 20

// parseForm reads a posted form, refusing one over maxFormBody.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return aims.Errorf(aims.KindTooLarge, "the form is larger than 1 MiB")
		}
		return aims.Errorf(aims.KindBadRequest, "the form could not be read")
	}
	return nil
}

// deletion describes a record a person asked to delete.
type deletion struct {
	What   string // "AI system"
	Name   string
	Action string // where the confirmation posts
	Cancel string // where Cancel and a refused delete lead
}

// confirmDelete shows the confirmation page.
func (ui *UI) confirmDelete(w http.ResponseWriter, r *http.Request, d deletion) error {
	return render(w, r, http.StatusOK, ConfirmDeletePage(ui.page(r, "Delete "+d.What, ""), d.What, d.Name, d.Action, d.Cancel, ""))
}

// deleteAndRedirect runs del; a refusal the person can act on (a conflict:
// other records link to it) shows the confirmation page again with the
// reason, anything else goes to the error page.
func (ui *UI) deleteAndRedirect(w http.ResponseWriter, r *http.Request, d deletion, del func() error, next string) error {
	err := del()
	var ae *aims.Error
	if errors.As(err, &ae) && ae.Kind == aims.KindConflict {
		return render(w, r, http.StatusConflict, ConfirmDeletePage(ui.page(r, "Delete "+d.What, ""), d.What, d.Name, d.Action, d.Cancel, messageWords(ae.Message)))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Deleted "+d.What+" “"+d.Name+"”.", next)
}

// done ends a successful post: it leaves msg for the next page and sends
// the browser there with 303, so that reloading does not post again.
func (ui *UI) done(w http.ResponseWriter, r *http.Request, msg, next string) error {
	ui.flash(r, msg)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// allowed spares a person a form that the service would refuse anyway:
// ok comes from Page.Can or Page.CanEditSystem. It decides nothing the
// service does not decide again when the form is posted.
func (ui *UI) allowed(r *http.Request, ok bool, what string) error {
	if ok {
		return nil
	}
	if authz.PrincipalFrom(r.Context()) == nil {
		return &aims.Error{Kind: aims.KindUnauthenticated, Message: "sign in first"}
	}
	return aims.ErrForbidden(what)
}
