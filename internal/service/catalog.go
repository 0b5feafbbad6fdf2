package service

import (
	"context"
	"sort"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/store"
)

// orgCatalog is the catalog as one organization sees it: the built-in
// frameworks and crosswalks, plus the frameworks it imported and the
// mappings it added (grouped as one crosswalk per pair of frameworks).
func orgCatalog(ctx context.Context, q store.Querier, scope aims.Scope) (*catalog.Catalog, error) {
	fws, err := store.FindOrgFrameworks(ctx, q, scope)
	if err != nil {
		return nil, err
	}
	maps, err := store.FindMappings(ctx, q, scope)
	if err != nil {
		return nil, err
	}
	byPair := map[string]*aims.Crosswalk{}
	var cws []*aims.Crosswalk
	for _, m := range maps {
		key := "org_" + m.From + "_" + m.To
		cw := byPair[key]
		if cw == nil {
			cw = &aims.Crosswalk{ID: key, Title: "Your organization's mappings: " + m.From + " to " + m.To, From: m.From, To: m.To,
				Source: "Added by your organization", Official: false}
			byPair[key] = cw
			cws = append(cws, cw)
		}
		cw.Pairs = append(cw.Pairs, m)
	}
	return catalog.Builtin().With(fws, cws)
}

// Catalog returns the caller's organization's catalog.
func (s *Service) Catalog(ctx context.Context) (*catalog.Catalog, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read catalogs")
	if err != nil {
		return nil, err
	}
	return orgCatalog(ctx, s.db, scope)
}

// RequirementDetail is a requirement with everything its page shows.
type RequirementDetail struct {
	Framework   *aims.Framework     `json:"framework"`
	Requirement *aims.Requirement   `json:"requirement"`
	Ancestors   []*aims.Requirement `json:"ancestors"`
	Children    []*aims.Requirement `json:"children"`
	// OwnerText is the organization's own copy of the requirement's text
	// (the ISO text it imported), shown beside our guidance.
	OwnerText string           `json:"owner_text,omitempty"`
	MapsTo    []*catalog.Reach `json:"maps_to"`
}

// FindRequirement returns one requirement with its mappings, followed
// through the crosswalks.
func (s *Service) FindRequirement(ctx context.Context, ref aims.Ref) (*RequirementDetail, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read catalogs")
	if err != nil {
		return nil, err
	}
	c, err := orgCatalog(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	fw, ok := c.Framework(ref.Framework)
	if !ok {
		return nil, aims.ErrNotFound("framework " + ref.Framework)
	}
	r, ok := c.Requirement(ref)
	if !ok {
		return nil, aims.ErrNotFound(fw.ShortTitle + " requirement " + ref.ID)
	}
	texts, err := store.FindRequirementTexts(ctx, s.db, scope, fw.ID)
	if err != nil {
		return nil, err
	}
	return &RequirementDetail{Framework: fw, Requirement: r, Ancestors: c.Ancestors(ref), Children: c.Children(fw.ID, r.ID),
		OwnerText: texts[r.ID], MapsTo: c.MapsTo(ref)}, nil
}

// FindFramework returns one framework of the caller's catalog.
func (s *Service) FindFramework(ctx context.Context, id string) (*catalog.Catalog, *aims.Framework, error) {
	c, err := s.Catalog(ctx)
	if err != nil {
		return nil, nil, err
	}
	fw, ok := c.Framework(id)
	if !ok {
		return nil, nil, aims.ErrNotFound("framework " + id)
	}
	return c, fw, nil
}

// ImportOSCALCatalog imports an OSCAL catalog as an additional framework of
// the caller's organization. id, when given, names it (lowercase letters,
// digits and dashes); else the id the file carries, or one made from its
// title. On any problem nothing is imported and the error names every
// JSON path at fault.
func (s *Service) ImportOSCALCatalog(ctx context.Context, data []byte, id string) (*aims.Framework, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "import catalogs")
	if err != nil {
		return nil, err
	}
	fw, err := catalog.ParseOSCALCatalog(data)
	if err != nil {
		return nil, err
	}
	if id = strings.TrimSpace(id); id != "" {
		fw.ID = id
	}
	if fw.ID == "" {
		fw.ID = slugOf(fw.ShortTitle)
	}
	var v aims.Validation
	switch {
	case !catalog.FrameworkIDPattern.MatchString(fw.ID):
		v.Add("id", "%q: use 2 to 63 lowercase letters, digits and dashes, starting with a letter", fw.ID)
	case catalog.IsBuiltin(fw.ID):
		return nil, &aims.Error{Kind: aims.KindConflict, Message: fw.ID + " is a built-in framework: import the file under another id",
			Fields: []aims.FieldError{{Field: "id", Detail: "names a built-in framework"}}}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	fw.Imported = true
	err = s.transact(ctx, func(tx *store.Tx) error {
		c, err := orgCatalog(ctx, tx, scope)
		if err != nil {
			return err
		}
		// An id in use is the store's conflict (409 naming the id), not a
		// catalog that cannot be indexed.
		if _, taken := c.Framework(fw.ID); !taken {
			if _, err := c.With([]*aims.Framework{fw}, nil); err != nil {
				return &aims.Error{Kind: aims.KindInvalid, Message: "the catalog cannot be indexed: " + err.Error()}
			}
		}
		return store.CreateOrgFramework(ctx, tx, scope, fw)
	})
	if err != nil {
		return nil, err
	}
	return fw, nil
}

func slugOf(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 60 {
		out = strings.Trim(out[:60], "-")
	}
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = "catalog-" + out
	}
	return out
}

