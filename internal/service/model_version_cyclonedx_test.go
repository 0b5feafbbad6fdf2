package service_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestCycloneDXExportFlagsGateOverride: a model version an admin moved
// past a failing gate carries the override, with its reason, as the
// property aims:gate-override in its export; one passed normally does not.
func TestCycloneDXExportFlagsGateOverride(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		sys := w.f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", w.users[aims.RoleSystemOwner].ID))
		admin := w.as(aims.RoleAdmin)
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.4.0-rc1", Digest: strings.Repeat("ab", 32)}
		mustDo(t, w.svc.CreateModelVersion(admin, mv))
		overrides := func() []string {
			t.Helper()
			var buf bytes.Buffer
			if _, err := w.svc.ExportModelVersionCycloneDX(w.as(aims.RoleAuditor), &buf, sys.ID, mv.ID); err != nil {
				t.Fatal(err)
			}
			var bom struct {
				Metadata struct {
					Component struct {
						Properties []struct{ Name, Value string }
					}
				}
			}
			if err := json.Unmarshal(buf.Bytes(), &bom); err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range bom.Metadata.Component.Properties {
				if p.Name == "aims:gate-override" {
					out = append(out, p.Value)
				}
			}
			return out
		}
		if got := overrides(); len(got) != 0 {
			t.Fatalf("a version without an override exports %q", got)
		}
		act := testApproval
		act.Status = aims.ModelApproved
		act.OverrideReason = "line stop imminent; report follows"
		if _, err := w.svc.ApproveModelVersion(admin, sys.ID, mv.ID, &act); err != nil {
			t.Fatalf("admin override: %v", err)
		}
		got := overrides()
		if len(got) != 1 || !strings.Contains(got[0], "passed by override") || !strings.HasSuffix(got[0], ": line stop imminent; report follows") {
			t.Errorf("override in the export: %q", got)
		}
	})
}
