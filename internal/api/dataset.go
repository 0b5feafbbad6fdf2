package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// DatasetInput is a new dataset (ISO/IEC 42001 A.7.2 to A.7.6).
type DatasetInput struct {
	Name             string            `json:"name" maxLength:"200" doc:"Unique in the organization, any case"`
	Description      string            `json:"description,omitempty" maxLength:"20000"`
	Origin           string            `json:"origin,omitempty" maxLength:"2000" doc:"Where the data comes from (A.7.5 provenance)"`
	CollectionMethod string            `json:"collection_method,omitempty" maxLength:"4000"`
	PersonalData     aims.PersonalData `json:"personal_data,omitempty" enum:"yes,no,unknown" default:"unknown"`
	Licence          string            `json:"licence,omitempty" maxLength:"2000" doc:"Licence or terms of use"`
	QualityNotes     string            `json:"quality_notes,omitempty" maxLength:"20000" doc:"Known quality issues and checks (A.7.4)"`
	WindowStart      string            `json:"window_start,omitempty" format:"date" doc:"First day the data covers"`
	WindowEnd        string            `json:"window_end,omitempty" format:"date" doc:"Last day the data covers"`
	SupplierID       string            `json:"supplier_id,omitempty"`
	Tags             []string          `json:"tags,omitempty" doc:"The ids of the tags the data was drawn from (data lineage)"`
}

func (in DatasetInput) dataset() *aims.Dataset {
	return &aims.Dataset{Name: in.Name, Description: in.Description, Origin: in.Origin, CollectionMethod: in.CollectionMethod,
		PersonalData: in.PersonalData, Licence: in.Licence, QualityNotes: in.QualityNotes,
		WindowStart: dateOrNil(in.WindowStart), WindowEnd: dateOrNil(in.WindowEnd), SupplierID: in.SupplierID, Tags: aims.RefsOf(in.Tags)}
}

// dateOrNil reads a date that huma has already checked against format:date.
func dateOrNil(s string) *aims.Date {
	if s == "" {
		return nil
	}
	d, err := aims.ParseDate(s)
	if err != nil {
		return nil
	}
	return &d
}

type datasetList struct {
	PageParams
	Q            string `query:"q" doc:"Part of the name, any case"`
	PersonalData string `query:"personal_data" enum:"yes,no,unknown"`
	SupplierID   string `query:"supplier_id"`
}

type datasetCreate struct {
	Body DatasetInput
}

type datasetPatch struct {
	ID   string `path:"id"`
	Body aims.DatasetUpdate
}

func (h *Handlers) registerDatasets(api huma.API) {
	const tag = "Datasets"
	huma.Register(api, operation(http.MethodGet, "/datasets", "list-datasets", tag, "List datasets", authz.Read),
		func(ctx context.Context, in *datasetList) (*PageOutput[*aims.Dataset], error) {
			list, total, err := h.svc.FindDatasets(ctx, aims.DatasetFilter{Search: in.Q, PersonalData: aims.PersonalData(in.PersonalData), SupplierID: in.SupplierID, Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, "/datasets", "create-dataset", tag, "Add a dataset", authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *datasetCreate) (*Body[*aims.Dataset], error) {
		d := in.Body.dataset()
		if err := h.svc.CreateDataset(ctx, d); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Dataset]{Body: d}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/datasets/{id}", "get-dataset", tag, "Get a dataset with the model versions that use it", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Dataset], error) {
			d, err := h.svc.FindDatasetByID(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Dataset]{Body: d}, nil
		})
	huma.Register(api, operation(http.MethodPatch, "/datasets/{id}", "update-dataset", tag, "Change a dataset", authz.Edit),
		func(ctx context.Context, in *datasetPatch) (*Body[*aims.Dataset], error) {
			d, err := h.svc.UpdateDataset(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Dataset]{Body: d}, nil
		})
	del := operation(http.MethodDelete, "/datasets/{id}", "delete-dataset", tag, "Delete a dataset", authz.Edit)
	del.Description += " Refused with 409 while a model version uses the dataset."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteDataset(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}
