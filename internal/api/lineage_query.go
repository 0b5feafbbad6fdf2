package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

type lineageImport struct {
	ContentType string `header:"Content-Type" hidden:"true"`
	RawBody     []byte `contentType:"text/csv"`
}

// LineageImportResult says how many rows an import took.
type LineageImportResult struct {
	Imported int `json:"imported" doc:"Rows imported: created, updated or unchanged"`
}

// registerLineageCSV registers, per kind, GET /lineage/KIND.csv and POST
// /lineage/KIND/import.
func (h *Handlers) registerLineageCSV(api huma.API, tag string) {
	for _, kind := range aims.LineageKindValues() {
		k := string(kind)
		columns := strings.Join(service.LineageCSVColumns(k), ", ")
		imp := operation(http.MethodPost, "/lineage/"+k+"/import", "import-lineage-"+k, tag, "Import "+k+" from a CSV file", authz.Edit)
		imp.Description += " Send the file as the body with `Content-Type: text/csv` (UTF-8; at most 10 MiB and 50,000 rows). " +
			"The header names the columns, in any order: " + columns + ". Only name is required; it matches a row to an existing record " +
			"(any case), which is updated, or else a new one is created. A column left out leaves existing records' field as it is. " +
			"The import is atomic: if any row is bad nothing is imported, and the 422 answer lists every bad cell with a pointer " +
			"`/rows/LINE/COLUMN` (the header is line 1)."
		imp.MaxBodyBytes = service.MaxImportBytes + 1
		imp.BodyReadTimeout = time.Minute
		huma.Register(api, imp, func(ctx context.Context, in *lineageImport) (*Body[LineageImportResult], error) {
			if err := checkCSVType(ctx, in.ContentType); err != nil {
				return nil, err
			}
			n, err := h.svc.ImportLineageCSV(ctx, k, bytes.NewReader(in.RawBody))
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[LineageImportResult]{Body: LineageImportResult{Imported: n}}, nil
		})
		exp := operation(http.MethodGet, "/lineage/"+k+".csv", "export-lineage-"+k, tag, "Export "+k+" as a CSV file", authz.Export)
		exp.Description += " Every record, in the columns the import reads (" + columns + "), so that an export can be edited and imported back."
		exp.Responses = map[string]*huma.Response{"200": {
			Description: "The " + k + " as CSV (UTF-8 with a byte-order mark)",
			Content:     map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}},
		}}
		huma.Register(api, exp, func(ctx context.Context, _ *struct{}) (*csvFile, error) {
			var buf bytes.Buffer
			if err := h.svc.ExportLineageCSV(ctx, k, &buf); err != nil {
				return nil, fail(ctx, err)
			}
			name := fmt.Sprintf("%s-%s-%s.csv", k, authz.PrincipalFrom(ctx).OrgSlug, time.Now().UTC().Format(aims.DateLayout))
			return &csvFile{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
		})
	}
}

type modelVersionLineagePath struct {
	ID        string `path:"id" doc:"The AI system's id"`
	VersionID string `path:"version_id" doc:"The model version's id"`
}

type outOfCalibrationList struct {
	PageParams
	OutOfCalibrationSelection
}

// OutOfCalibrationSelection selects out-of-calibration decisions and
// episodes.
type OutOfCalibrationSelection struct {
	SystemID     string `query:"system_id" doc:"Decisions of this AI system only"`
	InstrumentID string `query:"instrument_id" doc:"Decisions whose out-of-calibration instrument is this one only"`
	From         string `query:"from" format:"date-time" doc:"Decisions made at or after this time (RFC 3339)"`
	To           string `query:"to" format:"date-time" doc:"Decisions made before this time (RFC 3339)"`
}

func (in OutOfCalibrationSelection) filter() aims.OutOfCalibrationDecisionFilter {
	f := aims.OutOfCalibrationDecisionFilter{SystemID: in.SystemID, InstrumentID: in.InstrumentID}
	if t := parseTimeParam(in.From); t != nil {
		f.From = *t
	}
	if t := parseTimeParam(in.To); t != nil {
		f.To = *t
	}
	return f
}

