package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// TestLineageTenancy checks lineage across organizations: another
// organization's instruments, calibrations, tags, features and graphs
// answer 404 as unknown ids do; lists, exports and queries never show
// them; and its ids cannot be linked to one's own records.
func TestLineageTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		for _, pair := range [][2]string{{"a", "b"}, {"b", "a"}} {
			me, other := pair[0], pair[1]
			t.Run(me+" on "+other, func(t *testing.T) {
				o := e.orgs[other]
				// The other organization's lineage: a never-calibrated
				// probe behind a tag, a feature, a dataset and a model
				// version trained on it, and a decision on the tag.
				in := o.mustInstrument(t, e.db)
				cal := o.mustCalibration(t, e.db, in.ID)
				tg := o.mustTag(t, e.db, in.ID)
				f := o.mustFeature(t, e.db, tg.ID)
				sys := o.mustSystem(t, e.db, o.Admin.ID)
				ds := &aims.Dataset{Name: unique("Dataset"), Tags: aims.RefsOf([]string{tg.ID})}
				ds.WindowStart, ds.WindowEnd = &aims.Date{Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, &aims.Date{Time: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
				ds.Normalize()
				o.mustWrite(t, e.db, func(ctx context.Context, tx *store.Tx) error { return store.CreateDataset(ctx, tx, o.Scope, ds) })
				mv := &aims.ModelVersion{SystemID: sys.ID, Version: "1.0", Digest: strings.Repeat("cd", 32), Status: aims.ModelDeployed,
					Datasets: []aims.DatasetUse{{DatasetID: ds.ID, Purpose: aims.PurposeTraining}}, Features: aims.RefsOf([]string{f.ID})}
				mv.Normalize()
				o.mustWrite(t, e.db, func(ctx context.Context, tx *store.Tx) error { return store.CreateModelVersion(ctx, tx, o.Scope, mv) })
				octx := service.OperatorContext(context.Background(), o.Org, "test")
				ack, err := e.svc.RecordDecision(octx, sys.ID, []byte(fmt.Sprintf(
					`{"model_version":"1.0","source":"gw","seq":%d,"source_time":"2026-03-10T12:00:00Z","inputs":{%q:1},"output":{"value":1}}`,
					decisionSeq.Add(1), tg.Name)), service.ViaCLI)
				if err != nil {
					t.Fatal(err)
				}
				if exp, _ := e.svc.FindCalibrationExposures(octx, ""); len(exp) == 0 {
					t.Fatal("the fixture has no exposure: the leave-out checks would prove nothing")
				}

				mine := e.orgs[me]
				myTag := mine.mustTag(t, e.db, "")
				mySys := mine.mustSystem(t, e.db, mine.Admin.ID)
				notFound := func(name, method, url string, body any) scenario { return notFoundAs(me, name, method, url, body) }
				list := func(name, url string) scenario {
					return listAs(me, name, url, in.ID, tg.ID, f.ID, cal.ID, mv.ID, ack.ID)
				}
				inURL, tagURL, fURL := "/api/v1/lineage/instruments/"+in.ID, "/api/v1/lineage/tags/"+tg.ID, "/api/v1/lineage/features/"+f.ID
				e.run(t, []scenario{
					list("list instruments", "/api/v1/lineage/instruments?limit=500"),
					list("list tags", "/api/v1/lineage/tags?limit=500"),
					list("list features", "/api/v1/lineage/features?limit=500"),
					list("export instruments", "/api/v1/lineage/instruments.csv"),
					list("export tags", "/api/v1/lineage/tags.csv"),
					list("export features", "/api/v1/lineage/features.csv"),
					list("orphans", "/api/v1/lineage/orphans"),
					list("calibration exposures", "/api/v1/lineage/calibration-exposures"),
					list("out-of-calibration decisions", "/api/v1/lineage/out-of-calibration-decisions?limit=500"),
					list("out-of-calibration episodes", "/api/v1/lineage/out-of-calibration-episodes"),
					list("export out-of-calibration episodes", "/api/v1/lineage/out-of-calibration-episodes/export.csv"),
					list("tags of the other's instrument", "/api/v1/lineage/tags?instrument_id="+in.ID),
					notFound("get instrument", http.MethodGet, inURL, nil),
					notFound("patch instrument", http.MethodPatch, inURL, map[string]any{"name": "Taken over"}),
					notFound("delete instrument", http.MethodDelete, inURL, nil),
					notFound("list calibrations", http.MethodGet, inURL+"/calibrations", nil),
					notFound("add a calibration", http.MethodPost, inURL+"/calibrations",
						map[string]any{"valid_from": "2026-01-01T00:00:00Z", "valid_to": "2027-01-01T00:00:00Z", "result": "passed"}),
					notFound("delete a calibration", http.MethodDelete, inURL+"/calibrations/"+cal.ID, nil),
					notFound("get tag", http.MethodGet, tagURL, nil),
					notFound("patch tag", http.MethodPatch, tagURL, map[string]any{"unit": "x"}),
					notFound("delete tag", http.MethodDelete, tagURL, nil),
					notFound("get feature", http.MethodGet, fURL, nil),
					notFound("patch feature", http.MethodPatch, fURL, map[string]any{"unit": "x"}),
					notFound("delete feature", http.MethodDelete, fURL, nil),
					notFound("model version lineage", http.MethodGet, "/api/v1/systems/"+sys.ID+"/model-versions/"+mv.ID+"/lineage", nil),
					notFound("model version lineage through an own system", http.MethodGet, "/api/v1/systems/"+mySys.ID+"/model-versions/"+mv.ID+"/lineage", nil),
					notFound("decision lineage", http.MethodGet, "/api/v1/systems/"+sys.ID+"/decisions/"+ack.ID+"/lineage", nil),
					notFound("exposures of the other's system", http.MethodGet, "/api/v1/lineage/calibration-exposures?system_id="+sys.ID, nil),
					notFound("out-of-calibration decisions of the other's system", http.MethodGet, "/api/v1/lineage/out-of-calibration-decisions?system_id="+sys.ID, nil),
					notFound("out-of-calibration decisions of the other's instrument", http.MethodGet, "/api/v1/lineage/out-of-calibration-decisions?instrument_id="+in.ID, nil),
					notFound("episodes of the other's system", http.MethodGet, "/api/v1/lineage/out-of-calibration-episodes?system_id="+sys.ID, nil),
					notFound("episodes of the other's instrument", http.MethodGet, "/api/v1/lineage/out-of-calibration-episodes?instrument_id="+in.ID, nil),
					notFound("export the episodes of the other's instrument", http.MethodGet, "/api/v1/lineage/out-of-calibration-episodes/export.csv?instrument_id="+in.ID, nil),
					unprocessableAs(me, "a tag of the other's instrument", http.MethodPost, "/api/v1/lineage/tags",
						map[string]any{"name": unique("stolen"), "instrument_id": in.ID}, "/instrument_id"),
					unprocessableAs(me, "a feature of the other's tag", http.MethodPost, "/api/v1/lineage/features",
						map[string]any{"name": unique("stolen"), "tags": []string{myTag.ID, tg.ID}}, "/tags/1"),
					unprocessableAs(me, "a dataset drawn from the other's tag", http.MethodPost, "/api/v1/datasets",
						map[string]any{"name": unique("stolen"), "tags": []string{tg.ID}}, "/tags/0"),
					unprocessableAs(me, "a model version consuming the other's feature", http.MethodPost, "/api/v1/systems/"+mySys.ID+"/model-versions",
						map[string]any{"version": "1", "digest": validDigest, "features": []string{f.ID}}, "/features/0"),
					{name: "a CSV naming the other's instrument", org: me, role: aims.RoleAdmin, method: http.MethodPost,
						url: "/api/v1/lineage/tags/import", contentType: "text/csv", body: "name,instrument\nstolen," + in.Name + "\n",
						wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/rows/2/instrument")},
				})
				// Nothing of the other organization changed.
				if got, err := e.svc.FindInstrumentByID(octx, in.ID); err != nil || got.Name != in.Name || len(got.Tags) != 1 {
					t.Errorf("the other's instrument changed: %+v %v", got, err)
				}
				if cals, _ := e.svc.FindCalibrations(octx, in.ID); len(cals) != 1 {
					t.Errorf("the other's instrument has %d calibrations, want 1", len(cals))
				}
			})
		}
	})
}
