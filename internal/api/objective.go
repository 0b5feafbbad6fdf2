package api

import (
	"context"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// ObjectiveInput is a new AI objective (ISO/IEC 42001 6.2).
type ObjectiveInput struct {
	Title       string             `json:"title" maxLength:"200" doc:"Unique in the organization, any case"`
	Description string             `json:"description,omitempty" maxLength:"20000"`
	OwnerID     string             `json:"owner_id" doc:"The member who owns the objective"`
	Comparison  aims.Comparison    `json:"comparison" enum:"at_least,at_most" doc:"How the measured value meets the target"`
	TargetValue *float64           `json:"target_value" doc:"The target, in the unit"`
	Unit        string             `json:"unit,omitempty" maxLength:"40" doc:"The target's unit; a computed measure takes its indicator's"`
	DueDate     *aims.Date         `json:"due_date" doc:"YYYY-MM-DD: when the target is to be met"`
	Cadence     aims.Cadence       `json:"cadence" enum:"weekly,monthly,quarterly" doc:"How often it is measured"`
	Resources   string             `json:"resources,omitempty" maxLength:"20000" doc:"What it needs: people's time, tools, budget"`
	Evaluation  string             `json:"evaluation,omitempty" maxLength:"20000" doc:"How the results are evaluated, and by whom"`
	Measure     aims.MeasureKind   `json:"measure" enum:"computed,manual" doc:"computed from the records by an indicator, or entered by hand with evidence"`
	Indicator   aims.IndicatorName `json:"indicator,omitempty" doc:"For a computed measure: one of the indicators GET /indicators lists"`
}

type objectiveList struct {
	PageParams
	Q       string `query:"q" doc:"Part of the title, any case"`
	Measure string `query:"measure" enum:"computed,manual"`
	Sort    string `query:"sort" enum:"due,-due,title,-title,owner,-owner,updated_at,-updated_at" default:"due" doc:"The order; a leading - reverses it"`
}

func (in *objectiveList) filter() aims.ObjectiveFilter {
	return aims.ObjectiveFilter{Search: in.Q, Measure: aims.MeasureKind(in.Measure), Sort: in.Sort, Page: in.page()}
}

// MeasurementInput is a value entered by hand with its evidence.
type MeasurementInput struct {
	Value    *float64 `json:"value" doc:"The measured value, in the objective's unit"`
	Evidence string   `json:"evidence" maxLength:"2000" doc:"A link to or a note of the evidence"`
	Note     string   `json:"note,omitempty" maxLength:"20000"`
}

type measurementBody struct {
	ID   string `path:"id" doc:"The objective's id"`
	Body MeasurementInput
}

func (h *Handlers) registerObjectives(api huma.API) {
	crud[aims.Objective, objectiveList, ObjectiveInput, aims.ObjectiveUpdate]{
		tag: "Objectives", path: "/objectives", noun: "objective", plural: "objectives", a: "an",
		getSummary: "Get an objective with its latest measurement and status",
		deleteNote: "Refused with 409 once the objective has measurements: they are sealed records.",
		list: func(ctx context.Context, in *objectiveList) ([]*aims.Objective, int, error) {
			return h.svc.FindObjectives(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *objectiveList) error {
			return h.svc.ExportObjectivesCSV(ctx, w, in.filter())
		},
		exportColumns: service.ObjectiveCSVColumns,
		create: func(ctx context.Context, b ObjectiveInput) (*aims.Objective, error) {
			return created(ctx, &aims.Objective{Title: b.Title, Description: b.Description, OwnerID: b.OwnerID,
				Comparison: b.Comparison, TargetValue: b.TargetValue, Unit: b.Unit, DueDate: b.DueDate, Cadence: b.Cadence,
				Resources: b.Resources, Evaluation: b.Evaluation, Measure: b.Measure, Indicator: b.Indicator}, h.svc.CreateObjective)
		},
		get: h.svc.FindObjectiveByID, update: h.svc.UpdateObjective, delete: h.svc.DeleteObjective,
	}.register(api)

	huma.Register(api, operation(http.MethodGet, "/objectives/{id}/measurements", "list-objective-measurements", "Objectives",
		"List an objective's measurements", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[[]*aims.Measurement], error) {
			list, err := h.svc.FindMeasurements(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.Measurement]{Body: list}, nil
		})
	measure := operation(http.MethodPost, "/objectives/{id}/measure", "measure-objective", "Objectives",
		"Measure a computed objective now", authz.Edit)
	measure.Description += " Computes the objective's indicator from the records and records the value with the counts it " +
		"came from, sealed in the organization's log. Refused with 409 for an objective measured by hand."
	measure.DefaultStatus = http.StatusCreated
	huma.Register(api, measure, func(ctx context.Context, in *IDParam) (*Body[*aims.Measurement], error) {
		m, err := h.svc.MeasureObjective(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Measurement]{Body: m}, nil
	})
	record := operation(http.MethodPost, "/objectives/{id}/measurements", "create-objective-measurement", "Objectives",
		"Record a measurement entered by hand", authz.Edit)
	record.Description += " The value with its evidence, for an objective measured by hand; refused with 409 for a computed one."
	record.DefaultStatus = http.StatusCreated
	huma.Register(api, record, func(ctx context.Context, in *measurementBody) (*Body[*aims.Measurement], error) {
		m := &aims.Measurement{Evidence: in.Body.Evidence, Note: in.Body.Note}
		if in.Body.Value == nil {
			return nil, fail(ctx, &aims.Error{Kind: aims.KindInvalid, Message: "give the measured value",
				Fields: []aims.FieldError{{Field: "value", Detail: "give the measured value as a number"}}})
		}
		m.Value = *in.Body.Value
		if err := h.svc.RecordMeasurement(ctx, in.ID, m); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Measurement]{Body: m}, nil
	})
	ind := operation(http.MethodGet, "/indicators", "list-indicators", "Objectives",
		"Compute every indicator now", authz.Read)
	ind.Description += " The closed set of indicators a computed objective may name, each with what it counts, its unit, " +
		"the clause it serves, and its value now with the counts it came from. Nothing is recorded."
	huma.Register(api, ind, func(ctx context.Context, _ *struct{}) (*Body[[]service.IndicatorValue], error) {
		list, err := h.svc.ComputeIndicators(ctx)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[[]service.IndicatorValue]{Body: list}, nil
	})
}
