package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// newDecision makes an event of source with seq for system.
func newDecision(system, source string, seq int64, at time.Time) *store.NewDecision {
	payload := fmt.Appendf(nil, `{"model_version":"2.0","source":%q,"seq":%d,"source_time":%q,"inputs":{"TT-101 torque":41.25},"output":{"value":38.5,"unit":"%%"}}`,
		source, seq, at.Format(time.RFC3339Nano))
	salt := make([]byte, ledger.SaltSize)
	d := &aims.Decision{SystemID: system, ModelVersion: "2.0", Source: source, Seq: seq, SourceTime: at, ReceivedAt: at,
		Human: aims.HumanNone, Salt: salt, Payload: payload, PayloadDigest: ledger.SaltedDigest(salt, payload), UnknownModelVersion: true}
	return &store.NewDecision{D: d, Inputs: map[string]json.RawMessage{"TT-101 torque": json.RawMessage("41.25")}}
}

// TestStoreDecisionsDuplicates stores events of three gateways (out of
// order within each, with gaps, across more keys than the recent-key table
// holds before they move on; in groups large and small), then sends old,
// recent and new events again,
// with repeats: every event sent before answers with its first id and log
// index and stores nothing; every new one is stored, gaps included; the
// same (source, seq) of another system is another event.
func TestStoreDecisionsDuplicates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		sys := f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", f.Admin.ID))
		other := f.MustCreateSystem(t, db, storetest.System("Kiln controller", f.Admin.ID))
		at := db.Now()
		store1 := func(ds []*store.NewDecision) {
			t.Helper()
			if err := db.Transact(ctx, func(tx *store.Tx) error { return store.StoreDecisions(ctx, tx, f.Scope, ds) }); err != nil {
				t.Fatal(err)
			}
		}
		first := map[string]*aims.Decision{} // "source/seq" -> as first stored
		sources := []string{"gw-a", "gw-b", "gw-c"}
		const perSource = 3000
		for lo := int64(0); lo < perSource; lo += 100 {
			// Every other hundred in one group (keys straight to
			// decision_keys), the others in groups of 20 a source (keys
			// through decision_recent_keys, moved on once they are many).
			step := int64(100)
			if lo%200 != 0 {
				step = 20
			}
			for from := lo; from < lo+100; from += step {
				var ds []*store.NewDecision
				for _, src := range sources {
					for i := step - 1; i >= 0; i-- { // backwards within a group
						if seq := from + i; seq%97 != 5 { // gaps, filled later
							ds = append(ds, newDecision(sys.ID, src, seq, at))
						}
					}
				}
				store1(ds)
				for _, nd := range ds {
					if nd.Duplicate {
						t.Fatalf("%s #%d: a new event marked duplicate", nd.D.Source, nd.D.Seq)
					}
					first[fmt.Sprintf("%s/%d", nd.D.Source, nd.D.Seq)] = nd.D
				}
			}
		}

		// Old (moved on), recent, repeated within the batch, gaps, new,
		// and another system's event with a stored (source, seq).
		var again []*store.NewDecision
		for _, seq := range []int64{0, 1, 150, 1500, 2850, 2899, 2950, 2999, 2998, 2999, 5, 102, 3000, 3001, 3000} {
			again = append(again, newDecision(sys.ID, "gw-b", seq, at))
		}
		again = append(again, newDecision(other.ID, "gw-b", 0, at))
		store1(again)
		stored := map[string]*aims.Decision{}
		for i, nd := range again {
			key := fmt.Sprintf("%s/%d", nd.D.Source, nd.D.Seq)
			if nd.D.SystemID == other.ID {
				key = "other/" + key
			}
			want, sentBefore := first[key]
			if !sentBefore {
				want, sentBefore = stored[key]
			}
			switch {
			case sentBefore && (!nd.Duplicate || nd.D.ID != want.ID || nd.D.LogIndex != want.LogIndex):
				t.Errorf("event %d (%s): duplicate %v, id %s at %d; want the first, %s at %d", i, key, nd.Duplicate, nd.D.ID, nd.D.LogIndex, want.ID, want.LogIndex)
			case !sentBefore && nd.Duplicate:
				t.Errorf("event %d (%s): a new event marked duplicate", i, key)
			case !sentBefore:
				stored[key] = nd.D
			}
		}
		if len(stored) != 5 { // 5, 102, 3000, 3001 and the other system's
			t.Errorf("%d new events stored, want 5", len(stored))
		}
		for key, d := range stored {
			got, err := store.FindDecisionByID(ctx, db, f.Scope, d.SystemID, d.ID)
			if err != nil || got.LogIndex != d.LogIndex {
				t.Errorf("%s: stored as %+v, %v", key, got, err)
			}
		}
		_, total, err := store.FindDecisions(ctx, db, f.Scope, sys.ID, aims.DecisionFilter{Page: aims.Page{Limit: 1}})
		if want := len(first) + 4; err != nil || total != want {
			t.Errorf("%d decisions of the system stored, want %d (%v)", total, want, err)
		}
	})
}