func (h *Handlers) registerLineageQueries(api huma.API, tag string) {
	mv := operation(http.MethodGet, "/systems/{id}/model-versions/{version_id}/lineage", "get-model-version-lineage", tag,
		"The lineage graph of a model version", authz.Read)
	mv.Description += " Instruments, tags, features and datasets the model version was built from. An instrument is flagged " +
		"out_of_calibration when it is now, or was for part of a training window; never_calibrated when it needs calibration and has none; " +
		"a tag with quality caveats is flagged quality_caveat."
	huma.Register(api, mv, func(ctx context.Context, in *modelVersionLineagePath) (*Body[*aims.LineageGraph], error) {
		g, err := h.svc.ModelVersionLineage(ctx, in.ID, in.VersionID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.LineageGraph]{Body: g}, nil
	})
	dec := operation(http.MethodGet, "/systems/{id}/decisions/{decision_id}/lineage", "get-decision-lineage", tag,
		"The lineage graph of one decision", authz.Read)
	dec.Description += " Its model version's lineage and the tags it named as inputs (matched by exact name). Instruments are flagged " +
		"by their calibration at the time of the decision; an input that is not a declared tag is flagged undeclared_tag."
	huma.Register(api, dec, func(ctx context.Context, in *DecisionParams) (*Body[*aims.LineageGraph], error) {
		g, err := h.svc.DecisionLineage(ctx, in.ID, in.DecisionID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.LineageGraph]{Body: g}, nil
	})
	exp := operation(http.MethodGet, "/lineage/calibration-exposures", "list-calibration-exposures", tag,
		"Model versions trained while an input instrument was out of calibration", authz.Read)
	exp.Description += " Every model version whose training dataset's window overlaps a period in which an instrument producing one of " +
		"the dataset's tags was out of calibration, with those periods."
	huma.Register(api, exp, func(ctx context.Context, in *struct {
		SystemID string `query:"system_id" doc:"Model versions of this AI system only"`
	}) (*Body[[]aims.CalibrationExposure], error) {
		list, err := h.svc.FindCalibrationExposures(ctx, in.SystemID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[[]aims.CalibrationExposure]{Body: list}, nil
	})
	ooc := operation(http.MethodGet, "/lineage/out-of-calibration-decisions", "list-out-of-calibration-decisions", tag,
		"Decisions made while an input instrument was out of calibration", authz.Read)
	ooc.Description += " Newest first, one entry per decision and instrument. A period without a recorded start runs from " +
		"1970-01-01T00:00:00Z, one without a recorded end to 9999-12-31T00:00:00Z."
	huma.Register(api, ooc, func(ctx context.Context, in *outOfCalibrationList) (*PageOutput[aims.OutOfCalibrationDecision], error) {
		f := in.filter()
		f.Page = in.page()
		list, total, err := h.svc.FindOutOfCalibrationDecisions(ctx, f)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return pageOf(list, total, in.PageParams), nil
	})
	eps := operation(http.MethodGet, "/lineage/out-of-calibration-episodes", "list-out-of-calibration-episodes", tag,
		"Out-of-calibration decisions grouped by episode", authz.Read)
	eps.Description += " One entry per instrument and out-of-calibration period in which decisions named one of its tags, newest " +
		"first, with how many decisions (each counted once) and how many a person overrode. list-out-of-calibration-decisions " +
		"with the episode's instrument_id, from and to lists its decisions."
	huma.Register(api, eps, func(ctx context.Context, in *OutOfCalibrationSelection) (*Body[[]aims.OutOfCalibrationEpisode], error) {
		list, err := h.svc.FindOutOfCalibrationEpisodes(ctx, in.filter())
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[[]aims.OutOfCalibrationEpisode]{Body: list}, nil
	})
	epx := operation(http.MethodGet, "/lineage/out-of-calibration-episodes/export.csv", "export-out-of-calibration-episodes", tag,
		"Export the out-of-calibration episodes as CSV", authz.Export)
	epx.Description += " One row per episode, in the columns " + strings.Join(service.OutOfCalibrationEpisodeCSVColumns, ", ") +
		"; tags are separated by `;`, times are RFC 3339 UTC, and an end the records leave open is empty."
	epx.Responses = map[string]*huma.Response{"200": {
		Description: "The episodes as CSV (UTF-8 with a byte-order mark)",
		Content:     map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}},
	}}
	huma.Register(api, epx, func(ctx context.Context, in *OutOfCalibrationSelection) (*csvFile, error) {
		var buf bytes.Buffer
		if err := h.svc.ExportOutOfCalibrationEpisodesCSV(ctx, &buf, in.filter()); err != nil {
			return nil, fail(ctx, err)
		}
		name := fmt.Sprintf("out-of-calibration-episodes-%s-%s.csv", authz.PrincipalFrom(ctx).OrgSlug, time.Now().UTC().Format(aims.DateLayout))
		return &csvFile{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/lineage/orphans", "get-lineage-orphans", tag,
		"Loose ends: unused tags, features without tags, instruments without a calibration in force", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[*aims.LineageOrphans], error) {
			o, err := h.svc.FindLineageOrphans(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.LineageOrphans]{Body: o}, nil
		})
}
