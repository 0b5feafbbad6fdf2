package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5"
)

// Placeholders until the pages land; each is replaced by its own file.

func (ui *UI) registerSystems(r chi.Router)   {}
func (ui *UI) registerDatasets(r chi.Router)  {}
func (ui *UI) registerSuppliers(r chi.Router) {}
func (ui *UI) registerAdmin(r chi.Router)     {}
func (ui *UI) registerAudit(r chi.Router)     {}

func (ui *UI) accountPage(w http.ResponseWriter, r *http.Request) error    { return nil }
func (ui *UI) changePassword(w http.ResponseWriter, r *http.Request) error { return nil }

// APIDocs serves the API reference page.
func APIDocs(api huma.API) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {}
}
