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