// TestFindDecisionsFilters lists a system's decisions by each filter of the
// API and the operator view, alone and together, a page at a time: the
// matches come newest first (ties by id, descending), the total counts
// every match whatever the page, a page past the end is empty with the
// total still told, and neither another system's decisions nor another
// organization's scope leak in.
func TestFindDecisionsFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		sys := f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", f.Admin.ID))
		other := f.MustCreateSystem(t, db, storetest.System("Kiln controller", f.Admin.ID))
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.1", Status: aims.ModelDeployed, Digest: fmt.Sprintf("%064x", 21)}
		mv.Normalize()
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.CreateModelVersion(ctx, tx, f.Scope, mv) }); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		// Twelve events five hours apart (five on March 1, five on the
		// 2nd, two on the 3rd): gw-a and gw-b by turns; every
		// third overridden, every fourth approved; from the sixth on, of
		// model version 2.1 (by its label or its digest, resolved to its id).
		var ds []*store.NewDecision
		for i := range 12 {
			nd := newDecision(sys.ID, []string{"gw-a", "gw-b"}[i%2], int64(i), t0.Add(time.Duration(5*i)*time.Hour))
			switch {
			case i%3 == 0:
				nd.D.Human = aims.HumanOverridden
			case i%4 == 0:
				nd.D.Human = aims.HumanApproved
			}
			if i >= 6 {
				nd.D.ModelVersion, nd.D.ModelVersionID, nd.D.UnknownModelVersion = "2.1", mv.ID, false
				if i%2 == 1 {
					nd.D.ModelVersion = mv.Digest
				}
			}
			ds = append(ds, nd)
		}
		ds = append(ds, newDecision(other.ID, "gw-a", 0, t0.Add(3*time.Hour))) // another system's, same source
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.StoreDecisions(ctx, tx, f.Scope, ds) }); err != nil {
			t.Fatal(err)
		}
		// at(i) is event i's time; day(n) midnight of March 1 + n. Totals
		// with whole days and no source come from decision_days, the others
		// from the index.
		at := func(i int) *time.Time { v := t0.Add(time.Duration(5*i) * time.Hour); return &v }
		day := func(n int) *time.Time { v := t0.AddDate(0, 0, n); return &v }
		for _, c := range []struct {
			name string
			f    aims.DecisionFilter
			want []int64 // seqs, newest first
		}{
			{"all", aims.DecisionFilter{}, []int64{11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
			{"since", aims.DecisionFilter{Since: at(9)}, []int64{11, 10, 9}},
			{"until (before)", aims.DecisionFilter{Until: at(2)}, []int64{1, 0}},
			{"since and until", aims.DecisionFilter{Since: at(4), Until: at(7)}, []int64{6, 5, 4}},
			{"source", aims.DecisionFilter{Source: "gw-b"}, []int64{11, 9, 7, 5, 3, 1}},
			{"overridden", aims.DecisionFilter{Human: aims.HumanOverridden}, []int64{9, 6, 3, 0}},
			{"approved", aims.DecisionFilter{Human: aims.HumanApproved}, []int64{8, 4}},
			{"model version by label", aims.DecisionFilter{ModelVersion: "2.1"}, []int64{10, 8, 6}},
			{"model version by digest", aims.DecisionFilter{ModelVersion: mv.Digest}, []int64{11, 9, 7}},
			{"model version by id", aims.DecisionFilter{ModelVersion: mv.ID}, []int64{11, 10, 9, 8, 7, 6}},
			{"unknown model version", aims.DecisionFilter{ModelVersion: "2.0"}, []int64{5, 4, 3, 2, 1, 0}},
			{"all at once", aims.DecisionFilter{Since: at(1), Until: at(11), Source: "gw-b", Human: aims.HumanOverridden, ModelVersion: mv.ID}, []int64{9}},
			{"none", aims.DecisionFilter{Source: "gw-z"}, nil},
			{"whole days", aims.DecisionFilter{Since: day(1), Until: day(2)}, []int64{9, 8, 7, 6, 5}},
			{"whole days, overridden", aims.DecisionFilter{Since: day(1), Human: aims.HumanOverridden}, []int64{9, 6}},
			{"whole days, model version by id", aims.DecisionFilter{Since: day(2), ModelVersion: mv.ID}, []int64{11, 10}},
			{"whole days, model version by label", aims.DecisionFilter{Until: day(2), ModelVersion: "2.1"}, []int64{8, 6}},
			{"whole days and a source", aims.DecisionFilter{Since: day(1), Source: "gw-b"}, []int64{11, 9, 7, 5}},
			{"no whole day", aims.DecisionFilter{Since: day(5)}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				var got []int64
				for off := 0; ; off += 2 {
					filter := c.f
					filter.Page = aims.Page{Limit: 2, Offset: off}
					page, total, err := store.FindDecisions(ctx, db, f.Scope, sys.ID, filter)
					if err != nil {
						t.Fatal(err)
					}
					if total != len(c.want) {
						t.Errorf("offset %d: total %d, want %d", off, total, len(c.want))
					}
					if len(page) == 0 {
						break
					}
					for _, d := range page {
						got = append(got, d.Seq)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Errorf("got seqs %v, want %v", got, c.want)
				}
			})
		}
		o := storetest.NewOrg(t, db, "other")
		if page, total, err := store.FindDecisions(ctx, db, o.Scope, sys.ID, aims.DecisionFilter{}); err != nil || total != 0 || len(page) != 0 {
			t.Errorf("another organization's scope: %d of %d decisions (%v), want none", len(page), total, err)
		}
	})
}

