package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func (ui *UI) registerContextIssues(r chi.Router) {
	r.Get("/context", ui.handle(ui.contextPage))
	r.Get("/context/categories", ui.handle(ui.contextCategoriesForm))
	r.Post("/context/categories", ui.handle(ui.contextCategoriesSave))
	crud[aims.ContextIssue]{
		path: "/context/issues", noun: "context issue", plural: "context issues",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.ContextIssue, int, bool, error) {
			f := aims.ContextIssueFilter{Search: q.Get("q"), Category: q.Get("category"), Origin: aims.IssueOrigin(q.Get("origin")),
				Relevance: aims.Relevance(q.Get("relevance")), Sort: q.Get("sort"), Page: page}
			list, total, err := ui.Svc.FindContextIssues(ctx, f)
			return list, total, f.Search != "" || f.Category != "" || f.Origin != "" || f.Relevance != "", err
		},
		listPage: ContextIssueListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, c *aims.ContextIssue) error {
			return render(w, r, http.StatusOK, ContextIssuePage(ui.page(r, c.Title, "context issues"), c))
		},
		find:  ui.Svc.FindContextIssueByID,
		key:   func(c *aims.ContextIssue) (string, string) { return c.ID, c.Title },
		blank: func() *aims.ContextIssue { return &aims.ContextIssue{Relevance: aims.RelevanceToDetermine} },
		read: func(id string, f url.Values) (*aims.ContextIssue, error) {
			c := &aims.ContextIssue{ID: id, Title: f.Get("title"), Category: f.Get("category"), Origin: aims.IssueOrigin(f.Get("origin")),
				Description: f.Get("description"), Effect: f.Get("effect"), Relevance: aims.Relevance(f.Get("relevance")),
				Reason: f.Get("relevance_reason"), Climate: f.Get("climate_change") != "", Risks: formRefs(f["risks"])}
			var v aims.Validation
			c.ReviewDate = formDate(&v, f, "review_date")
			return c, v.Err()
		},
		create: ui.Svc.CreateContextIssue,
		update: func(ctx context.Context, c *aims.ContextIssue) error {
			risks := aims.RefIDs(c.Risks)
			review := aims.Date{}
			if c.ReviewDate != nil {
				review = *c.ReviewDate
			}
			// The form does not show the objectives: they are kept.
			_, err := ui.Svc.UpdateContextIssue(ctx, c.ID, aims.ContextIssueUpdate{Title: &c.Title, Category: &c.Category, Origin: &c.Origin,
				Description: &c.Description, Effect: &c.Effect, Relevance: &c.Relevance, Reason: &c.Reason, Climate: &c.Climate,
				Risks: &risks, ReviewDate: &review})
			return err
		},
		delete: ui.Svc.DeleteContextIssue,
		form:   (*UI).contextIssueForm,
	}.routes(ui, r)
}

// contextIssueForm is the create and edit form of a context issue.
type contextIssueForm struct {
	formState[aims.ContextIssue]
	Categories []option
	Risks      []option
}

// Action is where the form posts.
func (f contextIssueForm) Action() string {
	if f.New {
		return "/context/issues/new"
	}
	return "/context/issues/" + f.Record.ID + "/edit"
}

func (ui *UI) contextIssueForm(r *http.Request, p Page, st formState[aims.ContextIssue]) (templ.Component, error) {
	f := contextIssueForm{formState: st}
	cats, err := ui.Svc.ContextCategories(r.Context())
	if err != nil {
		return nil, err
	}
	for _, c := range cats.Categories {
		f.Categories = append(f.Categories, option{Value: c, Label: c, Selected: aims.FoldKey(c) == aims.FoldKey(st.Record.Category)})
	}
	if st.Record.Category != "" && !cats.Has(st.Record.Category) {
		f.Categories = append(f.Categories, option{Value: st.Record.Category, Label: st.Record.Category + " (no longer in the list)", Selected: true})
	}
	risks, _, err := ui.Svc.FindRisks(r.Context(), aims.RiskFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	chosen := map[string]bool{}
	for _, x := range st.Record.Risks {
		chosen[x.ID] = true
	}
	for _, x := range risks {
		f.Risks = append(f.Risks, option{Value: x.ID, Label: x.Ref() + " " + x.Title, Selected: chosen[x.ID]})
	}
	return ContextIssueFormPage(p, f), nil
}

// contextView is the Context page: the summary of issues and parties.
type contextView struct {
	Summary    *aims.ContextSummary
	Categories *aims.ContextCategories
}

func (ui *UI) contextPage(w http.ResponseWriter, r *http.Request) error {
	s, err := ui.Svc.ContextSummary(r.Context())
	if err != nil {
		return err
	}
	cats, err := ui.Svc.ContextCategories(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, ContextPage(ui.page(r, "Context of the organization", "context"), contextView{Summary: s, Categories: cats}))
}

// categoriesForm is the form of the organization's context categories.
type categoriesForm struct {
	Text   string
	Errors formErrors
}

func (ui *UI) contextCategoriesForm(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "change the context categories"); err != nil {
		return err
	}
	cats, err := ui.Svc.ContextCategories(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, ContextCategoriesPage(ui.page(r, "Context categories", "context"), categoriesForm{Text: joinLines(cats.Categories)}))
}

func (ui *UI) contextCategoriesSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	text := r.PostForm.Get("categories")
	_, err := ui.Svc.SaveContextCategories(r.Context(), splitLines(text))
	if fe, ok := fieldErrors(err); ok {
		return render(w, r, errorStatus(err), ContextCategoriesPage(ui.page(r, "Context categories", "context"), categoriesForm{Text: text, Errors: fe}))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved the context categories.", "/context")
}

// joinLines writes a list one entry a line, for a text area.
func joinLines(l []string) string { return strings.Join(l, "\n") }

// splitLines reads a text area's lines as a list.
func splitLines(s string) []string { return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }

// relevanceBadge is the badge class of an issue's relevance.
func relevanceBadge(r aims.Relevance) string {
	switch r {
	case aims.RelevanceRelevant:
		return "badge ok"
	case aims.RelevanceNotRelevant:
		return "badge muted"
	}
	return "badge warn"
}
