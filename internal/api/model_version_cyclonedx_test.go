package api_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/cyclonedx"
)

// modelBOM is a small valid CycloneDX 1.6 ML-BOM of model version version,
// naming the datasets given.
func modelBOM(version string, datasets ...string) string {
	var comps, refs []string
	for i, d := range datasets {
		comps = append(comps, fmt.Sprintf(`{"type":"data","bom-ref":"d%d","name":%q,"properties":[{"name":"aims:dataset-purpose","value":"training"}]}`, i, d))
		refs = append(refs, fmt.Sprintf(`{"ref":"d%d"}`, i))
	}
	card := ""
	if len(refs) > 0 {
		card = `,"modelCard":{"modelParameters":{"datasets":[` + strings.Join(refs, ",") + `]}}`
	}
	return `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
		"metadata":{"component":{"type":"machine-learning-model","bom-ref":"m","name":"Vendor model","version":` + fmt.Sprintf("%q", version) + `,
			"description":"From the vendor's BOM",
			"hashes":[{"alg":"SHA-256","content":"` + strings.Repeat("c", 64) + `"}]` + card + `}},
		"components":[` + strings.Join(comps, ",") + `]}`
}

// metricsBOM is modelBOM without datasets whose model card gives the
// performance metrics metrics (a JSON array's elements).
func metricsBOM(version, metrics string) string {
	return strings.Replace(modelBOM(version), `"hashes":[`,
		`"modelCard":{"quantitativeAnalysis":{"performanceMetrics":[`+metrics+`]}},"hashes":[`, 1)
}

