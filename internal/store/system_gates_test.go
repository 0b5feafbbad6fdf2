package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestEachSystemForGates: the one-pass read of an organization's systems
// gives each system as FindSystemByID does, deployed model version
// included, without its count of model versions, and no other
// organization's system.
func TestEachSystemForGates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		other := storetest.NewOrg(t, db, "globex")
		ids := f.SeedInventory(t, db, f.Admin.ID, 24, 3)
		other.SeedInventory(t, db, other.Admin.ID, 5, 2)
		// Two systems run a model version, one of them two in turn.
		for i, id := range []string{ids[3], ids[7], ids[7]} {
			err := db.Transact(ctx, func(tx *store.Tx) error {
				mv := &aims.ModelVersion{SystemID: id, Version: "9." + string(rune('0'+i)), Status: aims.ModelDeployed,
					Digest: strings.Repeat(string(rune('a'+i)), 64)}
				mv.Normalize()
				return store.CreateModelVersion(ctx, tx, f.Scope, mv)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]*aims.AISystem{}
		if err := store.EachSystemForGates(ctx, db, f.Scope, func(s *aims.AISystem) error {
			got[s.ID] = s
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Fatalf("%d systems, want %d", len(got), len(ids))
		}
		deployed := 0
		for _, id := range ids {
			want, err := store.FindSystemByID(ctx, db, f.Scope, id)
			if err != nil {
				t.Fatal(err)
			}
			want.ModelVersionCount = 0
			if want.Deployed != nil {
				deployed++
			}
			if diff := cmp.Diff(want, got[id]); diff != "" {
				t.Errorf("system %s (-FindSystemByID +EachSystemForGates):\n%s", want.Name, diff)
			}
		}
		if got[ids[7]].Deployed == nil || got[ids[7]].Deployed.Version != "9.2" {
			t.Errorf("deployed version of a system that ran two: %+v, want the later 9.2", got[ids[7]].Deployed)
		}
		if deployed == 0 {
			t.Fatal("no seeded system has a deployed model version: the test proves nothing")
		}
	})
}
