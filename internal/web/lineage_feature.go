package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Features: values derived from one or more tags, with the transformation
// described; model versions declare the features they consume (A.7.5,
// A.7.6 data preparation).

// featureListView is what the feature list shows.
type featureListView struct {
	Query    url.Values
	Features []*aims.Feature
	Pager    Pager
	Filtered bool
}

func (ui *UI) featureList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := aims.FeatureFilter{Query: q.Get("q"), TagID: q.Get("tag_id"), Page: pageParams(r, listPerPage)}
	list, total, err := ui.Svc.FindFeatures(r.Context(), f)
	if err != nil {
		return err
	}
	v := featureListView{Query: q, Features: list, Pager: newPager(r, f.Page, total), Filtered: f.Query != "" || f.TagID != ""}
	return render(w, r, http.StatusOK, FeatureListPage(ui.page(r, "Features", "lineage"), v))
}

func (ui *UI) featureDetail(w http.ResponseWriter, r *http.Request) error {
	f, err := ui.Svc.FindFeatureByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, FeaturePage(ui.page(r, f.Name, "lineage"), f))
}

// featureForm is the create and edit form of a feature.
type featureForm struct {
	Feature *aims.Feature
	New     bool
	Tags    picker
	Errors  formErrors
}

// Action is where the form posts.
func (f featureForm) Action() string {
	if f.New {
		return "/lineage/features/new"
	}
	return "/lineage/features/" + f.Feature.ID + "/edit"
}

// Cancel is where Cancel leads.
func (f featureForm) Cancel() string {
	if f.New {
		return "/lineage/features"
	}
	return "/lineage/features/" + f.Feature.ID
}

func featureFromForm(f url.Values) *aims.Feature {
	return &aims.Feature{Name: f.Get("name"), Unit: f.Get("unit"), Description: f.Get("description"),
		Transformation: f.Get("transformation"), Tags: formRefs(f["tags"])}
}

func (ui *UI) renderFeatureForm(w http.ResponseWriter, r *http.Request, status int, f featureForm) error {
	var err error
	if f.Tags, err = ui.newPicker(r, ui.tagOptions, f.Feature.Tags, "/lineage/tags/options", "tags"); err != nil {
		return err
	}
	title := "Register a feature"
	if !f.New {
		title = "Edit feature " + f.Feature.Name
	}
	return render(w, r, status, FeatureFormPage(ui.page(r, title, "lineage"), f))
}

func (ui *UI) featureNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "register features"); err != nil {
		return err
	}
	return ui.renderFeatureForm(w, r, http.StatusOK, featureForm{New: true, Feature: &aims.Feature{}})
}

func (ui *UI) featureEdit(w http.ResponseWriter, r *http.Request) error {
	f, err := ui.Svc.FindFeatureByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "change features"); err != nil {
		return err
	}
	return ui.renderFeatureForm(w, r, http.StatusOK, featureForm{Feature: f})
}

// featureSave registers a feature or saves an edit.
func (ui *UI) featureSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := featureFromForm(r.PostForm)
	f.ID = chi.URLParam(r, "id")
	isNew := f.ID == ""
	var err error
	if isNew {
		err = ui.Svc.CreateFeature(r.Context(), f)
	} else {
		tags := aims.RefIDs(f.Tags)
		_, err = ui.Svc.UpdateFeature(r.Context(), f.ID, aims.FeatureUpdate{Name: &f.Name, Unit: &f.Unit, Description: &f.Description,
			Transformation: &f.Transformation, Tags: &tags})
	}
	if fe, ok := fieldErrors(err); ok {
		return ui.renderFeatureForm(w, r, errorStatus(err), featureForm{Feature: f, New: isNew, Errors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved feature “"+strings.TrimSpace(f.Name)+"”.", "/lineage/features/"+f.ID)
}

func featureDeletion(f *aims.Feature) deletion {
	return deletion{What: "feature", Name: f.Name, Action: "/lineage/features/" + f.ID + "/delete", Cancel: "/lineage/features/" + f.ID}
}

func (ui *UI) featureDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	f, err := ui.Svc.FindFeatureByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "delete features"); err != nil {
		return err
	}
	return ui.confirmDelete(w, r, featureDeletion(f))
}

func (ui *UI) featureDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := ui.Svc.FindFeatureByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, featureDeletion(f), func() error { return ui.Svc.DeleteFeature(ctx, f.ID) }, "/lineage/features")
}
