package api

import (
	"bytes"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// MaxImportBody is the largest catalog or text file accepted (32 MiB: an
// OSCAL NIST SP 800-53 catalog is about 10 MiB).
const MaxImportBody = 32 << 20

// FrameworkInfo describes a framework without its requirements.
type FrameworkInfo struct {
	ID         string         `json:"id"`
	Title      string         `json:"title"`
	ShortTitle string         `json:"short_title"`
	Version    string         `json:"version"`
	Publisher  string         `json:"publisher"`
	Source     string         `json:"source"`
	Licence    string         `json:"licence"`
	Imported   bool           `json:"imported"`
	Counts     map[string]int `json:"counts" doc:"Requirements by kind"`
}

// CrosswalkInfo describes a crosswalk without its pairs.
type CrosswalkInfo struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	From     string `json:"from"`
	To       string `json:"to"`
	Source   string `json:"source"`
	Official bool   `json:"official" doc:"false for crosswalks of aims' own (or your organization's) reading"`
	Note     string `json:"note,omitempty"`
	Pairs    int    `json:"pairs"`
	Flagged  int    `json:"flagged" doc:"Pairs whose source row was corrected"`
}

type frameworkParam struct {
	Framework string `path:"framework" doc:"iso42001, nist-ai-rmf, eu-ai-act, or an imported catalog's id"`
}

type requirementParam struct {
	Framework string `path:"framework"`
	ID        string `path:"id" doc:"The requirement's id as the framework writes it, URL-encoded (A.6.2.8, GOVERN%201.1, Art.%2012)"`
}

type requirementList struct {
	Framework string `path:"framework"`
	Q         string `query:"q" doc:"Part of the id, title or text, any case"`
	Kind      string `query:"kind" doc:"e.g. control, clause, subcategory, obligation"`
}

type frameworkExport struct {
	Framework string `path:"framework"`
	Format    string `query:"format" enum:"oscal,json,csv" default:"oscal"`
	OwnerText bool   `query:"owner_text" doc:"Include your organization's own requirement texts (e.g. the ISO text it imported). Off unless asked."`
}

type crosswalkParam struct {
	ID string `path:"id" doc:"nist-ai-rmf_iso42001, iso42001_eu-ai-act, or org_FROM_TO for your own mappings"`
}

type crosswalkExport struct {
	ID     string `path:"id"`
	Format string `query:"format" enum:"oscal,json,csv" default:"oscal"`
}

// FileOutput is a downloaded file.
type FileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func fileOf(b []byte, mediaType, name string) *FileOutput {
	return &FileOutput{ContentType: mediaType, ContentDisposition: `attachment; filename="` + name + `"`, Body: b}
}

type catalogImport struct {
	ID      string `query:"id" doc:"The id to give the framework (lowercase letters, digits, dashes); default: the id in the file, or one made from its title"`
	RawBody []byte `contentType:"application/octet-stream" doc:"An OSCAL catalog (JSON). Send it as application/octet-stream (or application/json up to 1 MiB)."`
}

type textImport struct {
	Framework string `path:"framework"`
	RawBody   []byte `contentType:"application/octet-stream" doc:"CSV or XLSX with a header row naming the columns id and text"`
}

// MappingInput is one of your organization's own mappings.
type MappingInput struct {
	From         string            `json:"from" doc:"Framework of the source requirement"`
	Source       string            `json:"source"`
	To           string            `json:"to" doc:"Framework of the target requirement"`
	Target       string            `json:"target"`
	Relationship aims.Relationship `json:"relationship" enum:"equal,subset,superset,intersects,related"`
	Rationale    string            `json:"rationale" doc:"Why the two map"`
}

