package catalog_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/catalog"
)

var oscalSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open("testdata/oscal/oscal_complete_schema-1-2-2.json")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	const url = "http://csrc.nist.gov/ns/oscal/1.0/1.2.2/oscal-complete-schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
})

// ValidateOSCAL checks b against the official OSCAL 1.2.2 JSON schema.
func ValidateOSCAL(t *testing.T, b []byte) {
	t.Helper()
	sch, err := oscalSchema()
	if err != nil {
		t.Fatalf("load OSCAL schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("exported OSCAL is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("exported OSCAL does not validate against the OSCAL 1.2.2 schema:\n%v", err)
	}
}

var now = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func TestOSCALCatalogExportsValidateAndImportBack(t *testing.T) {
	c := catalog.Builtin()
	for _, fw := range c.Frameworks() {
		t.Run(fw.ID, func(t *testing.T) {
			b, err := c.ExportCatalog(fw, nil, now)
			if err != nil {
				t.Fatal(err)
			}
			ValidateOSCAL(t, b)
			back, err := catalog.ParseOSCALCatalog(b)
			if err != nil {
				t.Fatalf("import of our own export: %v", err)
			}
			if back.ID != fw.ID || back.Title != fw.Title || back.Version != fw.Version {
				t.Errorf("framework %s %q %q came back as %s %q %q", fw.ID, fw.Title, fw.Version, back.ID, back.Title, back.Version)
			}
			if diff := cmp.Diff(fw.CoverageKinds, back.CoverageKinds); diff != "" {
				t.Errorf("coverage kinds differ (-want +got):\n%s", diff)
			}
			// The same requirements, in the tree's order (groups before
			// controls at each level in OSCAL, so compare as a set).
			want := map[string]*aims.Requirement{}
			for _, r := range fw.Requirements {
				want[r.ID] = r
			}
			if len(back.Requirements) != len(fw.Requirements) {
				t.Fatalf("%d requirements came back, want %d", len(back.Requirements), len(fw.Requirements))
			}
			for _, got := range back.Requirements {
				if diff := cmp.Diff(want[got.ID], got); diff != "" {
					t.Errorf("requirement %s differs after the round trip (-want +got):\n%s", got.ID, diff)
				}
			}
		})
	}
}

func TestOSCALOwnerTextExportedOnlyWhenGiven(t *testing.T) {
	c := catalog.Builtin()
	iso, _ := c.Framework(catalog.ISO42001)
	plain, _ := c.ExportCatalog(iso, nil, now)
	withText, err := c.ExportCatalog(iso, map[string]string{"A.2.2": "OWNER TEXT OF A.2.2"}, now)
	if err != nil {
		t.Fatal(err)
	}
	ValidateOSCAL(t, withText)
	if bytes.Contains(plain, []byte("OWNER TEXT")) || !bytes.Contains(withText, []byte("OWNER TEXT OF A.2.2")) {
		t.Error("owner's text must appear only in the export that asked for it")
	}
}

func TestOSCALMappingCollectionsValidate(t *testing.T) {
	c := catalog.Builtin()
	for _, cw := range c.Crosswalks() {
		b, err := c.ExportMappingCollection(cw, now)
		if err != nil {
			t.Fatal(err)
		}
		ValidateOSCAL(t, b)
		var doc struct {
			MC struct {
				Mappings struct {
					Maps []json.RawMessage `json:"maps"`
				} `json:"mappings"`
			} `json:"mapping-collection"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.MC.Mappings.Maps) != len(cw.Pairs) {
			t.Errorf("%s: %d maps, want %d (mappings as a single object)", cw.ID, len(doc.MC.Mappings.Maps), len(cw.Pairs))
		}
	}
}

func TestOSCALProfileOfSoAValidates(t *testing.T) {
	c := catalog.Builtin()
	iso, _ := c.Framework(catalog.ISO42001)
	approved := now
	v := &aims.SoAVersion{ID: "v1", Number: 2, Status: aims.SoAApproved, BasedOn: 1, ApprovedAt: &approved, ApprovedBy: "m@example.com", UpdatedAt: now}
	for i, r := range c.SoAControls(iso) {
		row := &aims.SoARow{Framework: iso.ID, RequirementID: r.ID, Applicability: aims.Applicable, Justification: "Needed for our systems",
			Status: aims.Implemented, OwnerEmail: "owner@example.com"}
		if i%7 == 0 {
			row.Applicability, row.Status = aims.Excluded, aims.NotStarted
			row.Justification = "We do not do " + r.ID
		}
		v.Rows = append(v.Rows, row)
	}
	v.Rows = append(v.Rows, &aims.SoARow{Framework: catalog.NISTAIRMF, RequirementID: "GOVERN 1.1", Applicability: aims.Undecided, Added: true})
	b, err := c.ExportProfile(v, "Acme", now)
	if err != nil {
		t.Fatal(err)
	}
	ValidateOSCAL(t, b)
	if !bytes.Contains(b, []byte(`"exclude-controls"`)) || !bytes.Contains(b, []byte(`"A.2.2"`)) {
		t.Error("profile lacks the excluded controls or the Annex A ids")
	}

	// Resolving the profile drops the excluded controls with their
	// alterations; the back-matter keeps why each was excluded (6.1.3 d).
	var doc struct {
		Profile struct {
			BackMatter struct {
				Resources []struct {
					Title, Description string
					Props              []struct{ Name, Value string }
				}
			} `json:"back-matter"`
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	kept := map[string]string{}
	for _, r := range doc.Profile.BackMatter.Resources {
		var id, applicability string
		for _, p := range r.Props {
			switch p.Name {
			case "label":
				id = p.Value
			case "applicability":
				applicability = p.Value
			}
		}
		if applicability == "excluded" {
			kept[id] = r.Description
		}
	}
	excluded := 0
	for _, r := range v.Rows {
		if r.Applicability != aims.Excluded {
			continue
		}
		excluded++
		if kept[r.RequirementID] != r.Justification {
			t.Errorf("back-matter justification of excluded %s = %q, want %q", r.RequirementID, kept[r.RequirementID], r.Justification)
		}
	}
	if excluded == 0 || len(kept) != excluded {
		t.Errorf("back-matter keeps %d exclusions, want %d", len(kept), excluded)
	}
}

func TestHandMadeOSCALCatalogImports(t *testing.T) {
	b, err := os.ReadFile("testdata/oscal/handmade-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	fw, err := catalog.ParseOSCALCatalog(b)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*aims.Requirement{}
	for _, r := range fw.Requirements {
		got[r.ID] = r
	}
	if fw.Title != "Example Information Security Controls" || len(fw.Requirements) != 6 {
		t.Fatalf("imported %q with %d requirements, want 6", fw.Title, len(fw.Requirements))
	}
	if r := got["ORG-2"]; r == nil || r.Kind != "control" || r.Parent != "org" || r.Text != "a. Roles are defined.\nb. Roles are allocated." || r.Guidance.Asks != "Keep the allocation current." {
		t.Errorf("ORG-2 = %+v", r)
	}
	if r := got["ORG-2(1)"]; r == nil || r.Parent != "ORG-2" {
		t.Errorf("ORG-2(1) = %+v, want a control under ORG-2", r)
	}
	if r := got["org"]; r == nil || r.Kind != "group" {
		t.Errorf("org = %+v, want a group", r)
	}
	// It joins a catalog (as an organization's import does).
	if _, err := catalog.Builtin().With([]*aims.Framework{fw}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestMalformedOSCALNamesTheJSONPath(t *testing.T) {
	tests := []struct {
		name, doc, wantPath, wantDetail string
	}{
		{"not JSON", `{"catalog": {"uuid": `, "", "line 1"},
		{"profile", `{"profile": {}}`, "profile", "not a catalog"},
		{"no metadata title", `{"catalog": {"uuid": "u", "metadata": {"version": "1", "oscal-version": "1.1.2"}, "controls": [{"id": "a", "title": "A"}]}}`,
			"catalog/metadata/title", "is required"},
		{"bad control id", `{"catalog": {"uuid": "u", "metadata": {"title": "T", "version": "1", "oscal-version": "1.1.2"},
			"groups": [{"title": "G", "controls": [{"id": "ok", "title": "A"}, {"id": "1bad", "title": "B"}]}]}}`,
			"catalog/groups/0/controls/1/id", "not an OSCAL token"},
		{"title of wrong type", `{"catalog": {"uuid": "u", "metadata": {"title": "T", "version": "1", "oscal-version": "1.1.2"},
			"controls": [{"id": "a", "title": 7}]}}`, "catalog/controls/0/title", "must be a string"},
		{"duplicate id", `{"catalog": {"uuid": "u", "metadata": {"title": "T", "version": "1", "oscal-version": "1.1.2"},
			"controls": [{"id": "a", "title": "A"}, {"id": "a", "title": "B"}]}}`, "catalog/controls/1/id", "used twice"},
		{"no controls", `{"catalog": {"uuid": "u", "metadata": {"title": "T", "version": "1", "oscal-version": "1.1.2"}}}`, "catalog", "no controls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw, err := catalog.ParseOSCALCatalog([]byte(tt.doc))
			if fw != nil || !aims.IsKind(err, aims.KindInvalid) {
				t.Fatalf("got %v, %v; want an invalid error and no framework", fw, err)
			}
			var ae *aims.Error
			_ = errorsAs(err, &ae)
			for _, f := range ae.Fields {
				if f.Field == tt.wantPath && strings.Contains(f.Detail, tt.wantDetail) {
					return
				}
			}
			t.Errorf("errors %+v do not name %q with %q", ae.Fields, tt.wantPath, tt.wantDetail)
		})
	}
}
