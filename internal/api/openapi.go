package api

import (
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// The OpenAPI document is read by programs nobody here wrote: generated
// clients, linters, validators of live answers. describeOperation completes
// every operation as it is added, in one place, so that an operation added
// by any capability file gets the same treatment:
//
//   - a file download is declared with its real media types (one per export
//     format) and a text or binary body, never huma's base64 JSON string;
//   - the 4xx problem answers the operation can give are declared one by
//     one (the default answer stays for 5xx);
//   - its tag is listed at the top of the document with a description.

// tagDescriptions describe each capability's tag, in our own words.
var tagDescriptions = map[string]string{
	"Accounts": "Who you are, the organization's members and their roles, and API tokens.",
	"Sign-in":  "How people sign in (ASVS 5.0 V6): the organization's OpenID Connect provider and its group-to-role table, the default role, local passwords and the break-glass account, the required second factor; ending a member's sessions.",
	"Evidence": "Evidence that controls operate (ISO/IEC 42001 7.5, Annex A): files stored by their SHA-256 digest and links, " +
		"with immutable revisions sealed in the log, linked to any record; what each control expects and how fresh it is.",
	"AI systems":     "The inventory of AI systems (ISO/IEC 42001 A.4), the hub every record hangs off; CSV import and export.",
	"Model versions": "Model versions of an AI system, identified by their digest, and their lifecycle state.",
	"Lifecycle gates": "What a model version must meet before it is validated, approved and deployed (ISO/IEC 42001 A.6.2.4, A.6.2.5): " +
		"validation metrics, acceptance criteria, the gates' checks evaluated now, and the organization's gate definitions (docs/gates.md).",
	"Datasets":                   "Datasets and their provenance (A.7).",
	"Suppliers":                  "Suppliers of AI systems, models, data and services (A.10).",
	"Documents":                  "Controlled documents (7.5.2, 7.5.3): the AI policy, the scope statement, procedures; versions, approval, acknowledgements and PDFs.",
	"Approvals":                  "Approval requests over the exact content (SHA-256) of a record, with named approvers or roles, a quorum and separation of duties.",
	"Objectives":                 "AI objectives with their targets and measures, computed from the records by a closed set of indicators or entered by hand with evidence, and their measurements (6.2, 9.1).",
	"Context":                    "Context of the organization: internal and external issues, the climate-change question, interested parties and their requirements (4.1, 4.2).",
	"Planning of changes":        "Changes to the AIMS, planned with their purpose, consequences, resources and responsibilities (6.3).",
	"Resources":                  "The resources the AIMS relies on: people, compute, tooling, data and budget (7.1, A.4).",
	"Communication":              "The communication plan and the record of each communication made (7.4, A.8).",
	"People":                     "People of the organization, with or without an account (7.2); CSV import and export.",
	"AIMS roles":                 "Roles of the AI management system, who holds them, and the RACI of its processes (5.3, A.3.2).",
	"Competence":                 "Competence requirements, training records, gaps, awareness sessions and AI literacy (7.2, 7.3, A.4.6, EU AI Act Art. 4).",
	"Audit trail":                "Who did what, when, with the record before and after.",
	"Tamper-evident log":         "The organization's Merkle log: signed checkpoints, inclusion and consistency proofs, alerts (7.5.3).",
	"Catalogs":                   "Frameworks (ISO/IEC 42001 Annex A, NIST AI RMF, EU AI Act), their requirements, crosswalks and your own mappings; OSCAL in and out.",
	"Statement of Applicability": "The Statement of Applicability (6.1.3): versions, rows per control, approval, coverage and exports.",
	"EU AI Act classification":   "Each AI system's risk tier and obligations under Regulation (EU) 2024/1689, versioned.",
	"Risk criteria":              "The organization's risk scales, matrix and appetite (6.1.1), versioned.",
	"Risks":                      "The AI risk register (6.1.2, 6.1.3, 8.2, 8.3): treatments, controls, acceptance, exports.",
	"Impact assessments":         "AI system impact assessments (6.1.4, 8.4) and their reports.",
	"Decisions":                  "Decision events of AI systems, each sealed in the log; exports.",
	"Stop authority":             "Suspending and resuming an AI system, and the answer an edge gateway asks before acting.",
	"Change control":             "The gates material changes re-opened (8.1, A.6.2.6), and clearing them with a reason.",
	"Data lineage":               "Instruments, calibrations, tags and features behind each model version and decision.",
}

// problemAnswers are the 4xx answers an operation may declare, each with
// what it means here.
var problemAnswers = map[int]string{
	http.StatusBadRequest:            "The request body is not valid JSON, or could not be read",
	http.StatusUnauthorized:          "No valid API token or session",
	http.StatusForbidden:             "Your role, or the API token's scope, does not allow this",
	http.StatusNotFound:              "No such record in your organization",
	http.StatusConflict:              "The change conflicts with a record's state or another record",
	http.StatusRequestEntityTooLarge: "The request body is over the operation's limit",
	http.StatusUnsupportedMediaType:  "The request body's Content-Type is not one the operation reads",
	http.StatusUnprocessableEntity:   "A parameter or field is invalid: errors[] names each one",
}

// describeOperation is the document's OnAddOperation hook.
func describeOperation(o *huma.OpenAPI, op *huma.Operation) {
	declareDownloads(op)
	declareProblems(o, op)
	for _, tag := range op.Tags {
		if !slices.ContainsFunc(o.Tags, func(t *huma.Tag) bool { return t.Name == tag }) {
			o.Tags = append(o.Tags, &huma.Tag{Name: tag, Description: tagDescriptions[tag]})
		}
	}
}

// declareDownloads replaces a byte body that huma would describe as a
// base64 JSON string with the media types the operation really sends: one
// per value of its format parameter (service.ExportContentType), those its
// author declared with sends, or text/csv for a path ending in .csv.
func declareDownloads(op *huma.Operation) {
	for _, res := range op.Responses {
		isBytes := false
		for name, mt := range res.Content {
			if s := mt.Schema; s != nil && s.Type == "string" && s.ContentEncoding == "base64" {
				isBytes = true
			}
			if mt.Schema == nil && strings.HasPrefix(name, "text/") {
				mt.Schema = &huma.Schema{Type: "string", Description: "Text (UTF-8)"}
			}
		}
		if !isBytes {
			continue
		}
		if res.Description == "" || res.Description == http.StatusText(http.StatusOK) {
			res.Description = "The file, in the media type of the format asked for (Content-Disposition names it)"
		}
		types, _ := op.Metadata[metaMediaTypes].([]string)
		switch {
		case len(types) > 0:
		case strings.HasSuffix(op.Path, ".csv"):
			types = []string{"text/csv"}
		default:
			types = []string{"application/octet-stream"}
		}
		if formats := formatValues(op); len(formats) > 0 {
			types = types[:0]
			for _, f := range formats {
				mt, _ := service.ExportContentType(f)
				types = append(types, mt)
			}
		}
		res.Content = fileContent(types...)
	}
}

// metaMediaTypes holds the media types of an operation's file, for one
// without a format parameter (see sends).
const metaMediaTypes = "aims-media-types"

// sends declares the media types of the file that op answers with, when it
// has no format parameter to tell them.
func sends(op huma.Operation, mediaTypes ...string) huma.Operation {
	op.Metadata[metaMediaTypes] = mediaTypes
	return op
}

// formatValues returns the values of the operation's format parameter.
func formatValues(op *huma.Operation) []string {
	for _, p := range op.Parameters {
		if p.Name == "format" && p.In == "query" && p.Schema != nil {
			var out []string
			for _, v := range p.Schema.Enum {
				if s, ok := v.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
	}
	return nil
}

// fileContent declares a downloaded file in each of the media types: text
// as a string, JSON as a document, anything else as binary.
func fileContent(mediaTypes ...string) map[string]*huma.MediaType {
	content := map[string]*huma.MediaType{}
	for _, full := range mediaTypes {
		mt, _, err := mime.ParseMediaType(full)
		if err != nil {
			mt = full
		}
		var s *huma.Schema
		switch {
		case strings.HasPrefix(mt, "text/"):
			s = &huma.Schema{Type: "string", Description: "Text (UTF-8)"}
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			s = &huma.Schema{Type: "object", Description: "A JSON document (format=json: the records as the API shows them; format=oscal: an OSCAL 1.2 document)"}
		default:
			s = &huma.Schema{Type: "string", Format: "binary", Extensions: map[string]any{"contentMediaType": mt}}
		}
		content[mt] = &huma.MediaType{Schema: s}
	}
	return content
}

// declareProblems declares the problem answers that the operation can give:
// 401 and 403 from the permission check, 404 for a record named in its path,
// query or body, 409 for a write, 400, 413 and 415 for a request body, and 422 for
// anything it validates.
func declareProblems(o *huma.OpenAPI, op *huma.Operation) {
	perms, checked := op.Metadata[metaPermissions].([]authz.Permission)
	write := op.Method != http.MethodGet && op.Method != http.MethodHead
	body := op.RequestBody != nil
	// A record named in the path, or in a query parameter other than the
	// page's (a version, a filter's system), may not exist.
	names, params := false, len(op.Parameters) > 0
	for _, p := range op.Parameters {
		names = names || p.In == "path" || p.Name != "limit" && p.Name != "offset"
	}
	statuses := map[int]bool{
		http.StatusBadRequest:            body,
		http.StatusUnauthorized:          checked,
		http.StatusForbidden:             checked && len(perms) > 0,
		http.StatusNotFound:              names || write,
		http.StatusConflict:              write,
		http.StatusRequestEntityTooLarge: body,
		http.StatusUnsupportedMediaType:  body,
		http.StatusUnprocessableEntity:   params || body,
	}
	if op.Responses == nil {
		op.Responses = map[string]*huma.Response{}
	}
	for status, ok := range statuses {
		key := strconv.Itoa(status)
		if _, done := op.Responses[key]; !ok || done {
			continue
		}
		name := strings.ReplaceAll(http.StatusText(status), " ", "")
		if o.Components.Responses == nil {
			o.Components.Responses = map[string]*huma.Response{}
		}
		if o.Components.Responses[name] == nil {
			o.Components.Responses[name] = &huma.Response{
				Description: problemAnswers[status],
				Content: map[string]*huma.MediaType{
					"application/problem+json": {Schema: &huma.Schema{Ref: "#/components/schemas/Problem"}},
				},
			}
		}
		op.Responses[key] = &huma.Response{Ref: "#/components/responses/" + name}
	}
}
