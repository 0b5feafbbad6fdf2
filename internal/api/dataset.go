package api

import (
	"context"
	"io"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
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

func (in *datasetList) filter() aims.DatasetFilter {
	return aims.DatasetFilter{Search: in.Q, PersonalData: aims.PersonalData(in.PersonalData), SupplierID: in.SupplierID, Page: in.page()}
}

func (h *Handlers) registerDatasets(api huma.API) {
	crud[aims.Dataset, datasetList, DatasetInput, aims.DatasetUpdate]{
		tag: "Datasets", path: "/datasets", noun: "dataset", plural: "datasets", a: "a",
		getSummary: "Get a dataset with the model versions that use it",
		deleteNote: "Refused with 409 while a model version uses the dataset.",
		list: func(ctx context.Context, in *datasetList) ([]*aims.Dataset, int, error) {
			return h.svc.FindDatasets(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *datasetList) error {
			return h.svc.ExportDatasetsCSV(ctx, w, in.filter())
		},
		exportColumns: service.DatasetCSVColumns,
		create: func(ctx context.Context, b DatasetInput) (*aims.Dataset, error) {
			return created(ctx, b.dataset(), h.svc.CreateDataset)
		},
		get: h.svc.FindDatasetByID, update: h.svc.UpdateDataset, delete: h.svc.DeleteDataset,
	}.register(api)
}
