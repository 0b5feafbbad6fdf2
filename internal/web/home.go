package web

import "net/http"

func (ui *UI) home(w http.ResponseWriter, r *http.Request) error {
	st, err := ui.Svc.InventoryStats(r.Context())
	if err != nil {
		return err
	}
	work, err := ui.Svc.MyWork(r.Context())
	if err != nil {
		return err
	}
	obj, err := ui.Svc.ObjectiveStatuses(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, HomePage(ui.page(r, "Home", "home"), st, len(work), obj))
}
