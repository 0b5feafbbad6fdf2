package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

func (ui *UI) registerResources(r chi.Router) {
	crud[aims.Resource]{
		path: "/resources", noun: "resource", plural: "resources",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.Resource, int, bool, error) {
			f := aims.ResourceFilter{Search: q.Get("q"), Kind: aims.ResourceKind(q.Get("kind")), SystemID: q.Get("system_id"), Sort: q.Get("sort"), Page: page}
			list, total, err := ui.Svc.FindResources(ctx, f)
			return list, total, f.Search != "" || f.Kind != "" || f.SystemID != "", err
		},
		listPage: ResourceListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, x *aims.Resource) error {
			return render(w, r, http.StatusOK, ResourcePage(ui.page(r, x.Name, "resources"), x))
		},
		find:  ui.Svc.FindResourceByID,
		key:   func(x *aims.Resource) (string, string) { return x.ID, x.Name },
		blank: func() *aims.Resource { return &aims.Resource{} },
		read: func(id string, f url.Values) (*aims.Resource, error) {
			return &aims.Resource{ID: id, Name: f.Get("name"), Kind: aims.ResourceKind(f.Get("kind")), Description: f.Get("description"),
				Process: f.Get("process"), SystemID: f.Get("system_id"), Quantity: f.Get("quantity"), OwnerID: f.Get("owner_id")}, nil
		},
		create: ui.Svc.CreateResource,
		update: func(ctx context.Context, x *aims.Resource) error {
			_, err := ui.Svc.UpdateResource(ctx, x.ID, aims.ResourceUpdate{Name: &x.Name, Kind: &x.Kind, Description: &x.Description,
				Process: &x.Process, SystemID: &x.SystemID, Quantity: &x.Quantity, OwnerID: &x.OwnerID})
			return err
		},
		delete: ui.Svc.DeleteResource,
		form: func(ui *UI, r *http.Request, p Page, st formState[aims.Resource]) (templ.Component, error) {
			f := resourceForm{formState: st}
			var err error
			if f.Systems, err = ui.systemOptions(r, st.Record.SystemID); err != nil {
				return nil, err
			}
			if f.Members, err = ui.memberOptions(r, st.Record.OwnerID, false); err != nil {
				return nil, err
			}
			return ResourceFormPage(p, f), nil
		},
	}.routes(ui, r)
}

// resourceForm is the create and edit form of a resource.
type resourceForm struct {
	formState[aims.Resource]
	Systems, Members []option
}

// Action is where the form posts.
func (f resourceForm) Action() string {
	if f.New {
		return "/resources/new"
	}
	return "/resources/" + f.Record.ID + "/edit"
}
