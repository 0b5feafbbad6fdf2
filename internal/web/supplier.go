package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

func (ui *UI) registerSuppliers(r chi.Router) {
	crud[aims.Supplier]{
		path: "/suppliers", noun: "supplier", plural: "suppliers",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.Supplier, int, bool, error) {
			f := aims.SupplierFilter{Search: q.Get("q"), Supplies: aims.SupplyCategory(q.Get("supplies")), Page: page}
			list, total, err := ui.Svc.FindSuppliers(ctx, f)
			return list, total, f.Search != "" || f.Supplies != "", err
		},
		listPage: SupplierListPage,
		detail:   (*UI).supplierDetail,
		find:     ui.Svc.FindSupplierByID,
		key:      func(s *aims.Supplier) (string, string) { return s.ID, s.Name },
		blank:    func() *aims.Supplier { return &aims.Supplier{} },
		read: func(id string, f url.Values) (*aims.Supplier, error) {
			return &aims.Supplier{ID: id, Name: f.Get("name"), Supplies: enumList[aims.SupplyCategory](f["supplies"]),
				Contact: f.Get("contact"), Website: f.Get("website"), AssessmentNotes: f.Get("assessment_notes")}, nil
		},
		create: ui.Svc.CreateSupplier,
		update: func(ctx context.Context, s *aims.Supplier) error {
			_, err := ui.Svc.UpdateSupplier(ctx, s.ID, aims.SupplierUpdate{Name: &s.Name, Supplies: &s.Supplies,
				Contact: &s.Contact, Website: &s.Website, AssessmentNotes: &s.AssessmentNotes})
			return err
		},
		delete: ui.Svc.DeleteSupplier,
		form: func(_ *UI, _ *http.Request, p Page, f formState[aims.Supplier]) (templ.Component, error) {
			return SupplierFormPage(p, supplierForm(f)), nil
		},
	}.routes(ui, r)
}

// supplierView is a supplier with what it supplies.
type supplierView struct {
	Supplier    *aims.Supplier
	Systems     []*aims.AISystem
	SystemTotal int
	Datasets    []*aims.Dataset
	DataTotal   int
}

// supplierPreview is how many linked systems and datasets the supplier
// page lists before linking to the filtered list.
const supplierPreview = 20

func (ui *UI) supplierDetail(w http.ResponseWriter, r *http.Request, s *aims.Supplier) error {
	ctx := r.Context()
	v := supplierView{Supplier: s}
	var err error
	v.Systems, v.SystemTotal, err = ui.Svc.FindSystems(ctx, aims.SystemFilter{SupplierID: s.ID, Page: aims.Page{Limit: supplierPreview}})
	if err != nil {
		return err
	}
	v.Datasets, v.DataTotal, err = ui.Svc.FindDatasets(ctx, aims.DatasetFilter{SupplierID: s.ID, Page: aims.Page{Limit: supplierPreview}})
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, SupplierPage(ui.page(r, s.Name, "suppliers"), v))
}

// supplierForm is the create and edit form of a supplier.
type supplierForm formState[aims.Supplier]

// Action is where the form posts.
func (f supplierForm) Action() string {
	if f.New {
		return "/suppliers/new"
	}
	return "/suppliers/" + f.Record.ID + "/edit"
}
