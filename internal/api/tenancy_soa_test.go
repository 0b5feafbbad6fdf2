package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/catalog"
)

// TestCatalogAndSoATenancy checks that one organization never sees another's
// Statement of Applicability (versions and rows), its own mappings, the
// frameworks it imported or the requirement texts it owns, and that the
// other's version numbers and ids answer 404 as unknown ones do. SoA
// versions are numbered per organization, so the other's numbers are made
// higher than any of mine: a number both have must show my own version.
func TestCatalogAndSoATenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		for _, pair := range [][2]string{{"a", "b"}, {"b", "a"}} {
			me, other := pair[0], pair[1]
			t.Run(me+" on "+other, func(t *testing.T) {
				catalogTenancyScenarios(t, e, me, other)
			})
		}
	})
}

func catalogTenancyScenarios(t *testing.T, e *apiEnv, me, other string) {
	m, o := e.orgs[me], e.orgs[other]
	mine := m.soaDraft(t, e.svc)
	myVersions, err := e.svc.FindSoAVersions(m.operator())
	if err != nil {
		t.Fatal(err)
	}
	myMax := myVersions[0].Number

	// The other organization: an approved version and a draft numbered
	// above mine, the draft with an owner and a control of another catalog;
	// an imported framework, a mapping from it, and its own ISO text.
	approved := o.soaApproved(t, e.svc)
	for approved <= myMax {
		approved = o.approveSoADraft(t, e.svc)
	}
	draftNumber, added := o.addedControl(t, e.svc)
	owner := o.members[aims.RoleContributor]
	if _, err := e.svc.UpdateSoARow(o.operator(), draftNumber, iso("A.2.2"), aims.SoARowUpdate{OwnerID: &owner.ID}); err != nil {
		t.Fatal(err)
	}
	draft := o.soaDraft(t, e.svc)
	theirs := []string{draft.ID}
	for _, r := range draft.Rows {
		theirs = append(theirs, r.ID)
	}
	fw := o.mustFramework(t, e.svc)
	mp := o.mustMapping(t, e.svc, &aims.Mapping{From: fw.ID, Source: "C-1", To: catalog.ISO42001, Target: "A.2.2",
		Relationship: aims.RelIntersects, Rationale: "Both ask for a policy"})
	secret := unique("Licensed text of " + other)
	o.mustOwnerText(t, e.svc, "A.5.2", secret)
	crosswalk := "org_" + fw.ID + "_" + catalog.ISO42001
	quotedFW := `"` + fw.ID + `"`

	notFound := func(name, method, url string, body any) scenario { return notFoundAs(me, name, method, url, body) }
	list := func(name, url string, ids ...string) scenario { return listAs(me, name, url, ids...) }
	versionURL := func(n int) string { return fmt.Sprintf("/api/v1/soa/versions/%d", n) }
	draftURL := versionURL(draftNumber)
	rowURL := draftURL + "/controls/iso42001/A.2.2"
	fwURL := "/api/v1/frameworks/" + fw.ID
	decide := map[string]any{"implementation_status": "implemented"}

	e.run(t, []scenario{
		// The Statement of Applicability.
		list("list SoA versions", "/api/v1/soa/versions", theirs[0]),
		list("my version of the same number", versionURL(mine.Number), theirs...),
		notFound("get their approved version", http.MethodGet, versionURL(approved), nil),
		notFound("get their draft", http.MethodGet, draftURL, nil),
		notFound("change a control of their draft", http.MethodPatch, rowURL, decide),
		notFound("bulk change of their draft", http.MethodPost, draftURL+"/bulk",
			map[string]any{"controls": []map[string]string{{"framework": "iso42001", "requirement_id": "A.2.2"}}, "set": decide}),
		notFound("add a control to their draft", http.MethodPost, draftURL+"/controls",
			map[string]string{"framework": catalog.NISTAIRMF, "requirement_id": "MAP 1.1"}),
		notFound("remove their added control", http.MethodDelete, draftURL+"/controls/"+added.Framework+"/"+url.PathEscape(added.ID), nil),
		notFound("approve their draft", http.MethodPost, draftURL+"/approve", map[string]any{}),
		notFound("export their approved version", http.MethodGet, versionURL(approved)+"/export?format=json", nil),
		notFound("diff their versions", http.MethodGet, fmt.Sprintf("/api/v1/soa/diff?from=%d&to=%d", approved, draftNumber), nil),
		notFound("diff my version with theirs", http.MethodGet, fmt.Sprintf("/api/v1/soa/diff?from=%d&to=%d", mine.Number, draftNumber), nil),
		notFound("coverage of their draft", http.MethodGet, fmt.Sprintf("/api/v1/soa/coverage?version=%d", draftNumber), nil),
		unprocessableAs(me, "their member as owner of my control", http.MethodPatch, versionURL(mine.Number)+"/controls/iso42001/A.2.2",
			map[string]any{"owner_id": owner.ID}, "/owner_id"),
		list("audit trail", "/api/v1/audit-events?limit=500", append(theirs, mp.ID, quotedFW, secret)...),

		// Frameworks they imported.
		list("list frameworks", "/api/v1/frameworks", quotedFW),
		notFound("get their framework", http.MethodGet, fwURL, nil),
		notFound("search their framework", http.MethodGet, fwURL+"/requirements?q=control", nil),
		notFound("get a requirement of their framework", http.MethodGet, fwURL+"/requirements/C-1", nil),
		notFound("export their framework", http.MethodGet, fwURL+"/export?format=oscal", nil),
		notFound("delete their framework", http.MethodDelete, fwURL, nil),
		withContentType(notFound("import texts into their framework", http.MethodPost, fwURL+"/texts", "id,text\nC-1,x\n"), "text/csv"),
		unprocessableAs(me, "add a control of their framework to my draft", http.MethodPost, versionURL(mine.Number)+"/controls",
			map[string]string{"framework": fw.ID, "requirement_id": "C-1"}, "/requirement_id"),

		// Mappings of their own.
		list("list mappings", "/api/v1/mappings", mp.ID),
		list("list crosswalks", "/api/v1/crosswalks", crosswalk),
		list("mappings of a requirement they mapped", "/api/v1/frameworks/iso42001/requirements/A.2.2", quotedFW, mp.ID),
		notFound("get their crosswalk", http.MethodGet, "/api/v1/crosswalks/"+crosswalk, nil),
		notFound("export their crosswalk", http.MethodGet, "/api/v1/crosswalks/"+crosswalk+"/export?format=csv", nil),
		notFound("delete their mapping", http.MethodDelete, "/api/v1/mappings/"+mp.ID, nil),
		unprocessableAs(me, "map from their framework", http.MethodPost, "/api/v1/mappings",
			map[string]any{"from": fw.ID, "source": "C-1", "to": "iso42001", "target": "A.2.2", "relationship": "related", "rationale": "x"}, "/source"),

		// The ISO text they own.
		list("requirement without their text", "/api/v1/frameworks/iso42001/requirements/A.5.2", secret),
		list("export with owner texts", "/api/v1/frameworks/iso42001/export?format=csv&owner_text=true", secret),
		list("framework tree", "/api/v1/frameworks/iso42001", secret),
		{name: "delete my texts", org: me, role: aims.RoleAdmin, method: http.MethodDelete, url: "/api/v1/frameworks/iso42001/texts", wantStatus: http.StatusOK},

		// Framework ids are the organization's own: theirs is free here.
		{name: "import under their framework's id", org: me, role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/frameworks/import?id=" + fw.ID,
			body: oscalCatalog("My own controls"), contentType: "application/octet-stream", wantStatus: http.StatusCreated},
		{name: "my framework of that id", org: me, role: aims.RoleAdmin, method: http.MethodGet, url: fwURL, wantStatus: http.StatusOK,
			check: func(t *testing.T, res *httptest.ResponseRecorder) {
				if !strings.Contains(res.Body.String(), "My own controls") || strings.Contains(res.Body.String(), fw.Title) {
					t.Errorf("my framework %s shows their catalog: %s", fw.ID, res.Body)
				}
			}},
	})

	// Nothing the other organization tried changed these records.
	e.run(t, []scenario{
		{name: "their draft intact", org: other, role: aims.RoleAdmin, method: http.MethodGet, url: draftURL, wantStatus: http.StatusOK,
			check: func(t *testing.T, res *httptest.ResponseRecorder) {
				var got aims.SoAVersion
				decode(t, res, &got)
				if got.Status != aims.SoADraft || len(got.Rows) != len(draft.Rows) {
					t.Fatalf("draft %d is %s with %d rows, want a draft with %d", draftNumber, got.Status, len(got.Rows), len(draft.Rows))
				}
				for i, r := range got.Rows {
					was := draft.Rows[i]
					if r.ID != was.ID || r.Applicability != was.Applicability || r.Status != was.Status || r.OwnerID != was.OwnerID ||
						r.Notes != was.Notes || !r.UpdatedAt.Equal(was.UpdatedAt) {
						t.Errorf("row %s changed: %+v, was %+v", r.AuditLabel(), r, was)
					}
				}
			}},
		{name: "their framework intact", org: other, role: aims.RoleAdmin, method: http.MethodGet, url: fwURL, wantStatus: http.StatusOK,
			check: func(t *testing.T, res *httptest.ResponseRecorder) {
				if !strings.Contains(res.Body.String(), fw.Title) {
					t.Errorf("their framework %s lost its title %q: %s", fw.ID, fw.Title, res.Body)
				}
			}},
		{name: "their mapping intact", org: other, role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/crosswalks/" + crosswalk, wantStatus: http.StatusOK,
			check: func(t *testing.T, res *httptest.ResponseRecorder) {
				if !strings.Contains(res.Body.String(), mp.ID) {
					t.Errorf("their crosswalk lost mapping %s: %s", mp.ID, res.Body)
				}
			}},
		{name: "their text intact", org: other, role: aims.RoleViewer, method: http.MethodGet, url: "/api/v1/frameworks/iso42001/requirements/A.5.2", wantStatus: http.StatusOK,
			check: func(t *testing.T, res *httptest.ResponseRecorder) {
				var d struct {
					OwnerText string `json:"owner_text"`
				}
				decode(t, res, &d)
				if d.OwnerText != secret {
					t.Errorf("owner text %q, want %q", d.OwnerText, secret)
				}
			}},
	})
}

// withContentType sends sc's body as contentType.
func withContentType(sc scenario, contentType string) scenario {
	sc.contentType = contentType
	return sc
}

// iso names an ISO/IEC 42001 requirement.
func iso(id string) aims.Ref { return aims.Ref{Framework: catalog.ISO42001, ID: id} }
