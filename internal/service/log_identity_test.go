package service

import (
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// TestLogProblem lists what refuses an organization's log, from the facts
// 'aims serve' and 'aims log check' read, and what does not.
func TestLogProblem(t *testing.T) {
	skey, _ := ledger.GenerateMasterKey("aims.example.com")
	master, _ := ledger.ParseMasterKey(skey)
	key, _ := master.ForOrigin("aims.example.com/log/acme")
	other, _ := ledger.GenerateMasterKey("forger")
	forger, _ := ledger.ParseMasterKey(other)
	forged, _ := forger.ForOrigin("aims.example.com/log/acme")
	opened := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	head := func(mod func(h *store.LogHead)) *store.LogHead {
		h := &store.LogHead{LogID: 7, OrgID: "o1", Size: 10, Origin: "aims.example.com/log/acme", VerifierKey: key.VerifierKey}
		if mod != nil {
			mod(h)
		}
		return h
	}
	whole := func(mod func(f *store.LogFacts)) *store.LogFacts {
		f := &store.LogFacts{OrgID: "o1", Slug: "acme", Head: head(nil), Mark: &store.LogMark{OrgID: "o1", LogID: 7, Generation: 1, OpenedAt: &opened},
			AuditEvents: true, FirstLeaf: true, LastLeaf: true, HasCheckpoints: true}
		if mod != nil {
			mod(f)
		}
		return f
	}
	for _, c := range []struct {
		name       string
		identity   LogIdentity
		facts      *store.LogFacts
		wantSubstr string // "" : no problem
	}{
		{"whole", LogIdentity{}, whole(nil), ""},
		{"new organization", LogIdentity{}, &store.LogFacts{OrgID: "o1", Slug: "acme"}, ""},
		{"events from before the log", LogIdentity{}, &store.LogFacts{OrgID: "o1", Slug: "acme", AuditEvents: true, Mark: &store.LogMark{Generation: 1}}, ""},
		{"head deleted", LogIdentity{}, whole(func(f *store.LogFacts) { f.Head = nil }), "has no head any more"},
		{"head and mark deleted", LogIdentity{}, whole(func(f *store.LogFacts) { f.Head, f.Mark = nil, nil }), "neither a log nor the mark"},
		{"decisions without a log", LogIdentity{}, &store.LogFacts{OrgID: "o1", Slug: "acme", Decisions: true}, "neither a log nor the mark"},
		{"everything deleted, key configured", LogIdentity{VerifierKeys: []string{key.VerifierKey}},
			&store.LogFacts{OrgID: "o1", Slug: "acme"}, "a verifier key is configured for its log aims.example.com/log/acme"},
		{"everything deleted, no key configured", LogIdentity{}, &store.LogFacts{OrgID: "o1", Slug: "acme"}, ""},
		{"head replaced", LogIdentity{}, whole(func(f *store.LogFacts) { f.Head.LogID = 8 }), "is not the log its mark names"},
		{"leaves deleted", LogIdentity{}, whole(func(f *store.LogFacts) { f.LastLeaf = false }), "leaf 9 is not stored"},
		{"pinned key blanked", LogIdentity{}, whole(func(f *store.LogFacts) { f.Head.VerifierKey, f.Head.Origin = "", "" }), "no pinned verifier key"},
		{"key swapped, configured", LogIdentity{VerifierKeys: []string{key.VerifierKey}},
			whole(func(f *store.LogFacts) { f.Head.VerifierKey = forged.VerifierKey }), "the pinned key was changed"},
		{"key swapped, none configured", LogIdentity{}, whole(func(f *store.LogFacts) { f.Head.VerifierKey = forged.VerifierKey }), ""},
		{"origin configured otherwise", LogIdentity{Prefix: "aims.other.example", Configured: true}, whole(nil),
			"Set AIMS_LOG_ORIGIN=aims.example.com to keep the log"},
		{"origin default otherwise", LogIdentity{Prefix: "host/1234abcd"}, whole(nil), ""},
		{"rebuilt log", LogIdentity{Prefix: "aims.example.com", Configured: true}, whole(func(f *store.LogFacts) {
			f.Mark.Generation, f.Head.Origin = 2, "aims.example.com/log/acme/rebuilt-2"
		}), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &Service{tlog: newLogState()}
			s.SetLogKey(master)
			if err := s.SetLogIdentity(c.identity); err != nil {
				t.Fatal(err)
			}
			got := s.logProblem(c.facts)
			if (c.wantSubstr == "") != (got == "") || !strings.Contains(got, c.wantSubstr) {
				t.Errorf("problem %q, want one containing %q", got, c.wantSubstr)
			}
		})
	}
}
