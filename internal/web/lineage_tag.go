package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Tags: named signals with a unit, produced by an instrument, with their
// known quality caveats (A.7.4); the name is the one gateways send as a
// decision input.

// tagListView is what the tag list shows.
type tagListView struct {
	Query       url.Values
	Tags        []*aims.Tag
	Pager       Pager
	Filtered    bool
	Instruments []option
}

func (ui *UI) tagList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := aims.TagFilter{Query: q.Get("q"), InstrumentID: q.Get("instrument_id"), Page: pageParams(r, listPerPage)}
	list, total, err := ui.Svc.FindTags(r.Context(), f)
	if err != nil {
		return err
	}
	v := tagListView{Query: q, Tags: list, Pager: newPager(r, f.Page, total), Filtered: f.Query != "" || f.InstrumentID != ""}
	if v.Instruments, err = ui.instrumentOptions(r, f.InstrumentID); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, TagListPage(ui.page(r, "Tags", "lineage"), v))
}

func (ui *UI) tagDetail(w http.ResponseWriter, r *http.Request) error {
	t, err := ui.Svc.FindTagByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, TagPage(ui.page(r, t.Name, "lineage"), t))
}

// tagForm is the create and edit form of a tag.
type tagForm struct {
	Tag         *aims.Tag
	New         bool
	Instruments []option
	// MoreInstruments: the select lists only some; a search finds others.
	MoreInstruments int
	Errors          formErrors
}

// Action is where the form posts.
func (f tagForm) Action() string {
	if f.New {
		return "/lineage/tags/new"
	}
	return "/lineage/tags/" + f.Tag.ID + "/edit"
}

// Cancel is where Cancel leads.
func (f tagForm) Cancel() string {
	if f.New {
		return "/lineage/tags"
	}
	return "/lineage/tags/" + f.Tag.ID
}

func tagFromForm(f url.Values) *aims.Tag {
	return &aims.Tag{Name: f.Get("name"), Unit: f.Get("unit"), InstrumentID: f.Get("instrument_id"),
		Description: f.Get("description"), QualityCaveats: f.Get("quality_caveats")}
}

func (ui *UI) renderTagForm(w http.ResponseWriter, r *http.Request, status int, f tagForm) error {
	opts, total, err := ui.instrumentChoices(r, "", f.Tag.InstrumentID, pickerFirst)
	if err != nil {
		return err
	}
	f.Instruments, f.MoreInstruments = opts, max(0, total-len(opts))
	title := "Register a tag"
	if !f.New {
		title = "Edit tag " + f.Tag.Name
	}
	return render(w, r, status, TagFormPage(ui.page(r, title, "lineage"), f))
}

func (ui *UI) tagNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "register tags"); err != nil {
		return err
	}
	return ui.renderTagForm(w, r, http.StatusOK, tagForm{New: true, Tag: &aims.Tag{InstrumentID: r.URL.Query().Get("instrument_id")}})
}

func (ui *UI) tagEdit(w http.ResponseWriter, r *http.Request) error {
	t, err := ui.Svc.FindTagByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "change tags"); err != nil {
		return err
	}
	return ui.renderTagForm(w, r, http.StatusOK, tagForm{Tag: t})
}

// tagSave registers a tag or saves an edit.
func (ui *UI) tagSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	t := tagFromForm(r.PostForm)
	t.ID = chi.URLParam(r, "id")
	isNew := t.ID == ""
	var err error
	if isNew {
		err = ui.Svc.CreateTag(r.Context(), t)
	} else {
		_, err = ui.Svc.UpdateTag(r.Context(), t.ID, aims.TagUpdate{Name: &t.Name, Unit: &t.Unit, InstrumentID: &t.InstrumentID,
			Description: &t.Description, QualityCaveats: &t.QualityCaveats})
	}
	if fe, ok := fieldErrors(err); ok {
		return ui.renderTagForm(w, r, errorStatus(err), tagForm{Tag: t, New: isNew, Errors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved tag “"+strings.TrimSpace(t.Name)+"”.", "/lineage/tags/"+t.ID)
}

func tagDeletion(t *aims.Tag) deletion {
	return deletion{What: "tag", Name: t.Name, Action: "/lineage/tags/" + t.ID + "/delete", Cancel: "/lineage/tags/" + t.ID}
}

func (ui *UI) tagDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	t, err := ui.Svc.FindTagByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "delete tags"); err != nil {
		return err
	}
	return ui.confirmDelete(w, r, tagDeletion(t))
}

func (ui *UI) tagDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := ui.Svc.FindTagByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, tagDeletion(t), func() error { return ui.Svc.DeleteTag(ctx, t.ID) }, "/lineage/tags")
}
