package api_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/service"
)

// Fixtures for the catalog and Statement of Applicability operations. They
// go through the services as the host's operator, so that what they make is
// exactly what a user would have made.

// operator acts as the host's operator in o.
func (o *orgEnv) operator() context.Context {
	return service.OperatorContext(context.Background(), o.Org, "test")
}

// soaDraft returns o's SoA draft with its rows, starting one when there is
// none.
func (o *orgEnv) soaDraft(t testing.TB, svc *service.Service) *aims.SoAVersion {
	t.Helper()
	ctx := o.operator()
	versions, err := svc.FindSoAVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if v.Status == aims.SoADraft {
			d, err := svc.FindSoAVersion(ctx, v.Number, aims.SoAFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	d, err := svc.StartSoADraft(ctx, "test draft")
	if err != nil {
		t.Fatalf("start SoA draft: %v", err)
	}
	return d
}

// decidedSoADraft returns o's draft with every control decided and
// justified, ready to approve.
func (o *orgEnv) decidedSoADraft(t testing.TB, svc *service.Service) *aims.SoAVersion {
	t.Helper()
	d := o.soaDraft(t, svc)
	refs := make([]aims.Ref, len(d.Rows))
	for i, r := range d.Rows {
		refs[i] = r.Ref()
	}
	app, just := aims.Applicable, "Needed for the test organization's AI systems"
	if _, err := svc.UpdateSoARows(o.operator(), d.Number, refs, aims.SoARowUpdate{Applicability: &app, Justification: &just}); err != nil {
		t.Fatalf("decide SoA draft %d: %v", d.Number, err)
	}
	return d
}

// approveSoADraft approves o's draft (starting one when there is none) and
// returns its number.
func (o *orgEnv) approveSoADraft(t testing.TB, svc *service.Service) int {
	t.Helper()
	d := o.decidedSoADraft(t, svc)
	if _, err := svc.ApproveSoA(o.operator(), d.Number, "approved by the test"); err != nil {
		t.Fatalf("approve SoA draft %d: %v", d.Number, err)
	}
	return d.Number
}

// soaApproved returns the number of o's newest approved version, approving
// a draft when none is approved yet.
func (o *orgEnv) soaApproved(t testing.TB, svc *service.Service) int {
	t.Helper()
	versions, err := svc.FindSoAVersions(o.operator())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions { // newest first
		if v.Status == aims.SoAApproved {
			return v.Number
		}
	}
	return o.approveSoADraft(t, svc)
}

// noSoADraft approves o's draft, if there is one, so that a new draft may
// start.
func (o *orgEnv) noSoADraft(t testing.TB, svc *service.Service) {
	t.Helper()
	versions, err := svc.FindSoAVersions(o.operator())
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) > 0 && versions[0].Status == aims.SoADraft {
		o.approveSoADraft(t, svc)
	}
}

// absentControl returns a NIST AI RMF subcategory that draft d does not
// hold yet, to add to it.
func absentControl(t testing.TB, d *aims.SoAVersion) aims.Ref {
	t.Helper()
	fw, _ := catalog.Builtin().Framework(catalog.NISTAIRMF)
	have := map[aims.Ref]bool{}
	for _, r := range d.Rows {
		have[r.Ref()] = true
	}
	for _, r := range catalog.Builtin().SoAControls(fw) {
		if ref := (aims.Ref{Framework: fw.ID, ID: r.ID}); !have[ref] {
			return ref
		}
	}
	t.Fatalf("SoA version %d holds every %s control already", d.Number, fw.ID)
	return aims.Ref{}
}

// addedControl adds a control of another catalog to o's draft and returns
// the draft's number and the control.
func (o *orgEnv) addedControl(t testing.TB, svc *service.Service) (int, aims.Ref) {
	t.Helper()
	d := o.soaDraft(t, svc)
	ref := absentControl(t, d)
	if _, err := svc.AddSoAControl(o.operator(), d.Number, ref); err != nil {
		t.Fatalf("add %s to SoA draft %d: %v", ref, d.Number, err)
	}
	return d.Number, ref
}

// controlParams are the path parameters naming a control of version n.
func controlParams(n int, ref aims.Ref) map[string]string {
	return map[string]string{"number": fmt.Sprint(n), "framework": ref.Framework, "id": url.PathEscape(ref.ID)}
}

// newFrameworkID returns an id no imported framework has.
func newFrameworkID() string { return fmt.Sprintf("imported-%d", seq.Add(1)) }

// oscalCatalog is a small valid OSCAL catalog titled title, with two
// controls labelled C-1 and C-2.
func oscalCatalog(title string) string {
	return `{"catalog": {"uuid": "0b7f0b47-3c9a-4f5e-8d1a-6a2f1c9e7d31",
		"metadata": {"title": "` + title + `", "version": "1", "oscal-version": "1.1.2", "last-modified": "2026-01-15T10:00:00Z"},
		"groups": [{"id": "g", "title": "Controls", "controls": [
			{"id": "c-1", "title": "First control", "props": [{"name": "label", "value": "C-1"}]},
			{"id": "c-2", "title": "Second control", "props": [{"name": "label", "value": "C-2"}]}]}]}}`
}

// mustFramework imports a small OSCAL catalog into o under a new id.
func (o *orgEnv) mustFramework(t testing.TB, svc *service.Service) *aims.Framework {
	t.Helper()
	fw, err := svc.ImportOSCALCatalog(o.operator(), []byte(oscalCatalog(unique("Controls of "+o.Org.Slug))), newFrameworkID())
	if err != nil {
		t.Fatalf("import framework: %v", err)
	}
	return fw
}

// newMapping returns a mapping from ISO/IEC 42001 A.2.2 to a NIST AI RMF
// subcategory that o has not mapped yet.
func (o *orgEnv) newMapping(t testing.TB, svc *service.Service) *aims.Mapping {
	t.Helper()
	have, err := svc.FindMappings(o.operator())
	if err != nil {
		t.Fatal(err)
	}
	mapped := map[string]bool{}
	for _, m := range have {
		mapped[m.From+":"+m.Source+">"+m.To+":"+m.Target] = true
	}
	fw, _ := catalog.Builtin().Framework(catalog.NISTAIRMF)
	for _, r := range catalog.Builtin().Units(fw) {
		m := &aims.Mapping{From: catalog.ISO42001, Source: "A.2.2", To: fw.ID, Target: r.ID, Relationship: aims.RelRelated,
			Rationale: "Our policy covers it"}
		if !mapped[m.From+":"+m.Source+">"+m.To+":"+m.Target] {
			return m
		}
	}
	t.Fatal("every NIST AI RMF subcategory is mapped from A.2.2 already")
	return nil
}

// mustMapping stores one of o's own mappings.
func (o *orgEnv) mustMapping(t testing.TB, svc *service.Service, m *aims.Mapping) *aims.Mapping {
	t.Helper()
	if err := svc.CreateMapping(o.operator(), m); err != nil {
		t.Fatalf("create mapping: %v", err)
	}
	return m
}

// mustOwnerText imports o's own text of an ISO/IEC 42001 requirement.
func (o *orgEnv) mustOwnerText(t testing.TB, svc *service.Service, id, text string) {
	t.Helper()
	if _, err := svc.ImportRequirementTexts(o.operator(), catalog.ISO42001, []byte("id,text\n"+id+","+text+"\n")); err != nil {
		t.Fatalf("import text of %s: %v", id, err)
	}
}
