package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// The paged lists count every match, not only the page; the unpaged ones
// (for bulk work) return everything.
func TestListsCountEveryMatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "lists")
		other := storetest.NewOrg(t, db, "other")
		sys := f.MustCreateSystem(t, db, storetest.System("Listed", f.Admin.ID))
		other.MustCreateSystem(t, db, storetest.System("Not listed", other.Admin.ID))
		must(t, db.Transact(ctx, func(tx *store.Tx) error {
			for i := range 3 {
				sp := &aims.Supplier{Name: fmt.Sprintf("Supplier %d", i), Supplies: []aims.SupplyCategory{aims.SupplyData}}
				if err := store.CreateSupplier(ctx, tx, f.Scope, sp); err != nil {
					return err
				}
				d := &aims.Dataset{Name: fmt.Sprintf("Dataset %d", i), PersonalData: aims.PersonalDataNo, SupplierID: sp.ID}
				if err := store.CreateDataset(ctx, tx, f.Scope, d); err != nil {
					return err
				}
				mv := &aims.ModelVersion{SystemID: sys.ID, Version: fmt.Sprintf("1.%d", i), Digest: repeat("0", 63) + fmt.Sprint(i),
					Status: aims.ModelCandidate, Datasets: []aims.DatasetUse{{DatasetID: d.ID, Purpose: aims.PurposeTraining}}}
				if err := store.CreateModelVersion(ctx, tx, f.Scope, mv); err != nil {
					return err
				}
			}
			return nil
		}))
		page := aims.Page{Limit: 2}
		sps, n, err := store.FindSuppliers(ctx, db, f.Scope, aims.SupplierFilter{Page: page})
		must(t, err)
		if n != 3 || len(sps) != 2 || sps[0].Name != "Supplier 0" {
			t.Errorf("suppliers: %d of %d, first %q", len(sps), n, sps[0].Name)
		}
		ds, n, err := store.FindDatasets(ctx, db, f.Scope, aims.DatasetFilter{Search: "set 2", Page: page})
		must(t, err)
		if n != 1 || len(ds) != 1 || ds[0].SupplierName != "Supplier 2" {
			t.Errorf("datasets: %d of %d", len(ds), n)
		}
		mvs, n, err := store.FindModelVersions(ctx, db, f.Scope, sys.ID, aims.ModelVersionFilter{Page: page})
		must(t, err)
		if n != 3 || len(mvs) != 2 || len(mvs[0].Datasets) != 1 {
			t.Errorf("model versions: %d of %d", len(mvs), n)
		}
		// A page past the end is empty but still says how many match, so a
		// pager can offer the way back.
		past := aims.Page{Limit: 2, Offset: 10}
		if sps, n, err := store.FindSuppliers(ctx, db, f.Scope, aims.SupplierFilter{Page: past}); err != nil || n != 3 || len(sps) != 0 {
			t.Errorf("suppliers past the end: %d of %d (%v), want 0 of 3", len(sps), n, err)
		}
		if ds, n, err := store.FindDatasets(ctx, db, f.Scope, aims.DatasetFilter{Page: past}); err != nil || n != 3 || len(ds) != 0 {
			t.Errorf("datasets past the end: %d of %d (%v), want 0 of 3", len(ds), n, err)
		}
		if mvs, n, err := store.FindModelVersions(ctx, db, f.Scope, sys.ID, aims.ModelVersionFilter{Page: past}); err != nil || n != 3 || len(mvs) != 0 {
			t.Errorf("model versions past the end: %d of %d (%v), want 0 of 3", len(mvs), n, err)
		}
		if ms, n, err := store.FindMembers(ctx, db, f.Scope, aims.MemberFilter{Page: past}); err != nil || n != 1 || len(ms) != 0 {
			t.Errorf("members past the end: %d of %d (%v), want 0 of 1", len(ms), n, err)
		}
		if ts, n, err := store.FindTokens(ctx, db, f.Scope, aims.TokenFilter{Page: past}); err != nil || n != 0 || len(ts) != 0 {
			t.Errorf("tokens past the end: %d of %d (%v), want 0 of 0", len(ts), n, err)
		}
		all, err := store.ListSuppliers(ctx, db, f.Scope)
		must(t, err)
		members, err := store.ListMembers(ctx, db, f.Scope)
		must(t, err)
		var names []string
		must(t, store.EachSystem(ctx, db, f.Scope, aims.SystemFilter{Page: aims.Page{Limit: 1, Offset: 5}}, func(s *aims.AISystem) error {
			names = append(names, s.Name)
			return nil
		}))
		if len(all) != 3 || len(members) != 1 || len(names) != 1 || names[0] != "Listed" {
			t.Errorf("unpaged: %d suppliers, %d members, systems %v", len(all), len(members), names)
		}
	})
}
