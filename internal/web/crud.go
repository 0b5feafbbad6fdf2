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

// crud serves the pages of a plain register: the list, the record's page,
// the form to register or edit one, and the confirmation and the delete.
// A register gives its templ components and its service verbs; the flow
// (who may see a form, field errors shown on the form again, a refused
// delete explained on the confirmation page) is written once, here.
type crud[T any] struct {
	path   string // "/suppliers"
	noun   string // "supplier"
	plural string // "suppliers", also the navigation entry

	// list reads the list's filter from the query and returns one page of
	// records, their total and whether a filter narrows them.
	list     func(ctx context.Context, q url.Values, page aims.Page) (items []*T, total int, filtered bool, err error)
	listPage func(p Page, v listView[T]) templ.Component
	// detail renders the record's page.
	detail func(ui *UI, w http.ResponseWriter, r *http.Request, v *T) error

	find   func(ctx context.Context, id string) (*T, error)
	key    func(v *T) (id, name string)
	blank  func() *T                                 // the record a new form starts from
	read   func(id string, f url.Values) (*T, error) // the record as posted; an error holds field errors
	create func(ctx context.Context, v *T) error
	update func(ctx context.Context, v *T) error // saves the posted record over the stored one
	delete func(ctx context.Context, id string) error
	// form renders the create and edit form.
	form func(ui *UI, r *http.Request, p Page, f formState[T]) (templ.Component, error)
}

// listView is what a register's list shows.
type listView[T any] struct {
	Query    url.Values
	Items    []*T
	Pager    Pager
	Filtered bool
}

// formState is a register's form: the record, whether it is new, the field
// errors, and the values as posted when the form is shown again.
type formState[T any] struct {
	Record *T
	New    bool
	Errors formErrors
	Posted url.Values
}

// routes registers the register's pages.
func (c crud[T]) routes(ui *UI, r chi.Router) {
	r.Get(c.path, ui.handle(c.listHandler(ui)))
	r.Get(c.path+"/new", ui.handle(c.newHandler(ui)))
	r.Post(c.path+"/new", ui.handle(c.saveHandler(ui)))
	r.Get(c.path+"/{id}", ui.handle(c.detailHandler(ui)))
	r.Get(c.path+"/{id}/edit", ui.handle(c.editHandler(ui)))
	r.Post(c.path+"/{id}/edit", ui.handle(c.saveHandler(ui)))
	r.Get(c.path+"/{id}/delete", ui.handle(c.deleteConfirmHandler(ui)))
	r.Post(c.path+"/{id}/delete", ui.handle(c.deleteHandler(ui)))
}

func (c crud[T]) listHandler(ui *UI) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		page := pageParams(r, listPerPage)
		items, total, filtered, err := c.list(r.Context(), q, page)
		if err != nil {
			return err
		}
		v := listView[T]{Query: q, Items: items, Pager: newPager(r, page, total), Filtered: filtered}
		return render(w, r, http.StatusOK, c.listPage(ui.page(r, strings.ToUpper(c.plural[:1])+c.plural[1:], c.plural), v))
	}
}

func (c crud[T]) detailHandler(ui *UI) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := c.find(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		return c.detail(ui, w, r, v)
	}
}

func (c crud[T]) renderForm(ui *UI, w http.ResponseWriter, r *http.Request, status int, f formState[T]) error {
	title := "Register a " + c.noun
	if !f.New {
		title = "Edit " + c.noun
	}
	page, err := c.form(ui, r, ui.page(r, title, c.plural), f)
	if err != nil {
		return err
	}
	return render(w, r, status, page)
}

func (c crud[T]) newHandler(ui *UI) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := ui.allowed(r, viewer(r).Can(authz.Edit), "register "+c.plural); err != nil {
			return err
		}
		return c.renderForm(ui, w, r, http.StatusOK, formState[T]{Record: c.blank(), New: true})
	}
}

// saveHandler registers a record or saves an edit; field errors show the
// form again with what was posted.
func (c crud[T]) saveHandler(ui *UI) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(w, r); err != nil {
			return err
		}
		id := chi.URLParam(r, "id")
		v, err := c.read(id, r.PostForm)
		isNew := id == ""
		switch {
		case err != nil:
		case isNew:
			err = c.create(r.Context(), v)
		default:
			err = c.update(r.Context(), v)
		}
		if fe, ok := fieldErrors(err); ok {
			return c.renderForm(ui, w, r, errorStatus(err), formState[T]{Record: v, New: isNew, Errors: fe, Posted: r.PostForm})
		}
		if err != nil {
			return err
		}
		id, name := c.key(v)
		return ui.done(w, r, "Saved "+c.noun+" “"+strings.TrimSpace(name)+"”.", c.path+"/"+id)
	}
}

func (c crud[T]) editHandler(ui *UI) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := c.find(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		if err := ui.allowed(r, viewer(r).Can(authz.Edit), "change "+c.plural); err != nil {
			return err
		}
		return c.renderForm(ui, w, r, http.StatusOK, formState[T]{Record: v})
	}
}

func (c crud[T]) deletion(v *T) deletion {
	id, name := c.key(v)
	return deletion{What: c.noun, Name: name, Action: c.path + "/" + id + "/delete", Cancel: c.path + "/" + id}
}

func (c crud[T]) deleteConfirmHandler(ui *UI) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := c.find(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		if err := ui.allowed(r, viewer(r).Can(authz.Edit), "delete "+c.plural); err != nil {
			return err
		}
		return ui.confirmDelete(w, r, c.deletion(v))
	}
}

func (c crud[T]) deleteHandler(ui *UI) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		v, err := c.find(ctx, chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		id, _ := c.key(v)
		return ui.deleteAndRedirect(w, r, c.deletion(v), func() error { return c.delete(ctx, id) }, c.path)
	}
}