// TestModelVersionCycloneDX imports a vendor's ML-BOM as a new candidate,
// imports it again as an update, exports the version and validates the
// export against the official CycloneDX 1.6 schema, and refuses documents
// that do not validate or name unknown datasets, with JSON pointers.
func TestModelVersionCycloneDX(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		tok := o.tokens[aims.RoleContributor]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		ds := o.mustDataset(t, e.db)
		importURL := "/api/v1/systems/" + sys.ID + "/model-versions/cyclonedx"
		post := func(doc string) (int, string) {
			res := e.do(t, request{method: http.MethodPost, url: importURL, token: tok, body: doc, contentType: "application/vnd.cyclonedx+json"})
			return res.Code, res.Body.String()
		}
		code, body := post(modelBOM("3.0.0", ds.Name))
		if code != http.StatusCreated {
			t.Fatalf("import: %d %s", code, body)
		}
		if !strings.Contains(body, `"status":"candidate"`) || !strings.Contains(body, ds.ID) {
			t.Errorf("imported version is not a candidate using %s: %s", ds.Name, body)
		}
		code, body = post(strings.Replace(modelBOM("3.0.0"), "From the vendor's BOM", "Second delivery", 1))
		if code != http.StatusOK || !strings.Contains(body, "Second delivery") {
			t.Errorf("re-import: %d %s, want 200 with the new notes", code, body)
		}
		var mv aims.ModelVersion
		list := e.do(t, request{method: http.MethodGet, url: "/api/v1/systems/" + sys.ID + "/model-versions", token: tok})
		var page struct{ Items []aims.ModelVersion }
		decode(t, list, &page)
		if len(page.Items) != 1 {
			t.Fatalf("%d model versions after two imports of one version, want 1", len(page.Items))
		}
		mv = page.Items[0]

		// Performance metrics become validation metrics of the version; a
		// second import measures mae again and updates it.
		metricsURL := "/api/v1/systems/" + sys.ID + "/model-versions/" + mv.ID + "/metrics"
		readMetrics := func() []string {
			t.Helper()
			var got []aims.ValidationMetric
			decode(t, e.do(t, request{method: http.MethodGet, url: metricsURL, token: tok}), &got)
			var out []string
			for _, m := range got {
				out = append(out, m.Name+" "+m.ValueText()+" on "+m.DatasetName+" from "+m.Source)
			}
			sort.Strings(out)
			return out
		}
		const serial = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
		withSerial := func(doc string) string {
			return strings.Replace(doc, `"version":1,`, `"version":1,"serialNumber":"`+serial+`",`, 1)
		}
		code, body = post(withSerial(metricsBOM("3.0.0", `{"type":"MAE","value":"0.31 kg/t","slice":"`+ds.Name+`"},{"type":"r2","value":"0.9"}`)))
		if code != http.StatusOK {
			t.Fatalf("import with metrics: %d %s", code, body)
		}
		want := []string{"mae 0.31 kg/t on " + ds.Name + " from CycloneDX BOM " + serial, "r2 0.9 on  from CycloneDX BOM " + serial}
		if diff := cmp.Diff(want, readMetrics()); diff != "" {
			t.Errorf("metrics after the import (-want +got):\n%s", diff)
		}
		code, body = post(metricsBOM("3.0.0", `{"type":"mae","value":"0.29 kg/t","slice":"`+ds.Name+`"}`))
		if code != http.StatusOK {
			t.Fatalf("re-import with metrics: %d %s", code, body)
		}
		want = []string{"mae 0.29 kg/t on " + ds.Name + " from CycloneDX BOM", "r2 0.9 on  from CycloneDX BOM " + serial}
		if diff := cmp.Diff(want, readMetrics()); diff != "" {
			t.Errorf("metrics after the second import (-want +got):\n%s", diff)
		}
		crit := e.do(t, request{method: http.MethodPost, url: "/api/v1/systems/" + sys.ID + "/acceptance-criteria", token: tok,
			body: map[string]any{"metric": "mae", "comparison": "<=", "threshold": 0.35, "unit": "kg/t", "dataset_id": ds.ID}})
		if crit.Code != http.StatusCreated {
			t.Fatalf("criterion: %d %s", crit.Code, crit.Body)
		}

		// The export validates against the official schema.
		res := e.do(t, request{method: http.MethodGet, url: "/api/v1/systems/" + sys.ID + "/model-versions/" + mv.ID + "/cyclonedx", token: o.tokens[aims.RoleAuditor]})
		if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "application/vnd.cyclonedx+json") {
			t.Fatalf("export: %d %s %s", res.Code, res.Header().Get("Content-Type"), res.Body)
		}
		if err := cyclonedx.Validate(res.Body.Bytes()); err != nil {
			t.Fatalf("the export does not validate: %v\n%s", err, res.Body)
		}
		if !strings.Contains(res.Body.String(), `"machine-learning-model"`) || !strings.Contains(res.Body.String(), strings.Repeat("c", 64)) {
			t.Errorf("export lacks the model component or its hash:\n%s", res.Body)
		}
		// The metrics are in the export as records, mae with its criterion.
		exported, err := cyclonedx.Decode(res.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		var gotExport []string
		for _, x := range exported.Metrics {
			gotExport = append(gotExport, x.Name+"="+cyclonedx.MetricValue(x.Value, x.Unit)+" slice="+x.Dataset)
		}
		if diff := cmp.Diff([]string{"mae=0.29 kg/t slice=" + ds.Name, "r2=0.9 slice="}, gotExport); diff != "" {
			t.Errorf("exported metrics (-want +got):\n%s", diff)
		}
		if !strings.Contains(res.Body.String(), `"aims:acceptance-criterion/0"`) || !strings.Contains(res.Body.String(), `0.35 kg/t on `+ds.Name) {
			t.Errorf("the export does not give mae's criterion:\n%s", res.Body)
		}

		e.run(t, []scenario{
			{name: "not a CycloneDX document", org: "a", role: aims.RoleContributor, method: http.MethodPost, url: importURL,
				body:       `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"robot"}]}`,
				wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/components/0", "/components/0/type")},
			{name: "an unknown dataset", org: "a", role: aims.RoleContributor, method: http.MethodPost, url: importURL,
				body: modelBOM("3.1.0", "No such dataset"), wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/components/0/name")},
			{name: "a metric that is not a number", org: "a", role: aims.RoleContributor, method: http.MethodPost, url: importURL,
				body:       metricsBOM("3.0.0", `{"type":"mae","value":"0.3 kg/t"},{"type":"rmse","value":"n/a"}`),
				wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/metadata/component/modelCard/quantitativeAnalysis/performanceMetrics/1/value")},
			{name: "a metric on an unknown dataset, and a unit too long", org: "a", role: aims.RoleContributor, method: http.MethodPost, url: importURL,
				body:       metricsBOM("3.0.0", `{"type":"mae","value":"0.3 kg/t","slice":"No such dataset"},{"type":"rmse","value":"0.4 `+strings.Repeat("u", 41)+`"}`),
				wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/metadata/component/modelCard/quantitativeAnalysis/performanceMetrics/0/slice",
					"/metadata/component/modelCard/quantitativeAnalysis/performanceMetrics/1/value")},
			{name: "a viewer cannot import", org: "a", role: aims.RoleViewer, method: http.MethodPost, url: importURL,
				body: modelBOM("3.2.0"), wantStatus: http.StatusForbidden},
			notFoundAs("b", "another organization's system", http.MethodPost, importURL, modelBOM("3.3.0")),
			notFoundAs("b", "another organization's export", http.MethodGet, "/api/v1/systems/"+sys.ID+"/model-versions/"+mv.ID+"/cyclonedx", nil),
		})
	})
}
