package catalog_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/catalog/build"
)

func topAncestor(c *catalog.Catalog, ref aims.Ref) *aims.Requirement {
	as := c.Ancestors(ref)
	if len(as) == 0 {
		return nil
	}
	return as[len(as)-1]
}

func TestISOAnnexAHas38ControlsUnder9Objectives(t *testing.T) {
	c := catalog.Builtin()
	iso, _ := c.Framework(catalog.ISO42001)
	objectives := map[string]int{}
	controls := 0
	for _, r := range iso.Requirements {
		if r.Kind != "control" {
			continue
		}
		controls++
		top := topAncestor(c, aims.Ref{Framework: iso.ID, ID: r.ID})
		if top == nil || top.Kind != "objective" {
			t.Fatalf("control %s is not under an Annex A objective", r.ID)
		}
		objectives[top.ID]++
		if r.Guidance == nil || r.Guidance.Asks == "" || r.Guidance.Evidence == "" || r.Guidance.Records == "" {
			t.Errorf("control %s lacks our guidance", r.ID)
		}
		if r.Text != "" {
			t.Errorf("control %s ships text; ISO text is copyrighted", r.ID)
		}
	}
	if controls != 38 || len(objectives) != 9 {
		t.Fatalf("Annex A: %d controls under %d objectives, want 38 under 9 (%v)", controls, len(objectives), objectives)
	}
	for _, r := range iso.Requirements {
		if r.Kind == "clause" && (r.Guidance == nil || r.Guidance.Evidence == "" || r.Guidance.Records == "") {
			t.Errorf("clause %s lacks our guidance", r.ID)
		}
	}
	if n := len(c.Children(iso.ID, "C.2")) + len(c.Children(iso.ID, "C.3")); n != 18 {
		t.Errorf("Annex C objectives and risk sources = %d, want 18", n)
	}
}

func TestNISTHas72SubcategoriesUnder19Categories(t *testing.T) {
	c := catalog.Builtin()
	nist, _ := c.Framework(catalog.NISTAIRMF)
	count := map[string]int{}
	for _, r := range nist.Requirements {
		count[r.Kind]++
		if r.Kind == "subcategory" {
			parent, ok := c.Requirement(aims.Ref{Framework: nist.ID, ID: r.Parent})
			if !ok || parent.Kind != "category" || r.Text == "" || !strings.HasPrefix(r.Citation, "NIST AI 100-1") {
				t.Errorf("subcategory %s: parent %v, citation %q", r.ID, parent, r.Citation)
			}
		}
	}
	want := map[string]int{"function": 4, "category": 19, "subcategory": 72, "characteristic": 7, "gai-risk": 12}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d, want %d", k, count[k], n)
		}
	}
}

func TestNISTToISOCrosswalkCoversEverySubcategoryAndControl(t *testing.T) {
	c := catalog.Builtin()
	cw, ok := c.Crosswalk("nist-ai-rmf_iso42001")
	if !ok {
		t.Fatal("crosswalk missing")
	}
	if len(cw.Pairs) != 280 {
		t.Fatalf("pairs = %d, want 280", len(cw.Pairs))
	}
	subs, ctls, flagged := map[string]bool{}, map[string]bool{}, 0
	for _, p := range cw.Pairs {
		subs[p.Source] = true
		if strings.HasPrefix(p.Target, "A.") {
			ctls[p.Target] = true
		}
		if p.Flag != "" {
			flagged++
		}
	}
	if len(subs) != 72 || len(ctls) != 38 {
		t.Errorf("pairs cover %d subcategories and %d controls, want 72 and 38", len(subs), len(ctls))
	}
	if flagged != 4 {
		t.Errorf("flagged pairs = %d, want the source's 4 anomalies", flagged)
	}
	for _, p := range cw.Pairs {
		if p.Source == "MAP 1.4" && p.SourceReading == "A.2.2" && p.Target != "A.10.4" {
			t.Errorf("MAP 1.4 row titled 'Customers' should be read as A.10.4, got %s", p.Target)
		}
	}
}

func TestEveryCrosswalkPairPointsAtAnExistingRequirement(t *testing.T) {
	c := catalog.Builtin()
	if len(c.Crosswalks()) != 2 {
		t.Fatalf("crosswalks = %d, want 2", len(c.Crosswalks()))
	}
	for _, cw := range c.Crosswalks() {
		for i, p := range cw.Pairs {
			for _, ref := range []aims.Ref{{Framework: cw.From, ID: p.Source}, {Framework: cw.To, ID: p.Target}} {
				if _, ok := c.Requirement(ref); !ok {
					t.Errorf("%s pair %d: %s does not exist", cw.ID, i, ref)
				}
			}
			if !cw.Official && p.Rationale == "" {
				t.Errorf("%s pair %d (%s -> %s): an unofficial pair needs a rationale", cw.ID, i, p.Source, p.Target)
			}
		}
	}
	// New refuses a pair naming a requirement that does not exist.
	iso, _ := c.Framework(catalog.ISO42001)
	nist, _ := c.Framework(catalog.NISTAIRMF)
	_, err := catalog.New([]*aims.Framework{iso, nist}, []*aims.Crosswalk{{ID: "x", From: nist.ID, To: iso.ID,
		Pairs: []*aims.Mapping{{Source: "GOVERN 1.1", Target: "A.11.1", Relationship: aims.RelRelated}}}})
	if err == nil || !strings.Contains(err.Error(), "A.11.1") {
		t.Errorf("pair to A.11.1: err = %v, want it refused", err)
	}
}

