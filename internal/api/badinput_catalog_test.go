package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestCatalogBadInput covers the bad input for catalogs and the SoA
// beyond what TestSoAAPIRolesAndBadInput and TestCatalogAPI check: every way
// of changing an approved version is refused with 409, a refused change
// names each control and changes none, approval lists exactly the controls
// still undecided, and a refused import leaves nothing behind.
func TestCatalogBadInput(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		_, added := o.addedControl(t, e.svc)
		approved := o.approveSoADraft(t, e.svc)
		draft := o.soaDraft(t, e.svc) // a copy of the approved version
		undecided := absentControl(t, draft)
		if _, err := e.svc.AddSoAControl(o.operator(), draft.Number, undecided); err != nil {
			t.Fatal(err)
		}
		fw := o.mustFramework(t, e.svc)
		o.mustMapping(t, e.svc, &aims.Mapping{From: fw.ID, Source: "C-2", To: "iso42001", Target: "A.6.2.8", Relationship: aims.RelRelated, Rationale: "Logging"})

		admin := aims.RoleAdmin
		approvedURL := fmt.Sprintf("/api/v1/soa/versions/%d", approved)
		draftURL := fmt.Sprintf("/api/v1/soa/versions/%d", draft.Number)
		control := func(ref aims.Ref) string { return "/controls/" + ref.Framework + "/" + url.PathEscape(ref.ID) }
		frozen := func(name, method, url string, body any) scenario {
			return scenario{name: name, role: admin, method: method, url: url, body: body, wantStatus: http.StatusConflict, check: wantDetail("frozen")}
		}
		planned := map[string]any{"implementation_status": "planned"}
		// rowIs checks one control of the draft.
		rowIs := func(ref aims.Ref, want aims.Applicability) func(t *testing.T, res *httptest.ResponseRecorder) {
			return func(t *testing.T, res *httptest.ResponseRecorder) {
				var v aims.SoAVersion
				decode(t, res, &v)
				for _, r := range v.Rows {
					if r.Ref() == ref && (r.Applicability != want || r.Justification == "") {
						t.Errorf("%s is %s with justification %q, want it %s and justified as before", ref, r.Applicability, r.Justification, want)
					}
				}
			}
		}
		noOwnerText := func(t *testing.T, res *httptest.ResponseRecorder) {
			if strings.Contains(res.Body.String(), `"owner_text"`) {
				t.Errorf("a refused import stored text: %s", res.Body)
			}
		}
		badOSCAL := `{"catalog": {"uuid": "u", "metadata": {"title": "T", "version": "1", "oscal-version": "1.1.2"},
			"controls": [{"id": "1bad", "title": "A"}, {"id": "b"}, {"id": "c", "title": "C", "props": [{"name": "label"}]}]}}`

		e.run(t, []scenario{
			// An approved version is frozen, whatever the way in.
			frozen("change a control of an approved version", http.MethodPatch, approvedURL+control(iso("A.2.2")), planned),
			frozen("bulk change of an approved version", http.MethodPost, approvedURL+"/bulk",
				map[string]any{"controls": []map[string]string{{"framework": "iso42001", "requirement_id": "A.2.2"}}, "set": planned}),
			frozen("add a control to an approved version", http.MethodPost, approvedURL+"/controls",
				map[string]string{"framework": undecided.Framework, "requirement_id": undecided.ID}),
			frozen("remove an added control from an approved version", http.MethodDelete, approvedURL+control(added), nil),
			frozen("approve an approved version again", http.MethodPost, approvedURL+"/approve", map[string]any{}),
			{name: "start a second draft", role: admin, method: http.MethodPost, url: "/api/v1/soa/versions", body: map[string]any{},
				wantStatus: http.StatusConflict, check: wantDetail("draft already")},

			// Excluding needs a justification; a bulk change is all or none.
			{name: "exclude without a justification", role: admin, method: http.MethodPatch, url: draftURL + control(iso("A.10.4")),
				body: map[string]any{"applicability": "excluded", "justification": " "}, wantStatus: 422, check: wantPointers("/justification")},
			{name: "bulk exclude without a justification", role: admin, method: http.MethodPost, url: draftURL + "/bulk",
				body: map[string]any{"controls": []map[string]string{{"framework": "iso42001", "requirement_id": "A.10.4"}, {"framework": "iso42001", "requirement_id": "A.4.5"}},
					"set": map[string]any{"applicability": "excluded", "justification": ""}},
				wantStatus: 422, check: wantPointers("/rows/iso42001:A.10.4/justification", "/rows/iso42001:A.4.5/justification")},
			{name: "the refused bulk change changed nothing", role: admin, method: http.MethodGet, url: draftURL, wantStatus: 200,
				check: rowIs(iso("A.10.4"), aims.Applicable)},
			{name: "unknown status", role: admin, method: http.MethodPatch, url: draftURL + control(iso("A.2.2")),
				body: map[string]any{"implementation_status": "done"}, wantStatus: 422, check: wantPointers("/implementation_status")},
			{name: "owner who is no member", role: admin, method: http.MethodPatch, url: draftURL + control(iso("A.2.2")),
				body: map[string]any{"owner_id": "01900000-0000-7000-8000-000000000000"}, wantStatus: 422, check: wantPointers("/owner_id")},

			// Approval lists exactly the controls still undecided.
			{name: "approve with an undecided control", role: aims.RoleAIMSManager, method: http.MethodPost, url: draftURL + "/approve", body: map[string]any{},
				wantStatus: 422, check: wantPointers("/rows/" + undecided.String() + "/applicability")},

			// Unknown and unsuitable controls.
			{name: "unknown version", role: admin, method: http.MethodGet, url: "/api/v1/soa/versions/999", wantStatus: 404, check: wantDetail("not found")},
			{name: "control not in the draft", role: admin, method: http.MethodPatch, url: draftURL + control(iso("A.99.9")), body: planned,
				wantStatus: 404, check: wantDetail("not found")},
			{name: "add a clause as a control", role: admin, method: http.MethodPost, url: draftURL + "/controls",
				body: map[string]string{"framework": "iso42001", "requirement_id": "4.1"}, wantStatus: 422, check: wantPointers("/requirement_id")},
			{name: "add an unknown requirement", role: admin, method: http.MethodPost, url: draftURL + "/controls",
				body: map[string]string{"framework": "iso42001", "requirement_id": "A.99.9"}, wantStatus: 422, check: wantPointers("/requirement_id")},
			{name: "remove an Annex A control", role: admin, method: http.MethodDelete, url: draftURL + control(iso("A.2.2")),
				wantStatus: http.StatusConflict, check: wantDetail("exclude it")},
			{name: "diff without a second version", role: admin, method: http.MethodGet, url: "/api/v1/soa/diff?from=1", wantStatus: 422},
			{name: "unknown export format", role: admin, method: http.MethodGet, url: approvedURL + "/export?format=docx", wantStatus: 422},

			// A malformed OSCAL catalog: every problem named by its JSON
			// path, nothing imported.
			{name: "malformed OSCAL catalog", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/import?id=broken",
				body: badOSCAL, contentType: "application/octet-stream", wantStatus: 422,
				check: wantPointers("/catalog/controls/0/id", "/catalog/controls/1/title", "/catalog/controls/2/props/0/value")},
			{name: "nothing imported from it", role: admin, method: http.MethodGet, url: "/api/v1/frameworks/broken", wantStatus: 404},
			{name: "OSCAL file that is not JSON", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/import?id=broken",
				body: "{\"catalog\": {\n\"uuid\": ", contentType: "application/octet-stream", wantStatus: 422, check: wantDetail("nothing was imported")},
			{name: "OSCAL file that is not JSON, sent as JSON", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/import?id=broken",
				body: `{"catalog": `, wantStatus: 400, check: wantDetail("not valid JSON")},
			{name: "framework id that is no slug", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/import?id=Not+A+Slug",
				body: oscalCatalog("Named badly"), contentType: "application/octet-stream", wantStatus: 422, check: wantPointers("/id")},
			{name: "import over a built-in framework", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/import?id=iso42001",
				body: oscalCatalog("Not ISO"), contentType: "application/octet-stream", wantStatus: 409, check: wantPointers("/id")},
			{name: "import under an id in use", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/import?id=" + fw.ID,
				body: oscalCatalog("Again"), contentType: "application/octet-stream", wantStatus: 409, check: wantPointers("/id")},
			{name: "delete a built-in framework", role: admin, method: http.MethodDelete, url: "/api/v1/frameworks/nist-ai-rmf", wantStatus: 409},
			{name: "delete a framework a mapping uses", role: admin, method: http.MethodDelete, url: "/api/v1/frameworks/" + fw.ID,
				wantStatus: 409, check: wantDetail("remove them first")},

			// ISO text with unknown ids: each listed, nothing imported.
			{name: "ISO text with unknown ids", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/iso42001/texts",
				body: "id,text\nA.2.2,Our licensed text\nA.11.1,No such control\nB.2,Annex B is no catalog item\n,\n5.2,\n", contentType: "text/csv",
				wantStatus: 422, check: wantPointers("/rows/3/id", "/rows/4/id", "/rows/6/text")},
			{name: "no text imported", role: admin, method: http.MethodGet, url: "/api/v1/frameworks/iso42001/requirements/A.2.2", wantStatus: 200, check: noOwnerText},
			{name: "texts without an id column", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/iso42001/texts",
				body: "control,text\nA.2.2,x\n", contentType: "text/csv", wantStatus: 422, check: wantPointers("/rows/1/id")},
			{name: "texts of an unknown framework", role: admin, method: http.MethodPost, url: "/api/v1/frameworks/iso27001/texts",
				body: "id,text\nA.5.1,x\n", contentType: "text/csv", wantStatus: 404},

			// Mappings name existing requirements and say why.
			{name: "mapping to an unknown requirement, without a rationale", role: admin, method: http.MethodPost, url: "/api/v1/mappings",
				body:       map[string]any{"from": "iso42001", "source": "A.2.2", "to": "nist-ai-rmf", "target": "GOVERN 9.9", "relationship": "equal"},
				wantStatus: 422, check: wantPointers("/rationale", "/target")},
			{name: "mapping within one framework", role: admin, method: http.MethodPost, url: "/api/v1/mappings",
				body:       map[string]any{"from": "iso42001", "source": "A.2.2", "to": "iso42001", "target": "A.2.3", "relationship": "related", "rationale": "x"},
				wantStatus: 422, check: wantPointers("/to")},
			{name: "mapping that is there already", role: admin, method: http.MethodPost, url: "/api/v1/mappings",
				body:       map[string]any{"from": fw.ID, "source": "C-2", "to": "iso42001", "target": "A.6.2.8", "relationship": "related", "rationale": "x"},
				wantStatus: 409},
			{name: "unknown mapping", role: admin, method: http.MethodDelete, url: "/api/v1/mappings/01900000-0000-7000-8000-000000000000", wantStatus: 404},
			{name: "unknown crosswalk", role: admin, method: http.MethodGet, url: "/api/v1/crosswalks/iso42001_iso27001", wantStatus: 404},
		})
	})
}