// DeleteFramework removes an imported framework that no SoA row or mapping
// uses.
func (s *Service) DeleteFramework(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete imported catalogs")
	if err != nil {
		return err
	}
	if catalog.IsBuiltin(id) {
		return aims.Errorf(aims.KindConflict, "%s is built in and cannot be deleted", id)
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		fws, err := store.FindOrgFrameworks(ctx, tx, scope)
		if err != nil {
			return err
		}
		for _, fw := range fws {
			if fw.ID != id {
				continue
			}
			n, err := store.CountFrameworkUses(ctx, tx, scope, id)
			if err != nil {
				return err
			}
			if n > 0 {
				return aims.Errorf(aims.KindConflict, "%d SoA rows or mappings use %s: remove them first", n, id)
			}
			return store.DeleteOrgFramework(ctx, tx, scope, fw)
		}
		return aims.ErrNotFound("framework " + id)
	})
}

// CreateMapping adds one of the organization's own mappings between two
// requirements of different frameworks.
func (s *Service) CreateMapping(ctx context.Context, m *aims.Mapping) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "add mappings")
	if err != nil {
		return err
	}
	m.Rationale = strings.TrimSpace(m.Rationale)
	return s.transact(ctx, func(tx *store.Tx) error {
		c, err := orgCatalog(ctx, tx, scope)
		if err != nil {
			return err
		}
		var v aims.Validation
		if _, ok := c.Requirement(aims.Ref{Framework: m.From, ID: m.Source}); !ok {
			v.Add("source", "%s:%s is not a requirement in the catalog", m.From, m.Source)
		}
		if _, ok := c.Requirement(aims.Ref{Framework: m.To, ID: m.Target}); !ok {
			v.Add("target", "%s:%s is not a requirement in the catalog", m.To, m.Target)
		}
		if m.From == m.To {
			v.Add("to", "map to another framework")
		}
		if !m.Relationship.IsValid() {
			v.Add("relationship", "must be one of equal, subset, superset, intersects, related")
		}
		if m.Rationale == "" {
			v.Add("rationale", "say why the two requirements map")
		}
		v.MaxLen("rationale", m.Rationale, 4000)
		if err := v.Err(); err != nil {
			return err
		}
		return store.CreateMapping(ctx, tx, scope, m)
	})
}

// FindMappings lists the organization's own mappings.
func (s *Service) FindMappings(ctx context.Context) ([]*aims.Mapping, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read mappings")
	if err != nil {
		return nil, err
	}
	return store.FindMappings(ctx, s.db, scope)
}

// DeleteMapping removes one of the organization's own mappings.
func (s *Service) DeleteMapping(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete mappings")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		maps, err := store.FindMappings(ctx, tx, scope)
		if err != nil {
			return err
		}
		for _, m := range maps {
			if m.ID == id {
				return store.DeleteMapping(ctx, tx, scope, m)
			}
		}
		return aims.ErrNotFound("mapping")
	})
}

// FrameworkSummary counts a framework's requirements by kind, for lists.
type FrameworkSummary struct {
	*aims.Framework
	Counts map[string]int `json:"counts"`
}

// FindFrameworks lists the frameworks of the caller's catalog with counts.
func (s *Service) FindFrameworks(ctx context.Context) ([]*FrameworkSummary, error) {
	c, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	var out []*FrameworkSummary
	for _, fw := range c.Frameworks() {
		sum := &FrameworkSummary{Framework: fw, Counts: map[string]int{}}
		for _, r := range fw.Requirements {
			sum.Counts[r.Kind]++
		}
		out = append(out, sum)
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].Imported && out[j].Imported })
	return out, nil
}
