package ledger_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// TestEncodeLogRebuiltIsCanonical: the rebuild entry's members are in
// lexicographic order at every level, as every entry's are, and it says
// what it is.
func TestEncodeLogRebuiltIsCanonical(t *testing.T) {
	for _, prev := range []*ledger.PreviousLog{nil, {Checkpoint: "o\n3\nAA==\n", Origin: "o", Root: []byte{1}, Size: 3, VerifierKey: "o+1+A"}} {
		entry, err := ledger.EncodeLogRebuilt(ledger.LogRebuilt{Actor: aims.Actor{Kind: aims.ActorUser, Label: "op@host"}, ID: "r1",
			Generation: 2, OrgID: "org1", Previous: prev, Reason: "tables <emptied>", Time: time.Date(2026, 12, 6, 16, 0, 0, 1500, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		var m any
		if err := json.Unmarshal(entry, &m); err != nil {
			t.Fatal(err)
		}
		sorted, _ := ledger.Canonical(m) // maps encode with sorted keys
		if string(sorted) != string(entry) {
			t.Errorf("entry is not canonical:\n%s\n%s", entry, sorted)
		}
		h, err := ledger.ParseEntryHeader(entry)
		if err != nil || h.Type != ledger.LogRebuiltType || h.V != 1 || h.ID != "r1" {
			t.Errorf("header %+v, %v", h, err)
		}
		if !strings.Contains(string(entry), `"time":"2026-12-06T16:00:00.000001Z"`) || !strings.Contains(string(entry), "<emptied>") {
			t.Errorf("entry %s", entry)
		}
	}
}

func TestLogOrigin(t *testing.T) {
	for _, c := range []struct {
		prefix, slug string
		generation   int
		want         string
	}{
		{"aims.example.com", "acme", 1, "aims.example.com/log/acme"},
		{"aims.example.com/gov", "acme", 0, "aims.example.com/gov/log/acme"},
		{"aims.example.com", "acme", 3, "aims.example.com/log/acme/rebuilt-3"},
	} {
		if got := ledger.LogOrigin(c.prefix, c.slug, c.generation); got != c.want {
			t.Errorf("LogOrigin(%q, %q, %d) = %q, want %q", c.prefix, c.slug, c.generation, got, c.want)
		}
	}
}

// TestMasterKeyID: a key's id is stable and differs between keys, so that
// two deployments on hosts of one name get distinct origins.
func TestMasterKeyID(t *testing.T) {
	a1, _ := ledger.GenerateMasterKey("host")
	a2, _ := ledger.GenerateMasterKey("host")
	k1, _ := ledger.ParseMasterKey(a1)
	k1again, _ := ledger.ParseMasterKey(a1)
	k2, _ := ledger.ParseMasterKey(a2)
	if k1.ID() != k1again.ID() || len(k1.ID()) != 8 {
		t.Errorf("id %q not stable or not 8 hex digits", k1.ID())
	}
	if k1.ID() == k2.ID() {
		t.Errorf("two keys share id %s", k1.ID())
	}
}
