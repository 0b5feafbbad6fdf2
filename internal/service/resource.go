package service

import (
	"context"
	"io"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// resources is the register of the resources the AIMS relies on (ISO/IEC
// 42001 7.1, A.4.2 to A.4.6).
var resources = register[aims.Resource, *aims.Resource, aims.ResourceFilter, aims.ResourceUpdate]{
	plural: "resources",
	list:   store.FindResources, find: store.FindResourceByID,
	create: store.CreateResource, update: store.UpdateResource, delete: store.DeleteResource,
	checkFilter: func(f aims.ResourceFilter) error {
		if f.Kind != "" && !f.Kind.IsValid() {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown kind of resource", Fields: []aims.FieldError{{Field: "kind", Detail: "is not a known kind of resource"}}}
		}
		return nil
	},
	checkRefs: checkResourceRefs,
}

// checkResourceRefs checks the system and the owner, and names them.
func checkResourceRefs(ctx context.Context, q store.Querier, scope aims.Scope, r *aims.Resource) error {
	var v aims.Validation
	r.SystemName = ""
	if r.SystemID != "" {
		sys, err := store.FindSystemByID(ctx, q, scope, r.SystemID)
		switch {
		case aims.IsKind(err, aims.KindNotFound):
			v.Add("system_id", "no such AI system")
		case err != nil:
			return err
		default:
			r.SystemName = sys.Name
		}
	}
	name, err := checkAccount(ctx, q, scope, "owner_id", r.OwnerID)
	if ae, ok := err.(*aims.Error); ok {
		v.AddAll("", ae.Fields)
	} else if err != nil {
		return err
	}
	r.OwnerName = name
	return v.Err()
}

// FindResources lists the resources of the caller's organization.
func (s *Service) FindResources(ctx context.Context, f aims.ResourceFilter) ([]*aims.Resource, int, error) {
	return resources.findAll(ctx, s, f)
}

// FindResourceByID returns one resource.
func (s *Service) FindResourceByID(ctx context.Context, id string) (*aims.Resource, error) {
	return resources.findByID(ctx, s, id)
}

// CreateResource adds a resource.
func (s *Service) CreateResource(ctx context.Context, in *aims.Resource) error {
	return resources.add(ctx, s, in)
}

// UpdateResource changes a resource.
func (s *Service) UpdateResource(ctx context.Context, id string, upd aims.ResourceUpdate) (*aims.Resource, error) {
	return resources.change(ctx, s, id, upd)
}

// DeleteResource removes a resource.
func (s *Service) DeleteResource(ctx context.Context, id string) error {
	return resources.remove(ctx, s, id)
}

// ResourceCSVColumns are the columns of the resources export.
var ResourceCSVColumns = []string{"name", "kind", "description", "process", "system", "quantity", "owner", "created_at", "updated_at", "id"}

// ExportResourcesCSV writes the resources that f selects (all pages) as CSV.
func (s *Service) ExportResourcesCSV(ctx context.Context, w io.Writer, f aims.ResourceFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export resources"); err != nil {
		return err
	}
	return exportPages(w, ResourceCSVColumns, func(p aims.Page) ([]*aims.Resource, int, error) {
		f.Page = p
		return s.FindResources(ctx, f)
	}, func(r *aims.Resource) []string {
		return []string{r.Name, string(r.Kind), r.Description, r.Process, r.SystemName, r.Quantity, r.OwnerName,
			csvTime(r.CreatedAt), csvTime(r.UpdatedAt), r.ID}
	})
}
