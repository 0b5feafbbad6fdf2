package catalog

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	oscal "github.com/defenseunicorns/go-oscal/src/types/oscal-1-2-2"

	"github.com/aimsproject/aims/internal/aims"
)

// ExportProfile writes a version of the Statement of Applicability as an
// OSCAL profile: one import per catalog its controls come from, including
// the applicable controls and excluding the excluded ones, and for every
// row an alteration that adds the decision, its justification and the
// implementation status (aims' namespace). Undecided rows of a draft are in
// neither list.
//
// Resolving a profile drops the alterations of excluded controls with the
// controls, and with them the justification for excluding each, which
// 6.1.3 d) requires. So every excluded control also gets a back-matter
// resource that carries its id and justification:
// back-matter survives resolution into the resolved catalog.
func (c *Catalog) ExportProfile(v *aims.SoAVersion, orgName string, now time.Time) ([]byte, error) {
	byFW := map[string][]*aims.SoARow{}
	var fwOrder []string
	for _, r := range v.Rows {
		if byFW[r.Framework] == nil {
			fwOrder = append(fwOrder, r.Framework)
		}
		byFW[r.Framework] = append(byFW[r.Framework], r)
	}
	sort.SliceStable(fwOrder, func(i, j int) bool { return c.fwIndex(fwOrder[i]) < c.fwIndex(fwOrder[j]) })
	var imports []oscal.Import
	var resources []oscal.Resource
	var alters []oscal.Alteration
	var exclusions []oscal.Resource
	for _, fwID := range fwOrder {
		fw, ok := c.Framework(fwID)
		if !ok {
			return nil, fmt.Errorf("SoA version %d names framework %s, which is not in the catalog", v.Number, fwID)
		}
		res := oscal.Resource{UUID: oscalUUID("resource", fw.ID), Title: fw.Title, Props: props(prop("framework-id", fw.ID)),
			Rlinks: &[]oscal.ResourceLink{{Href: fw.ID + ".oscal.json", MediaType: "application/oscal.catalog+json"}}}
		resources = append(resources, res)
		var include, exclude []string
		for _, r := range byFW[fwID] {
			req, ok := c.Requirement(r.Ref())
			if !ok {
				return nil, fmt.Errorf("SoA version %d names %s, which is not in the catalog", v.Number, r.Ref())
			}
			id := OSCALID(req.Kind, req.ID)
			switch r.Applicability {
			case aims.Applicable:
				include = append(include, id)
			case aims.Excluded:
				exclude = append(exclude, id)
				exclusions = append(exclusions, exclusionResource(v, id, r))
			}
			alters = append(alters, rowAlteration(id, r))
		}
		imp := oscal.Import{Href: "#" + res.UUID}
		if len(include) > 0 {
			imp.IncludeControls = &[]oscal.SelectControlById{{WithIds: &include}}
		} else {
			imp.IncludeAll = &oscal.IncludeAll{}
		}
		if len(exclude) > 0 {
			imp.ExcludeControls = &[]oscal.SelectControlById{{WithIds: &exclude}}
		}
		imports = append(imports, imp)
	}
	if len(imports) == 0 {
		return nil, fmt.Errorf("SoA version %d has no rows to export", v.Number)
	}
	resources = append(resources, exclusions...)
	modified := v.UpdatedAt
	if v.ApprovedAt != nil {
		modified = *v.ApprovedAt
	}
	if modified.IsZero() {
		modified = now
	}
	meta := oscal.Metadata{
		Title:        "Statement of Applicability — " + orgName,
		Version:      strconv.Itoa(v.Number),
		OscalVersion: OSCALVersion,
		LastModified: modified.UTC().Truncate(time.Second),
		Props: props(prop("soa-status", string(v.Status)), prop("approved-by", v.ApprovedBy), prop("soa-version", strconv.Itoa(v.Number)),
			prop("based-on", basedOn(v))),
		Remarks: "ISO/IEC 42001:2023 clause 6.1.3 d) and e): the necessary controls, the justification for including and excluding each, and whether it is implemented.",
	}
	if v.ApprovedAt != nil {
		meta.Props = props(append(*meta.Props, prop("approved-at", v.ApprovedAt.UTC().Format(time.RFC3339)))...)
	}
	p := &oscal.Profile{
		UUID:       oscalUUID("profile", orgName, strconv.Itoa(v.Number), v.ID),
		Metadata:   meta,
		Imports:    imports,
		Merge:      &oscal.Merge{AsIs: true},
		Modify:     &oscal.Modify{Alters: &alters},
		BackMatter: &oscal.BackMatter{Resources: &resources},
	}
	return encodeOSCAL(oscal.OscalModels{Profile: p})
}

// exclusionResource records why control id (row r) is excluded, where a
// resolved profile keeps it.
func exclusionResource(v *aims.SoAVersion, id string, r *aims.SoARow) oscal.Resource {
	return oscal.Resource{
		UUID:  oscalUUID("soa-exclusion", v.ID, strconv.Itoa(v.Number), r.Framework, r.RequirementID),
		Title: "Justification for excluding " + r.RequirementID,
		Props: props(prop("control-id", id), prop("label", r.RequirementID), prop("framework-id", r.Framework),
			prop("applicability", string(r.Applicability))),
		Description: strings.TrimSpace(r.Justification),
	}
}

func basedOn(v *aims.SoAVersion) string {
	if v.BasedOn == 0 {
		return ""
	}
	return strconv.Itoa(v.BasedOn)
}

func (c *Catalog) fwIndex(id string) int {
	for i, fw := range c.frameworks {
		if fw.ID == id {
			return i
		}
	}
	return len(c.frameworks)
}

func rowAlteration(id string, r *aims.SoARow) oscal.Alteration {
	ps := []oscal.Property{prop("applicability", string(r.Applicability))}
	if r.Applicability == aims.Applicable {
		ps = append(ps, prop("implementation-status", string(r.Status)))
	}
	if r.OwnerEmail != "" {
		ps = append(ps, prop("owner", r.OwnerEmail))
	}
	if r.TargetDate != nil {
		ps = append(ps, prop("target-date", r.TargetDate.String()))
	}
	add := oscal.Addition{Position: "ending", Props: props(ps...)}
	var parts []oscal.Part
	if j := strings.TrimSpace(r.Justification); j != "" {
		parts = append(parts, oscal.Part{ID: id + "_soa-justification", Name: "justification", Ns: OSCALNamespace, Prose: j})
	}
	if n := strings.TrimSpace(r.Notes); n != "" {
		parts = append(parts, oscal.Part{ID: id + "_soa-notes", Name: "notes", Ns: OSCALNamespace, Prose: n})
	}
	add.Parts = ptr(parts)
	return oscal.Alteration{ControlId: id, Adds: &[]oscal.Addition{add}}
}
