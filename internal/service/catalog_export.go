package service

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// CatalogExportFormats lists the formats of ExportCatalog and
// ExportCrosswalk.
var CatalogExportFormats = []string{"oscal", "json", "csv"}

func badFormat() error {
	return &aims.Error{Kind: aims.KindInvalid, Message: "unknown export format",
		Fields: []aims.FieldError{{Field: "format", Detail: "must be one of oscal, json, csv"}}}
}

// ExportCatalog writes a framework as an OSCAL catalog, aims' JSON, or CSV.
// The organization's own requirement texts (the ISO text it imported) are
// included only when withOwnerText is set: they are the owner's licensed
// copy, not ours to hand on by default.
func (s *Service) ExportCatalog(ctx context.Context, w io.Writer, id, format string, withOwnerText bool) error {
	scope, _, err := authz.Authorize(ctx, authz.Export, "export catalogs")
	if err != nil {
		return err
	}
	c, err := orgCatalog(ctx, s.db, scope)
	if err != nil {
		return err
	}
	fw, ok := c.Framework(id)
	if !ok {
		return aims.ErrNotFound("framework " + id)
	}
	var texts map[string]string
	if withOwnerText {
		if texts, err = store.FindRequirementTexts(ctx, s.db, scope, fw.ID); err != nil {
			return err
		}
	}
	switch format {
	case "oscal":
		b, err := c.ExportCatalog(fw, texts, time.Now())
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case "json":
		out := struct {
			*aims.Framework
			OwnerText map[string]string `json:"owner_text,omitempty"`
		}{fw, texts}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		head := []string{"id", "parent", "kind", "title", "text", "asks", "evidence", "records", "roles", "citation"}
		if withOwnerText {
			head = append(head, "owner_text")
		}
		cw, err := newCSVExport(w, head)
		if err != nil {
			return err
		}
		for _, r := range fw.Requirements {
			g := r.Guidance
			if g == nil {
				g = &aims.Guidance{}
			}
			roles := make([]string, len(r.Roles))
			for i, x := range r.Roles {
				roles[i] = string(x)
			}
			rec := []string{r.ID, r.Parent, r.Kind, r.Title, r.Text, g.Asks, g.Evidence, g.Records, strings.Join(roles, ";"), r.Citation}
			if withOwnerText {
				rec = append(rec, texts[r.ID])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		return cw.Close()
	}
	return badFormat()
}

// ExportCrosswalk writes a crosswalk as an OSCAL mapping-collection, JSON or
// CSV.
func (s *Service) ExportCrosswalk(ctx context.Context, w io.Writer, id, format string) error {
	scope, _, err := authz.Authorize(ctx, authz.Export, "export crosswalks")
	if err != nil {
		return err
	}
	c, err := orgCatalog(ctx, s.db, scope)
	if err != nil {
		return err
	}
	cw, ok := c.Crosswalk(id)
	if !ok {
		return aims.ErrNotFound("crosswalk " + id)
	}
	switch format {
	case "oscal":
		b, err := c.ExportMappingCollection(cw, time.Now())
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(cw)
	case "csv":
		out, err := newCSVExport(w, []string{"from", "source", "to", "target", "relationship", "rationale", "flag", "source_reading"})
		if err != nil {
			return err
		}
		for _, p := range cw.Pairs {
			from, to := cw.From, cw.To
			if p.From != "" {
				from, to = p.From, p.To
			}
			if err := out.Write([]string{from, p.Source, to, p.Target, string(p.Relationship), p.Rationale, p.Flag, p.SourceReading}); err != nil {
				return err
			}
		}
		return out.Close()
	}
	return badFormat()
}
