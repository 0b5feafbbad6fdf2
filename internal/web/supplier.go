package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func (ui *UI) registerSuppliers(r chi.Router) {
	r.Get("/suppliers", ui.handle(ui.supplierList))
	r.Get("/suppliers/new", ui.handle(ui.supplierNew))
	r.Post("/suppliers/new", ui.handle(ui.supplierSave))
	r.Get("/suppliers/{id}", ui.handle(ui.supplierDetail))
	r.Get("/suppliers/{id}/edit", ui.handle(ui.supplierEdit))
	r.Post("/suppliers/{id}/edit", ui.handle(ui.supplierSave))
	r.Get("/suppliers/{id}/delete", ui.handle(ui.supplierDeleteConfirm))
	r.Post("/suppliers/{id}/delete", ui.handle(ui.supplierDelete))
}

// supplierListView is what the supplier list shows.
type supplierListView struct {
	Query     url.Values
	Suppliers []*aims.Supplier
	Pager     Pager
	Filtered  bool
}

func (ui *UI) supplierList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := aims.SupplierFilter{Search: q.Get("q"), Supplies: aims.SupplyCategory(q.Get("supplies")), Page: pageParams(r, listPerPage)}
	list, total, err := ui.Svc.FindSuppliers(r.Context(), f)
	if err != nil {
		return err
	}
	v := supplierListView{Query: q, Suppliers: list, Pager: newPager(r, f.Page, total), Filtered: f.Search != "" || f.Supplies != ""}
	return render(w, r, http.StatusOK, SupplierListPage(ui.page(r, "Suppliers", "suppliers"), v))
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

func (ui *UI) supplierDetail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSupplierByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	v := supplierView{Supplier: s}
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
type supplierForm struct {
	Supplier *aims.Supplier
	New      bool
	Errors   formErrors
}

// Action is where the form posts.
func (f supplierForm) Action() string {
	if f.New {
		return "/suppliers/new"
	}
	return "/suppliers/" + f.Supplier.ID + "/edit"
}

func supplierFromForm(f url.Values) *aims.Supplier {
	return &aims.Supplier{Name: f.Get("name"), Supplies: enumList[aims.SupplyCategory](f["supplies"]), Contact: f.Get("contact"),
		Website: f.Get("website"), AssessmentNotes: f.Get("assessment_notes")}
}

func (ui *UI) renderSupplierForm(w http.ResponseWriter, r *http.Request, status int, f supplierForm) error {
	title := "Register a supplier"
	if !f.New {
		title = "Edit supplier"
	}
	return render(w, r, status, SupplierFormPage(ui.page(r, title, "suppliers"), f))
}

func (ui *UI) supplierNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "register suppliers"); err != nil {
		return err
	}
	return ui.renderSupplierForm(w, r, http.StatusOK, supplierForm{Supplier: &aims.Supplier{}, New: true})
}

// supplierSave registers a supplier or saves an edit.
func (ui *UI) supplierSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	s := supplierFromForm(r.PostForm)
	s.ID = chi.URLParam(r, "id")
	isNew := s.ID == ""
	var err error
	if isNew {
		err = ui.Svc.CreateSupplier(r.Context(), s)
	} else {
		_, err = ui.Svc.UpdateSupplier(r.Context(), s.ID, aims.SupplierUpdate{Name: &s.Name, Supplies: &s.Supplies,
			Contact: &s.Contact, Website: &s.Website, AssessmentNotes: &s.AssessmentNotes})
	}
	if fe, ok := fieldErrors(err); ok {
		return ui.renderSupplierForm(w, r, errorStatus(err), supplierForm{Supplier: s, New: isNew, Errors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved supplier “"+strings.TrimSpace(s.Name)+"”.", "/suppliers/"+s.ID)
}

func (ui *UI) supplierEdit(w http.ResponseWriter, r *http.Request) error {
	s, err := ui.Svc.FindSupplierByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "change suppliers"); err != nil {
		return err
	}
	return ui.renderSupplierForm(w, r, http.StatusOK, supplierForm{Supplier: s})
}

func supplierDeletion(s *aims.Supplier) deletion {
	return deletion{What: "supplier", Name: s.Name, Action: "/suppliers/" + s.ID + "/delete", Cancel: "/suppliers/" + s.ID}
}

func (ui *UI) supplierDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	s, err := ui.Svc.FindSupplierByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "delete suppliers"); err != nil {
		return err
	}
	return ui.confirmDelete(w, r, supplierDeletion(s))
}

func (ui *UI) supplierDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSupplierByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, supplierDeletion(s), func() error { return ui.Svc.DeleteSupplier(ctx, s.ID) }, "/suppliers")
}
