package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// obligationForm is what a person entered to set an obligation's status,
// kept to show again next to its errors.
type obligationForm struct {
	Article, Status, Note string
	Errors                formErrors
}

// obligationOptions lists a system's obligations for the form's select.
func obligationOptions(obs []aims.SystemObligation, selected string) []option {
	out := make([]option, len(obs))
	for i, o := range obs {
		out[i] = option{Value: o.Article, Label: o.Article + " " + o.Title, Selected: o.Article == selected}
	}
	return out
}

// obligationBadge styles an obligation's status: settled ones are green,
// work under way amber, open ones red.
func obligationBadge(s aims.ObligationState) string {
	switch s {
	case aims.ObligationMet, aims.ObligationNotApplicable:
		return "badge ok"
	case aims.ObligationInProgress:
		return "badge warn"
	}
	return "badge tier-high-risk"
}

// obligationSet sets the status of one of a system's obligations from the
// system page's form; refused input shows the page again with the
// messages next to the fields.
func (ui *UI) obligationSet(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	f := obligationForm{Article: r.PostFormValue("article"), Status: r.PostFormValue("status"), Note: r.PostFormValue("note")}
	o, err := ui.Svc.SetObligationStatus(r.Context(), &aims.ObligationStatus{SystemID: id, Article: f.Article,
		Status: aims.ObligationState(f.Status), Note: f.Note})
	if fe, ok := fieldErrors(err); ok {
		f.Errors = fe
		return ui.systemPageWith(w, r, http.StatusUnprocessableEntity, func(v *systemView) { v.Obligation = f })
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, o.Article+" is now "+o.State.Status.Title()+".", "/systems/"+id+"#obligation-panel")
}
