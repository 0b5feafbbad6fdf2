package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func (ui *UI) registerDatasets(r chi.Router) {
	r.Get("/datasets", ui.handle(ui.datasetList))
	r.Get("/datasets/new", ui.handle(ui.datasetNew))
	r.Post("/datasets/new", ui.handle(ui.datasetSave))
	r.Get("/datasets/{id}", ui.handle(ui.datasetDetail))
	r.Get("/datasets/{id}/edit", ui.handle(ui.datasetEdit))
	r.Post("/datasets/{id}/edit", ui.handle(ui.datasetSave))
	r.Get("/datasets/{id}/delete", ui.handle(ui.datasetDeleteConfirm))
	r.Post("/datasets/{id}/delete", ui.handle(ui.datasetDelete))
}

// datasetListView is what the dataset list shows.
type datasetListView struct {
	Query    url.Values
	Datasets []*aims.Dataset
	Pager    Pager
	Filtered bool
}

func (ui *UI) datasetList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := aims.DatasetFilter{Search: q.Get("q"), PersonalData: aims.PersonalData(q.Get("personal_data")),
		SupplierID: q.Get("supplier_id"), Page: pageParams(r, listPerPage)}
	list, total, err := ui.Svc.FindDatasets(r.Context(), f)
	if err != nil {
		return err
	}
	v := datasetListView{Query: q, Datasets: list, Pager: newPager(r, f.Page, total),
		Filtered: f.Search != "" || f.PersonalData != "" || f.SupplierID != ""}
	return render(w, r, http.StatusOK, DatasetListPage(ui.page(r, "Datasets", "datasets"), v))
}

func (ui *UI) datasetDetail(w http.ResponseWriter, r *http.Request) error {
	d, err := ui.Svc.FindDatasetByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, DatasetPage(ui.page(r, d.Name, "datasets"), d))
}

// datasetForm is the create and edit form of a dataset.
type datasetForm struct {
	Dataset   *aims.Dataset
	New       bool
	Suppliers []option
	Tags      picker // the organization's tags, the chosen ones ticked
	Errors    formErrors
	// WindowStart and WindowEnd hold the dates as typed, so that a date
	// that could not be read is shown again as it was.
	WindowStart, WindowEnd string
}

// Action is where the form posts.
func (f datasetForm) Action() string {
	if f.New {
		return "/datasets/new"
	}
	return "/datasets/" + f.Dataset.ID + "/edit"
}

// datasetFromForm reads the form; a date that is not YYYY-MM-DD is reported
// as a field error of its own (browsers send date inputs in that form, so
// only a hand-made request meets it).
func datasetFromForm(f url.Values) (*aims.Dataset, error) {
	d := &aims.Dataset{Name: f.Get("name"), Description: f.Get("description"), Origin: f.Get("origin"),
		CollectionMethod: f.Get("collection_method"), PersonalData: aims.PersonalData(f.Get("personal_data")),
		Licence: f.Get("licence"), QualityNotes: f.Get("quality_notes"), SupplierID: f.Get("supplier_id"), Tags: formRefs(f["tags"])}
	var v aims.Validation
	d.WindowStart = formDate(&v, f, "window_start")
	d.WindowEnd = formDate(&v, f, "window_end")
	return d, v.Err()
}

// formDate reads an optional date input.
func formDate(v *aims.Validation, f url.Values, name string) *aims.Date {
	s := f.Get(name)
	if s == "" {
		return nil
	}
	d, err := aims.ParseDate(s)
	if err != nil {
		v.Add(name, "%s", err.Error())
		return nil
	}
	return &d
}

func datasetUpdate(d *aims.Dataset) aims.DatasetUpdate {
	// A zero date clears a bound; the form always sends both.
	start, end := aims.Date{}, aims.Date{}
	if d.WindowStart != nil {
		start = *d.WindowStart
	}
	if d.WindowEnd != nil {
		end = *d.WindowEnd
	}
	tags := aims.RefIDs(d.Tags)
	return aims.DatasetUpdate{Name: &d.Name, Description: &d.Description, Origin: &d.Origin, CollectionMethod: &d.CollectionMethod,
		PersonalData: &d.PersonalData, Licence: &d.Licence, QualityNotes: &d.QualityNotes, WindowStart: &start, WindowEnd: &end,
		SupplierID: &d.SupplierID, Tags: &tags}
}

func (ui *UI) renderDatasetForm(w http.ResponseWriter, r *http.Request, status int, f datasetForm) error {
	var err error
	if f.Suppliers, err = ui.supplierOptions(r, f.Dataset.SupplierID); err != nil {
		return err
	}
	if f.Tags, err = ui.newPicker(r, ui.tagOptions, f.Dataset.Tags, "/lineage/tags/options", "tags"); err != nil {
		return err
	}
	if f.WindowStart == "" && f.WindowEnd == "" {
		f.WindowStart, f.WindowEnd = dateOf(f.Dataset.WindowStart), dateOf(f.Dataset.WindowEnd)
	}
	title := "Register a dataset"
	if !f.New {
		title = "Edit dataset"
	}
	return render(w, r, status, DatasetFormPage(ui.page(r, title, "datasets"), f))
}

func (ui *UI) datasetNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "register datasets"); err != nil {
		return err
	}
	return ui.renderDatasetForm(w, r, http.StatusOK, datasetForm{Dataset: &aims.Dataset{PersonalData: aims.PersonalDataUnknown}, New: true})
}

// datasetSave registers a dataset or saves an edit.
func (ui *UI) datasetSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	d, err := datasetFromForm(r.PostForm)
	d.ID = chi.URLParam(r, "id")
	isNew := d.ID == ""
	switch {
	case err != nil:
	case isNew:
		err = ui.Svc.CreateDataset(r.Context(), d)
	default:
		_, err = ui.Svc.UpdateDataset(r.Context(), d.ID, datasetUpdate(d))
	}
	if fe, ok := fieldErrors(err); ok {
		return ui.renderDatasetForm(w, r, errorStatus(err), datasetForm{Dataset: d, New: isNew, Errors: fe,
			WindowStart: r.PostForm.Get("window_start"), WindowEnd: r.PostForm.Get("window_end")})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved dataset “"+strings.TrimSpace(d.Name)+"”.", "/datasets/"+d.ID)
}

func (ui *UI) datasetEdit(w http.ResponseWriter, r *http.Request) error {
	d, err := ui.Svc.FindDatasetByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "change datasets"); err != nil {
		return err
	}
	return ui.renderDatasetForm(w, r, http.StatusOK, datasetForm{Dataset: d})
}

func datasetDeletion(d *aims.Dataset) deletion {
	return deletion{What: "dataset", Name: d.Name, Action: "/datasets/" + d.ID + "/delete", Cancel: "/datasets/" + d.ID}
}

func (ui *UI) datasetDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	d, err := ui.Svc.FindDatasetByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "delete datasets"); err != nil {
		return err
	}
	return ui.confirmDelete(w, r, datasetDeletion(d))
}

func (ui *UI) datasetDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := ui.Svc.FindDatasetByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, datasetDeletion(d), func() error { return ui.Svc.DeleteDataset(ctx, d.ID) }, "/datasets")
}
