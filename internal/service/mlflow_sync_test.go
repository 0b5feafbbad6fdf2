package service_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/mlflow"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// fakeMLflow answers the MLflow REST API 2.0 shapes the sync reads, two
// versions a page; fail makes every answer a 500.
func fakeMLflow(t *testing.T, fail *atomic.Bool) *httptest.Server {
	digest := func(c string) []map[string]string {
		return []map[string]string{{"key": "aims.digest", "value": strings.Repeat(c, 64)}}
	}
	versions := []map[string]any{
		{"name": "optimizer", "version": "1", "source": "s3://mlruns/1/a/artifacts/model", "run_id": "run-a", "status": "READY",
			"tags": append(digest("a"), map[string]string{"key": "aims.unit.mae", "value": "kg/t"}, map[string]string{"key": "aims.dataset", "value": "Line 2 hold-out"})},
		{"name": "optimizer", "version": "2", "source": "s3://mlruns/1/b/artifacts/model", "run_id": "run-b", "status": "READY", "tags": digest("b")},
		{"name": "optimizer", "version": "3", "source": "s3://mlruns/1/c/artifacts/model", "run_id": "", "status": "READY"},
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		var out any
		switch r.URL.Path {
		case "/api/2.0/mlflow/registered-models/search":
			if r.URL.Query().Get("page_token") == "" {
				out = map[string]any{"registered_models": []map[string]any{{"name": "optimizer"}}, "next_page_token": "p2"}
			} else {
				out = map[string]any{"registered_models": []map[string]any{{"name": "unmapped"}}}
			}
		case "/api/2.0/mlflow/model-versions/search":
			if r.URL.Query().Get("filter") != "name='optimizer'" {
				t.Errorf("filter %q", r.URL.Query().Get("filter"))
			}
			if r.URL.Query().Get("page_token") == "" {
				out = map[string]any{"model_versions": versions[:2], "next_page_token": "v2"}
			} else {
				out = map[string]any{"model_versions": versions[2:]}
			}
		case "/api/2.0/mlflow/runs/get":
			out = map[string]any{"run": map[string]any{"info": map[string]any{"run_id": r.URL.Query().Get("run_id")},
				"data": map[string]any{"metrics": []map[string]any{{"key": "mae", "value": 0.31, "timestamp": 1, "step": 0},
					{"key": "rmse", "value": 0.42, "timestamp": 1, "step": 0}}}}}
		default:
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
}

// TestSyncMLflow: the sync registers the mapped model's versions as
// candidates with source, run and tags, and the run's metrics as
// validation metrics the validation gate checks, skips one without a
// digest, reports a name collision without overwriting, records each run,
// and when the server fails changes nothing and tries again next time.
func TestSyncMLflow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		sys := w.f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", w.f.Admin.ID))
		var fail atomic.Bool
		srv := fakeMLflow(t, &fail)
		defer srv.Close()
		client := &mlflow.Client{BaseURL: srv.URL, PageSize: 2}
		ctx := w.as(aims.RoleContributor)
		mapping := map[string]string{"optimizer": "setpoint optimizer"}
		holdOut := &aims.Dataset{Name: "Line 2 hold-out", Origin: "Plant historian", PersonalData: aims.PersonalData("no")}
		history := &aims.Dataset{Name: "Line 2 history", Origin: "Plant historian", PersonalData: aims.PersonalData("no")}
		for _, d := range []*aims.Dataset{holdOut, history} {
			if err := w.svc.CreateDataset(w.as(aims.RoleAIMSManager), d); err != nil {
				t.Fatal(err)
			}
		}

		// A version of the same name with other content is in aims already.
		taken := &aims.ModelVersion{SystemID: sys.ID, Version: "optimizer/2", Digest: strings.Repeat("f", 64)}
		if err := w.svc.CreateModelVersion(ctx, taken); err != nil {
			t.Fatal(err)
		}

		fail.Store(true)
		run, err := w.svc.SyncMLflow(ctx, client, srv.URL, mapping)
		if !aims.IsKind(err, aims.KindUnavailable) || run == nil || !strings.Contains(run.Error, "500") {
			t.Fatalf("sync against a failing server: %+v, %v; want the 500 reported", run, err)
		}
		if list, n, _ := w.svc.FindModelVersions(ctx, sys.ID, aims.ModelVersionFilter{}); n != 1 {
			t.Fatalf("a failed sync changed the model versions: %d (%+v)", n, list)
		}

		fail.Store(false)
		run, err = w.svc.SyncMLflow(ctx, client, srv.URL, mapping)
		if err != nil {
			t.Fatal(err)
		}
		if run.Created != 1 || run.Collisions != 1 || run.Skipped != 1 || run.Error != "" {
			t.Errorf("sync: %+v, want 1 created, 1 collision, 1 skipped", run)
		}
		list, _, err := w.svc.FindModelVersions(ctx, sys.ID, aims.ModelVersionFilter{Page: aims.Page{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*aims.ModelVersion{}
		for _, mv := range list {
			got[mv.Version] = mv
		}
		v1 := got["optimizer/1"]
		if v1 == nil || v1.Status != aims.ModelCandidate || v1.SourceURI != "s3://mlruns/1/a/artifacts/model" ||
			!strings.Contains(v1.Notes, "run run-a") || !strings.Contains(v1.Notes, "aims.digest=") {
			t.Fatalf("optimizer/1 = %+v", v1)
		}
		// The run's metrics are records of the version, with their unit and
		// dataset from the version's tags and the run as their source.
		metrics, err := w.svc.FindValidationMetrics(ctx, sys.ID, v1.ID)
		if err != nil {
			t.Fatal(err)
		}
		var gotMetrics []string
		for _, m := range metrics {
			gotMetrics = append(gotMetrics, m.Name+" "+m.ValueText()+" on "+m.DatasetName+" from "+m.Source)
		}
		wantMetrics := []string{"mae 0.31 kg/t on Line 2 hold-out from MLflow run run-a", "rmse 0.42 on Line 2 hold-out from MLflow run run-a"}
		if diff := cmp.Diff(wantMetrics, gotMetrics, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("metrics of optimizer/1 (-want +got):\n%s", diff)
		}
		// The validation gate checks them against the acceptance criteria:
		// met on the hold-out set they were measured on, missing on another.
		metricsCheck := func() gate.CheckResult {
			t.Helper()
			results, err := w.svc.ModelVersionGates(ctx, sys.ID, v1.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range results[0].Checks {
				if c.Kind == gate.CheckMetrics {
					return c
				}
			}
			t.Fatalf("the validation gate has no metrics check: %+v", results[0])
			return gate.CheckResult{}
		}
		owner := w.as(aims.RoleAIMSManager)
		for _, c := range []*aims.AcceptanceCriterion{
			{Metric: "mae", Comparison: aims.CompareLE, Threshold: 0.35, Unit: "kg/t", DatasetID: holdOut.ID},
			{Metric: "rmse", Comparison: aims.CompareLE, Threshold: 0.5},
		} {
			if err := w.svc.CreateAcceptanceCriterion(owner, sys.ID, c); err != nil {
				t.Fatal(err)
			}
		}
		if c := metricsCheck(); !c.Passed || !strings.Contains(c.Why, "mae 0.31 kg/t meets mae <= 0.35 kg/t") {
			t.Errorf("metrics check with the hold-out criterion: %+v, want passed", c)
		}
		if err := w.svc.CreateAcceptanceCriterion(owner, sys.ID, &aims.AcceptanceCriterion{Metric: "mae", Comparison: aims.CompareLE,
			Threshold: 0.35, Unit: "kg/t", DatasetID: history.ID}); err != nil {
			t.Fatal(err)
		}
		if c := metricsCheck(); c.Passed || !strings.Contains(c.Why, "no mae recorded on Line 2 history") {
			t.Errorf("metrics check with a criterion on another dataset: %+v, want failed for the missing metric", c)
		}
		if got["optimizer/2"].Digest != strings.Repeat("f", 64) {
			t.Errorf("the colliding version was overwritten: %+v", got["optimizer/2"])
		}
		// The new version re-opened the system's deployment gate (change
		// control, 8.1); the colliding one, registered by hand, did too
		// when it was registered, and the sync added nothing for it.
		reopened, _, err := w.svc.FindGateReopenings(ctx, sys.ID, aims.GateReopeningFilter{OpenOnly: true})
		var fromMLflow []string
		for _, r := range reopened {
			if r.Gate == aims.GateDeployment && strings.Contains(r.Reason, "from MLflow") {
				fromMLflow = append(fromMLflow, r.Reason)
			}
		}
		if err != nil || len(fromMLflow) != 1 || fromMLflow[0] != "model version optimizer/1 was registered from MLflow (optimizer)" {
			t.Errorf("re-openings from the sync %q (%v), want optimizer/1's", fromMLflow, err)
		}

		// A second run changes nothing more; the last run is recorded.
		run, err = w.svc.SyncMLflow(ctx, client, srv.URL, mapping)
		if err != nil || run.Created != 0 || run.Unchanged != 1 {
			t.Errorf("second sync: %+v (%v), want 1 unchanged", run, err)
		}
		last, err := w.svc.LastMLflowSync(w.as(aims.RoleViewer))
		if err != nil || last.ID != run.ID || last.URL != srv.URL {
			t.Errorf("last sync = %+v (%v), want %s", last, err, run.ID)
		}
		if _, err := w.svc.SyncMLflow(w.as(aims.RoleViewer), client, srv.URL, mapping); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("a viewer syncs: %v, want forbidden", err)
		}
	})
}

// TestSyncMLflowTimeout: a server that does not answer in time is
// reported like a failure, and nothing changes.
func TestSyncMLflowTimeout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		w.f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", w.f.Admin.ID))
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
		defer srv.Close()
		defer close(release)
		client := &mlflow.Client{BaseURL: srv.URL, HTTP: &http.Client{Timeout: 50 * time.Millisecond}}
		run, err := w.svc.SyncMLflow(w.as(aims.RoleContributor), client, srv.URL, map[string]string{"optimizer": "Setpoint optimizer"})
		if !aims.IsKind(err, aims.KindUnavailable) || run == nil || run.Error == "" || run.Created != 0 {
			t.Errorf("sync against a silent server: %+v, %v", run, err)
		}
	})
}
