package api

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// The inventory as a spreadsheet: organizations start from one (issue 2).
// The body of an import is the CSV file itself, not JSON, so jsonGate lets
// it through and the handler checks its type.

type systemImport struct {
	DryRun      bool   `query:"dry_run" doc:"Check the file and count what would change, writing nothing"`
	ContentType string `header:"Content-Type" hidden:"true"`
	RawBody     []byte `contentType:"text/csv"`
}

type csvFile struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (h *Handlers) registerSystemCSV(api huma.API) {
	const tag = "AI systems"
	columns := strings.Join(service.SystemCSVColumns(), ", ")
	imp := operation(http.MethodPost, "/systems/import", "import-systems", tag, "Import AI systems from a CSV file", authz.Edit)
	imp.Description += " Send the file as the body with `Content-Type: text/csv` (UTF-8, with or without a byte-order mark; " +
		"at most 10 MiB and 50,000 rows). The header row names the columns, in any order: " + columns + ". " +
		"Only name is required; it matches a row to an existing AI system (any case), which is updated, or else a new one is created. " +
		"A column left out leaves existing systems' field as it is; lists are separated by `;`; in_scope is yes or no (empty means yes); " +
		"owner_email names a member, supplier a supplier by name. The import is atomic: if any row is bad nothing is imported, " +
		"and the 422 answer lists every bad cell with a pointer `/rows/LINE/COLUMN` (the header is line 1). " +
		"Rows that change nothing are counted as unchanged and leave no audit event. " +
		"System owners cannot import: a file can name any system."
	// One byte over the limit, because huma refuses a body that reaches it.
	imp.MaxBodyBytes = service.MaxImportBytes + 1
	imp.BodyReadTimeout = time.Minute
	huma.Register(api, imp, func(ctx context.Context, in *systemImport) (*Body[*service.ImportResult], error) {
		if err := checkCSVType(ctx, in.ContentType); err != nil {
			return nil, err
		}
		res, err := h.svc.ImportSystemsCSV(ctx, bytes.NewReader(in.RawBody), in.DryRun)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.ImportResult]{Body: res}, nil
	})

	exp := operation(http.MethodGet, "/systems/export.csv", "export-systems", tag, "Export AI systems as a CSV file", authz.Export)
	exp.Description += " Takes the filters of the list and writes every matching system (no paging), in the columns the import reads (" +
		columns + "), so that an export can be edited in a spreadsheet and imported back. " +
		"A cell that a spreadsheet would run as a formula (starting with = + - or @) gets a leading apostrophe, which the import removes."
	exp.Responses = map[string]*huma.Response{"200": {
		Description: "The inventory as CSV (UTF-8 with a byte-order mark)",
		Content:     map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}},
	}}
	huma.Register(api, exp, func(ctx context.Context, in *SystemFilterParams) (*csvFile, error) {
		var buf bytes.Buffer
		if err := h.svc.ExportSystemsCSV(ctx, &buf, in.Filter()); err != nil {
			return nil, fail(ctx, err)
		}
		name := fmt.Sprintf("ai-systems-%s-%s.csv", authz.PrincipalFrom(ctx).OrgSlug, time.Now().UTC().Format(aims.DateLayout))
		return &csvFile{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
	})
}

// checkCSVType refuses a body that is not UTF-8 CSV with 415, saying what
// to send.
func checkCSVType(ctx context.Context, header string) error {
	ct, params, err := mime.ParseMediaType(header)
	if err == nil && (ct == "text/csv" || ct == "application/csv" || ct == "text/plain") {
		if cs := strings.ToLower(params["charset"]); cs == "" || cs == "utf-8" || cs == "utf8" {
			return nil
		}
	}
	status := http.StatusUnsupportedMediaType
	return &Problem{Type: problemType(status), Title: http.StatusText(status), Status: status, Instance: pathFrom(ctx),
		RequestID: aims.RequestIDFrom(ctx),
		Detail:    "send the CSV file as the request body with 'Content-Type: text/csv' (UTF-8), e.g. curl --data-binary @systems.csv -H 'Content-Type: text/csv'"}
}
