package web

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// listPerPage is how many rows a list page shows.
const listPerPage = 25

func (ui *UI) registerSystems(r chi.Router) {
	r.Get("/systems", ui.handle(ui.systemList))
	r.Get("/systems/new", ui.handle(ui.systemNew))
	r.Post("/systems/new", ui.handle(ui.systemSave))
	r.Get("/systems/import", ui.handle(ui.systemImportPage))
	r.Post("/systems/import", ui.handle(ui.systemImport))
	r.Get("/systems/{id}", ui.handle(ui.systemDetail))
	r.Get("/systems/{id}/edit", ui.handle(ui.systemEdit))
	r.Post("/systems/{id}/edit", ui.handle(ui.systemSave))
	r.Get("/systems/{id}/delete", ui.handle(ui.systemDeleteConfirm))
	r.Post("/systems/{id}/delete", ui.handle(ui.systemDelete))
	ui.registerModelVersions(r)
}

// systemListView is what the inventory list shows.
type systemListView struct {
	Query     url.Values // the filters as asked, to fill the form again
	Systems   []*aims.AISystem
	Pager     Pager
	Owners    []option
	Suppliers []option
	Filtered  bool   // some filter or search is set
	ExportURL string // the CSV export with the same filters
}

// systemFilterParams are the query parameters of the list, named as in the
// API (GET /api/v1/systems), so that the export link carries them as is.
var systemFilterParams = []string{"q", "lifecycle_stage", "owner_id", "autonomy", "impact_domain", "in_scope", "supplier_id", "tag"}

// systemFilter reads the list's query parameters.
func systemFilter(q url.Values) aims.SystemFilter {
	f := aims.SystemFilter{Search: q.Get("q"), LifecycleStage: aims.LifecycleStage(q.Get("lifecycle_stage")),
		OwnerID: q.Get("owner_id"), Autonomy: aims.Autonomy(q.Get("autonomy")), ImpactDomain: aims.ImpactDomain(q.Get("impact_domain")),
		SupplierID: q.Get("supplier_id"), Tag: q.Get("tag"), Sort: q.Get("sort")}
	switch q.Get("in_scope") {
	case "true", "false":
		b := q.Get("in_scope") == "true"
		f.InScope = &b
	}
	return f
}

func (ui *UI) systemList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := systemFilter(q)
	f.Page = pageParams(r, listPerPage)
	systems, total, err := ui.Svc.FindSystems(ctx, f)
	if err != nil {
		return err
	}
	v := systemListView{Query: q, Systems: systems, Pager: newPager(r, f.Page, total)}
	export := url.Values{}
	for _, k := range append(systemFilterParams, "sort") {
		if val := q.Get(k); val != "" {
			export.Set(k, val)
			v.Filtered = v.Filtered || k != "sort"
		}
	}
	v.ExportURL = "/api/v1/systems/export.csv"
	if len(export) > 0 {
		v.ExportURL += "?" + export.Encode()
	}
	// A live search asks for the results only (htmx); the same handler
	// serves the whole page to a browser without JavaScript.
	w.Header().Add("Vary", "HX-Request, HX-Target")
	if isHTMX(r) && r.Header.Get("HX-Target") == "system-results" {
		return render(w, r, http.StatusOK, systemResults(ui.page(r, "AI systems", "systems"), v))
	}
	if v.Owners, err = ui.memberOptions(r, q.Get("owner_id"), true); err != nil {
		return err
	}
	if v.Suppliers, err = ui.supplierOptions(r, q.Get("supplier_id")); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, SystemListPage(ui.page(r, "AI systems", "systems"), v))
}

// sortOptions are the orders the inventory list offers.
func sortOptions(selected string) []option {
	opts := []option{
		{Value: "name", Label: "Name, A to Z"},
		{Value: "-name", Label: "Name, Z to A"},
		{Value: "-updated_at", Label: "Recently changed first"},
		{Value: "updated_at", Label: "Least recently changed first"},
	}
	for i := range opts {
		opts[i].Selected = opts[i].Value == selected
	}
	if selected == "" {
		opts[0].Selected = true
	}
	return opts
}

// scopeOptions are the choices of the in-scope filter.
func scopeOptions(selected string) []option {
	return withBlank("Any", []option{
		{Value: "true", Label: "In scope", Selected: selected == "true"},
		{Value: "false", Label: "Outside scope", Selected: selected == "false"},
	})
}
