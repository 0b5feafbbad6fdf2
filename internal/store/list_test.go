package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// The dataset, supplier and model version lists return their rows with the total over all
// pages, filtered, and never another organization's.
func TestDatasetAndSupplierLists(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		other := storetest.NewOrg(t, db, "other")
		var vendor *aims.Supplier
		err := db.Transact(ctx, func(tx *store.Tx) error {
			for i := range 3 {
				s := &aims.Supplier{Name: fmt.Sprintf("Vendor %d", i), Supplies: []aims.SupplyCategory{aims.SupplyModel}}
				if i == 2 {
					s.Supplies = []aims.SupplyCategory{aims.SupplyData}
				}
				if err := store.CreateSupplier(ctx, tx, f.Scope, s); err != nil {
					return err
				}
				vendor = s
			}
			for i := range 3 {
				d := &aims.Dataset{Name: fmt.Sprintf("Dataset %d", i), PersonalData: aims.PersonalDataNo}
				if i == 0 {
					d.PersonalData, d.SupplierID = aims.PersonalDataYes, vendor.ID
				}
				if err := store.CreateDataset(ctx, tx, f.Scope, d); err != nil {
					return err
				}
			}
			return store.CreateDataset(ctx, tx, other.Scope, &aims.Dataset{Name: "Theirs", PersonalData: aims.PersonalDataYes})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			f           aims.DatasetFilter
			rows, total int
		}{
			{aims.DatasetFilter{}, 3, 3},
			{aims.DatasetFilter{Page: aims.Page{Limit: 2}}, 2, 3},
			{aims.DatasetFilter{Page: aims.Page{Limit: 2, Offset: 2}}, 1, 3},
			{aims.DatasetFilter{PersonalData: aims.PersonalDataYes}, 1, 1},
			{aims.DatasetFilter{SupplierID: vendor.ID}, 1, 1},
			{aims.DatasetFilter{Search: "SET 1"}, 1, 1},
		} {
			list, total, err := store.FindDatasets(ctx, db, f.Scope, c.f)
			if err != nil || len(list) != c.rows || total != c.total {
				t.Errorf("FindDatasets(%+v) = %d rows, total %d, %v; want %d, %d", c.f, len(list), total, err, c.rows, c.total)
			}
		}
		sys := f.MustCreateSystem(t, db, storetest.System("Chatbot", f.Admin.ID))
		err = db.Transact(ctx, func(tx *store.Tx) error {
			for i, st := range []aims.ModelVersionStatus{aims.ModelCandidate, aims.ModelDeployed, aims.ModelCandidate} {
				m := &aims.ModelVersion{SystemID: sys.ID, Version: fmt.Sprint(i), Digest: fmt.Sprintf("%064d", i), Status: st,
					Datasets: []aims.DatasetUse{}}
				if err := store.CreateModelVersion(ctx, tx, f.Scope, m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			f           aims.ModelVersionFilter
			rows, total int
		}{
			{aims.ModelVersionFilter{}, 3, 3},
			{aims.ModelVersionFilter{Page: aims.Page{Limit: 2, Offset: 2}}, 1, 3},
			{aims.ModelVersionFilter{Status: aims.ModelCandidate}, 2, 2},
		} {
			list, total, err := store.FindModelVersions(ctx, db, f.Scope, sys.ID, c.f)
			if err != nil || len(list) != c.rows || total != c.total {
				t.Errorf("FindModelVersions(%+v) = %d rows, total %d, %v; want %d, %d", c.f, len(list), total, err, c.rows, c.total)
			}
		}
		if list, _, err := store.FindModelVersions(ctx, db, other.Scope, sys.ID, aims.ModelVersionFilter{}); err != nil || len(list) != 0 {
			t.Errorf("another organization lists %d model versions of the system (%v)", len(list), err)
		}
		for _, c := range []struct {
			f           aims.SupplierFilter
			rows, total int
		}{
			{aims.SupplierFilter{}, 3, 3},
			{aims.SupplierFilter{Page: aims.Page{Limit: 1, Offset: 1}}, 1, 3},
			{aims.SupplierFilter{Supplies: aims.SupplyData}, 1, 1},
			{aims.SupplierFilter{Search: "vendor"}, 3, 3},
		} {
			list, total, err := store.FindSuppliers(ctx, db, f.Scope, c.f)
			if err != nil || len(list) != c.rows || total != c.total {
				t.Errorf("FindSuppliers(%+v) = %d rows, total %d, %v; want %d, %d", c.f, len(list), total, err, c.rows, c.total)
			}
		}
	})
}