func TestEUAIActMatchesReference(t *testing.T) {
	c := catalog.Builtin()
	eu, _ := c.Framework(catalog.EUAIAct)
	ref, err := os.ReadFile(filepath.Join("source", "eu-ai-act-reference.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(ref, []byte("Annex III high-risk areas (8 areas, 25 points)")) {
		t.Fatal("reference no longer states 8 areas and 25 points")
	}
	areas, points := 0, 0
	for _, r := range eu.Requirements {
		switch r.Kind {
		case "annex-iii-area":
			areas++
		case "annex-iii-point":
			points++
		case "obligation":
			if len(r.Roles) == 0 {
				t.Errorf("%s binds no operator role", r.ID)
			}
		}
	}
	if areas != 8 || points != 25 {
		t.Errorf("Annex III: %d areas, %d points; want 8 and 25", areas, points)
	}
	for _, art := range []string{"Art. 4", "Art. 5", "Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15",
		"Art. 17", "Art. 26", "Art. 27", "Art. 43", "Art. 49", "Art. 50", "Art. 72", "Art. 73"} {
		if _, ok := c.Requirement(aims.Ref{Framework: eu.ID, ID: art}); !ok {
			t.Errorf("%s missing", art)
		}
	}
	for _, d := range eu.Dates {
		if !strings.Contains(string(ref), d.Date.String()) {
			t.Errorf("date %s is not in the reference", d.Date)
		}
		if d.LegalBasis == "" || (d.Status != "adopted" && d.Status != "proposed") {
			t.Errorf("date %s: legal basis %q, status %q", d.Date, d.LegalBasis, d.Status)
		}
	}
}

// The committed data files are what the generator makes from the sources,
// and the sources are the project's reference data (when it is at hand).
func TestGeneratedDataUpToDate(t *testing.T) {
	files, err := build.Files("source")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("data/%s is stale: run go generate ./internal/catalog", name)
		}
	}
	shared := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(shared); err != nil {
		shared = "/work/shared/data"
	}
	for _, name := range []string{"iso42001-outline.tsv", "nist-ai-rmf-1.0-core.txt", "nist-airmf-to-iso42001-crosswalk.json", "eu-ai-act-reference.md"} {
		want, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Logf("reference data not at hand (%v); checked the committed copy only", err)
			continue
		}
		got, _ := os.ReadFile(filepath.Join("source", name))
		if !bytes.Equal(got, want) {
			t.Errorf("source/%s differs from the reference data %s", name, filepath.Join(shared, name))
		}
	}
}

func TestMapsToFollowsOneFrameworkFurther(t *testing.T) {
	c := catalog.Builtin()
	reach := c.MapsTo(aims.Ref{Framework: catalog.NISTAIRMF, ID: "MEASURE 2.4"})
	var direct, viaISO *catalog.Reach
	for _, r := range reach {
		if r.Target.Framework == catalog.ISO42001 && direct == nil {
			direct = r
		}
		if r.Target.Framework == catalog.EUAIAct && viaISO == nil {
			viaISO = r
		}
	}
	if direct == nil || !direct.Direct || len(direct.Paths[0]) != 1 {
		t.Fatalf("MEASURE 2.4 maps to no ISO requirement directly: %+v", reach)
	}
	if viaISO == nil || viaISO.Direct || len(viaISO.Paths[0]) != 2 || viaISO.Paths[0][0].To.Framework != catalog.ISO42001 {
		t.Fatalf("MEASURE 2.4 reaches no EU AI Act obligation through ISO/IEC 42001: %+v", viaISO)
	}
	if viaISO.Paths[0][1].Official {
		t.Error("the ISO-to-EU step is our own reading and must not be marked official")
	}
	// Read backwards: an EU obligation reaches NIST through ISO.
	back := c.MapsTo(aims.Ref{Framework: catalog.EUAIAct, ID: "Art. 12"})
	found := false
	for _, r := range back {
		if r.Target.Framework == catalog.NISTAIRMF {
			found = true
		}
	}
	if !found {
		t.Error("Art. 12 reaches no NIST subcategory")
	}
}

func TestCoverageCountsUnitsThroughCrosswalks(t *testing.T) {
	c := catalog.Builtin()
	nist, _ := c.Framework(catalog.NISTAIRMF)
	none := c.Coverage(nist, nil, nil)
	if none.Total != 72 || len(none.Covered) != 0 || len(none.Uncovered) != 72 {
		t.Fatalf("no controls: total %d covered %d uncovered %d", none.Total, len(none.Covered), len(none.Uncovered))
	}
	impl := map[aims.Ref]bool{{Framework: catalog.ISO42001, ID: "A.6.2.6"}: true}
	cov := c.Coverage(nist, impl, map[aims.Ref]bool{{Framework: catalog.ISO42001, ID: "A.2.2"}: true})
	if len(cov.Covered) == 0 || len(cov.InProgress) == 0 || len(cov.Covered)+len(cov.InProgress)+len(cov.Uncovered) != 72 {
		t.Fatalf("covered %d, in progress %d, uncovered %d", len(cov.Covered), len(cov.InProgress), len(cov.Uncovered))
	}
	for _, u := range cov.Covered {
		if u.By[0] != (aims.Ref{Framework: catalog.ISO42001, ID: "A.6.2.6"}) {
			t.Errorf("%s covered by %v", u.Requirement.ID, u.By)
		}
	}
}
