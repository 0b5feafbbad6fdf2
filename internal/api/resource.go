package api

import (
	"context"
	"io"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// ResourceInput is a new resource of the AIMS (ISO/IEC 42001 7.1, A.4).
type ResourceInput struct {
	Name        string            `json:"name" maxLength:"200" doc:"Unique in the organization, any case"`
	Kind        aims.ResourceKind `json:"kind" enum:"human,compute,tooling,data,budget,other"`
	Description string            `json:"description,omitempty" maxLength:"20000"`
	Process     string            `json:"process,omitempty" maxLength:"200" doc:"The AIMS process the resource serves"`
	SystemID    string            `json:"system_id,omitempty" doc:"The AI system the resource serves"`
	Quantity    string            `json:"quantity,omitempty" maxLength:"2000" doc:"How much, in the resource's own terms"`
	OwnerID     string            `json:"owner_id,omitempty" doc:"The member who looks after the resource"`
}

type resourceList struct {
	PageParams
	Q        string `query:"q" doc:"Part of the name, any case"`
	Kind     string `query:"kind" enum:"human,compute,tooling,data,budget,other"`
	SystemID string `query:"system_id"`
	Sort     string `query:"sort" enum:"name,-name,updated_at,-updated_at" doc:"The order; a leading - reverses it"`
}

func (in *resourceList) filter() aims.ResourceFilter {
	return aims.ResourceFilter{Search: in.Q, Kind: aims.ResourceKind(in.Kind), SystemID: in.SystemID, Sort: in.Sort, Page: in.page()}
}

func (h *Handlers) registerResources(api huma.API) {
	crud[aims.Resource, resourceList, ResourceInput, aims.ResourceUpdate]{
		tag: "Resources", path: "/resources", noun: "resource", plural: "resources", a: "a",
		list: func(ctx context.Context, in *resourceList) ([]*aims.Resource, int, error) {
			return h.svc.FindResources(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *resourceList) error {
			return h.svc.ExportResourcesCSV(ctx, w, in.filter())
		},
		exportColumns: service.ResourceCSVColumns,
		create: func(ctx context.Context, b ResourceInput) (*aims.Resource, error) {
			return created(ctx, &aims.Resource{Name: b.Name, Kind: b.Kind, Description: b.Description, Process: b.Process,
				SystemID: b.SystemID, Quantity: b.Quantity, OwnerID: b.OwnerID}, h.svc.CreateResource)
		},
		get: h.svc.FindResourceByID, update: h.svc.UpdateResource, delete: h.svc.DeleteResource,
	}.register(api)
}