// TestDecisionDaysBackfill checks migration 00053 on both databases: the
// per-day counts it builds from decisions stored before it (here: the
// table dropped and the migration run again) are the counts StoreDecisions
// keeps, days split in UTC (an event a millisecond before midnight and one
// at midnight), and the totals and the override chart read them.
func TestDecisionDaysBackfill(t *testing.T) {
	for _, c := range []struct {
		name string
		opts func(t *testing.T) store.Options
	}{
		{"sqlite", func(t *testing.T) store.Options { return store.Options{SQLitePath: t.TempDir() + "/aims.db"} }},
		{"postgres", func(t *testing.T) store.Options { return store.Options{DatabaseURL: storetest.PostgresURL(t)} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			opts := c.opts(t)
			db, err := store.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			f := storetest.NewOrg(t, db, "acme")
			sys := f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", f.Admin.ID))
			midnight := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
			var ds []*store.NewDecision
			for i, at := range []time.Time{midnight.Add(-26 * time.Hour), midnight.Add(-time.Millisecond), midnight, midnight.Add(5 * time.Hour)} {
				for j := range 3 {
					nd := newDecision(sys.ID, "gw", int64(3*i+j), at)
					if j == 0 {
						nd.D.Human = aims.HumanOverridden
					}
					ds = append(ds, nd)
				}
			}
			if err := db.Transact(ctx, func(tx *store.Tx) error { return store.StoreDecisions(ctx, tx, f.Scope, ds) }); err != nil {
				t.Fatal(err)
			}
			read := func() string {
				t.Helper()
				days, err := store.DecisionDays(ctx, db, f.Scope, sys.ID, midnight.AddDate(0, 0, -7))
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, d := range days {
					out = append(out, fmt.Sprintf("%s: %d, %d overridden", d.Start.Format(time.DateOnly), d.Decisions, d.Overridden))
				}
				_, total, err := store.FindDecisions(ctx, db, f.Scope, sys.ID, aims.DecisionFilter{Since: &midnight, Human: aims.HumanOverridden})
				if err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("%v; overridden from March 2: %d", out, total)
			}
			want := "[2026-02-28: 3, 1 overridden 2026-03-01: 3, 1 overridden 2026-03-02: 6, 2 overridden]; overridden from March 2: 2"
			if got := read(); got != want {
				t.Fatalf("as stored: %s\nwant %s", got, want)
			}
			storetest.RawExec(t, opts, `DROP TABLE decision_days`)
			storetest.RawExec(t, opts, `DELETE FROM goose_db_version WHERE version_id = 53`)
			if n, err := db.Migrate(ctx); err != nil || n != 1 {
				t.Fatalf("migrate again: %d migrations, %v", n, err)
			}
			if got := read(); got != want {
				t.Errorf("as the migration built it: %s\nwant %s", got, want)
			}
		})
	}
}