func (h *Handlers) registerCatalog(api huma.API) {
	const tag = "Catalogs"
	huma.Register(api, operation(http.MethodGet, "/frameworks", "list-frameworks", tag, "List frameworks", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[[]FrameworkInfo], error) {
			list, err := h.svc.FindFrameworks(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			out := make([]FrameworkInfo, len(list))
			for i, f := range list {
				out[i] = FrameworkInfo{ID: f.ID, Title: f.Title, ShortTitle: f.ShortTitle, Version: f.Version, Publisher: f.Publisher,
					Source: f.Source, Licence: f.Licence, Imported: f.Imported, Counts: f.Counts}
			}
			return &Body[[]FrameworkInfo]{Body: out}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/frameworks/{framework}", "get-framework", tag, "Get a framework with its requirements", authz.Read),
		func(ctx context.Context, in *frameworkParam) (*Body[*aims.Framework], error) {
			_, fw, err := h.svc.FindFramework(ctx, in.Framework)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Framework]{Body: fw}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/frameworks/{framework}/requirements", "search-requirements", tag, "Search a framework's requirements", authz.Read),
		func(ctx context.Context, in *requirementList) (*Body[[]*aims.Requirement], error) {
			c, fw, err := h.svc.FindFramework(ctx, in.Framework)
			if err != nil {
				return nil, fail(ctx, err)
			}
			hits, _ := c.Search(fw, in.Q)
			out := []*aims.Requirement{}
			for _, r := range hits {
				if in.Kind == "" || r.Kind == in.Kind {
					out = append(out, r)
				}
			}
			return &Body[[]*aims.Requirement]{Body: out}, nil
		})
	get := operation(http.MethodGet, "/frameworks/{framework}/requirements/{id}", "get-requirement", tag, "Get a requirement with its mappings", authz.Read)
	get.Description += " maps_to lists what the requirement maps to in every other framework: directly, or through one requirement of a third framework, with each path."
	huma.Register(api, get, func(ctx context.Context, in *requirementParam) (*Body[*service.RequirementDetail], error) {
		d, err := h.svc.FindRequirement(ctx, aims.Ref{Framework: in.Framework, ID: in.ID})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.RequirementDetail]{Body: d}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/frameworks/{framework}/export", "export-framework", tag, "Export a framework (OSCAL catalog, JSON, CSV)", authz.Export),
		func(ctx context.Context, in *frameworkExport) (*FileOutput, error) {
			var buf bytes.Buffer
			if err := h.svc.ExportCatalog(ctx, &buf, in.Framework, in.Format, in.OwnerText); err != nil {
				return nil, fail(ctx, err)
			}
			mt, ext := service.ExportContentType(in.Format)
			return fileOf(buf.Bytes(), mt, in.Framework+"."+ext), nil
		})
	imp := operation(http.MethodPost, "/frameworks/import", "import-framework", tag, "Import an OSCAL catalog as a framework", authz.Edit)
	imp.Description += " Any problem imports nothing; each is named by its JSON path in the file (errors[].pointer)."
	imp.MaxBodyBytes = MaxImportBody
	imp.DefaultStatus = http.StatusCreated
	huma.Register(api, imp, func(ctx context.Context, in *catalogImport) (*Body[FrameworkInfo], error) {
		fw, err := h.svc.ImportOSCALCatalog(ctx, in.RawBody, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[FrameworkInfo]{Body: FrameworkInfo{ID: fw.ID, Title: fw.Title, ShortTitle: fw.ShortTitle, Version: fw.Version,
			Imported: true, Counts: map[string]int{"requirements": len(fw.Requirements)}}}, nil
	})
	del := operation(http.MethodDelete, "/frameworks/{framework}", "delete-framework", tag, "Delete an imported framework", authz.Edit)
	del.Description += " Refused with 409 while SoA rows or mappings use it, and for built-in frameworks."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *frameworkParam) (*noContent, error) {
		if err := h.svc.DeleteFramework(ctx, in.Framework); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	texts := operation(http.MethodPost, "/frameworks/{framework}/texts", "import-requirement-texts", tag, "Import your own requirement texts (CSV or XLSX)", authz.Edit)
	texts.Description += " For an organization that owns the standard: its text is shown beside aims' guidance and exported only when asked. Rows with unknown ids are refused and listed (errors[].pointer /rows/LINE/id); then nothing is imported."
	texts.MaxBodyBytes = service.MaxTextImport
	huma.Register(api, texts, func(ctx context.Context, in *textImport) (*Body[*service.TextImportResult], error) {
		res, err := h.svc.ImportRequirementTexts(ctx, in.Framework, in.RawBody)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.TextImportResult]{Body: res}, nil
	})
	huma.Register(api, operation(http.MethodDelete, "/frameworks/{framework}/texts", "delete-requirement-texts", tag, "Delete your own requirement texts", authz.Edit),
		func(ctx context.Context, in *frameworkParam) (*Body[map[string]int], error) {
			n, err := h.svc.DeleteRequirementTexts(ctx, in.Framework)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[map[string]int]{Body: map[string]int{"deleted": n}}, nil
		})
	h.registerCrosswalks(api)
}

func (h *Handlers) registerCrosswalks(api huma.API) {
	const tag = "Catalogs"
	huma.Register(api, operation(http.MethodGet, "/crosswalks", "list-crosswalks", tag, "List crosswalks", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[[]CrosswalkInfo], error) {
			c, err := h.svc.Catalog(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			out := []CrosswalkInfo{}
			for _, cw := range c.Crosswalks() {
				out = append(out, crosswalkInfo(cw))
			}
			return &Body[[]CrosswalkInfo]{Body: out}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/crosswalks/{id}", "get-crosswalk", tag, "Get a crosswalk with its pairs", authz.Read),
		func(ctx context.Context, in *crosswalkParam) (*Body[*aims.Crosswalk], error) {
			c, err := h.svc.Catalog(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			cw, ok := c.Crosswalk(in.ID)
			if !ok {
				return nil, fail(ctx, aims.ErrNotFound("crosswalk "+in.ID))
			}
			return &Body[*aims.Crosswalk]{Body: cw}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/crosswalks/{id}/export", "export-crosswalk", tag, "Export a crosswalk (OSCAL mapping-collection, JSON, CSV)", authz.Export),
		func(ctx context.Context, in *crosswalkExport) (*FileOutput, error) {
			var buf bytes.Buffer
			if err := h.svc.ExportCrosswalk(ctx, &buf, in.ID, in.Format); err != nil {
				return nil, fail(ctx, err)
			}
			mt, ext := service.ExportContentType(in.Format)
			return fileOf(buf.Bytes(), mt, in.ID+"."+ext), nil
		})
	huma.Register(api, operation(http.MethodGet, "/mappings", "list-mappings", tag, "List your organization's own mappings", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[[]*aims.Mapping], error) {
			list, err := h.svc.FindMappings(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.Mapping]{Body: list}, nil
		})
	create := operation(http.MethodPost, "/mappings", "create-mapping", tag, "Add a mapping between two requirements", authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *struct{ Body MappingInput }) (*Body[*aims.Mapping], error) {
		b := in.Body
		m := &aims.Mapping{From: b.From, Source: b.Source, To: b.To, Target: b.Target, Relationship: b.Relationship, Rationale: b.Rationale}
		if err := h.svc.CreateMapping(ctx, m); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Mapping]{Body: m}, nil
	})
	del := operation(http.MethodDelete, "/mappings/{id}", "delete-mapping", tag, "Delete one of your mappings", authz.Edit)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteMapping(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}

func crosswalkInfo(cw *aims.Crosswalk) CrosswalkInfo {
	info := CrosswalkInfo{ID: cw.ID, Title: cw.Title, From: cw.From, To: cw.To, Source: cw.Source, Official: cw.Official, Note: cw.Note, Pairs: len(cw.Pairs)}
	for _, p := range cw.Pairs {
		if p.Flag != "" {
			info.Flagged++
		}
	}
	return info
}
