package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/a-h/templ"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

func (ui *UI) registerDatasets(r chi.Router) {
	crud[aims.Dataset]{
		path: "/datasets", noun: "dataset", plural: "datasets",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.Dataset, int, bool, error) {
			f := aims.DatasetFilter{Search: q.Get("q"), PersonalData: aims.PersonalData(q.Get("personal_data")),
				SupplierID: q.Get("supplier_id"), Page: page}
			list, total, err := ui.Svc.FindDatasets(ctx, f)
			return list, total, f.Search != "" || f.PersonalData != "" || f.SupplierID != "", err
		},
		listPage: DatasetListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, d *aims.Dataset) error {
			return render(w, r, http.StatusOK, DatasetPage(ui.page(r, d.Name, "datasets"), d))
		},
		find:   ui.Svc.FindDatasetByID,
		key:    func(d *aims.Dataset) (string, string) { return d.ID, d.Name },
		blank:  func() *aims.Dataset { return &aims.Dataset{PersonalData: aims.PersonalDataUnknown} },
		read:   datasetFromForm,
		create: ui.Svc.CreateDataset,
		update: func(ctx context.Context, d *aims.Dataset) error {
			_, err := ui.Svc.UpdateDataset(ctx, d.ID, datasetUpdate(d))
			return err
		},
		delete: ui.Svc.DeleteDataset,
		form:   (*UI).datasetForm,
	}.routes(ui, r)
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
func datasetFromForm(id string, f url.Values) (*aims.Dataset, error) {
	d := &aims.Dataset{ID: id, Name: f.Get("name"), Description: f.Get("description"), Origin: f.Get("origin"),
		CollectionMethod: f.Get("collection_method"), PersonalData: aims.PersonalData(f.Get("personal_data")),
		Licence: f.Get("licence"), QualityNotes: f.Get("quality_notes"), SupplierID: f.Get("supplier_id"), Tags: formRefs(f["tags"])}
	var v aims.Validation
	d.WindowStart = formDate(&v, f, "window_start")
	d.WindowEnd = formDate(&v, f, "window_end")
	return d, v.Err()
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

func (ui *UI) datasetForm(r *http.Request, p Page, st formState[aims.Dataset]) (templ.Component, error) {
	f := datasetForm{Dataset: st.Record, New: st.New, Errors: st.Errors}
	var err error
	if f.Suppliers, err = ui.supplierOptions(r, f.Dataset.SupplierID); err != nil {
		return nil, err
	}
	if f.Tags, err = ui.newPicker(r, ui.tagOptions, f.Dataset.Tags, "/lineage/tags/options", "tags"); err != nil {
		return nil, err
	}
	if st.Posted != nil {
		f.WindowStart, f.WindowEnd = st.Posted.Get("window_start"), st.Posted.Get("window_end")
	}
	if f.WindowStart == "" && f.WindowEnd == "" {
		f.WindowStart, f.WindowEnd = dateOf(f.Dataset.WindowStart), dateOf(f.Dataset.WindowEnd)
	}
	return DatasetFormPage(p, f), nil
}
