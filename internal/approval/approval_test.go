package approval

import (
	"strings"
	"testing"
	"time"
)

var (
	dA = strings.Repeat("a", 64)
	dB = strings.Repeat("b", 64)
)

func req(mod func(*Request)) Request {
	r := Request{Subject: Subject{Kind: "document_version", ID: "v1", Digest: dA},
		Approvers: []string{"ann", "bob"}, Roles: []string{"aims_manager"}, Quorum: 2, Requester: "req",
		SeparationOfDuties: true}
	if mod != nil {
		mod(&r)
	}
	return r
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	ok := func(by string) Decision { return Decision{By: by, Verdict: Approve, Digest: dA} }
	tests := []struct {
		name      string
		r         Request
		ds        []Decision
		current   string
		want      Status
		approvals int
		reason    string
	}{
		{"no decisions", req(nil), nil, dA, Pending, 0, "0 of 2"},
		{"one of two", req(nil), []Decision{ok("ann")}, dA, Pending, 1, "1 of 2"},
		{"quorum met", req(nil), []Decision{ok("ann"), ok("bob")}, dA, Approved, 2, "2 of 2"},
		{"same person twice counts once", req(nil), []Decision{ok("ann"), ok("ann")}, dA, Pending, 1, ""},
		{"rejection sinks it", req(nil), []Decision{ok("ann"), {By: "bob", Verdict: Reject, Digest: dA}}, dA, Rejected, 1, "rejected"},
		{"content changed after approval", req(nil), []Decision{ok("ann"), ok("bob")}, dB, Void, 2, "changed"},
		{"content changed while pending", req(nil), nil, dB, Void, 0, "changed"},
		{"decisions on other content do not count", req(nil), []Decision{{By: "ann", Verdict: Approve, Digest: dB}, ok("bob")}, dA, Pending, 1, ""},
		{"quorum one", req(func(r *Request) { r.Quorum = 1 }), []Decision{ok("ann")}, dA, Approved, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Evaluate(tt.r, tt.ds, tt.current)
			if o.Status != tt.want || o.Approvals != tt.approvals || !strings.Contains(o.Reason, tt.reason) {
				t.Errorf("Evaluate = %+v, want %s with %d approvals, reason containing %q", o, tt.want, tt.approvals, tt.reason)
			}
		})
	}
}

func TestMayDecide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		r       Request
		ds      []Decision
		current string
		p       Person
		want    bool
		why     string
	}{
		{"named approver", req(nil), nil, dA, Person{ID: "ann", Role: "viewer"}, true, ""},
		{"by role", req(nil), nil, dA, Person{ID: "carl", Role: "aims_manager"}, true, ""},
		{"not named", req(nil), nil, dA, Person{ID: "dan", Role: "contributor"}, false, "not among"},
		{"no id", req(nil), nil, dA, Person{Role: "aims_manager"}, false, "not among"},
		{"requester under separation of duties", req(func(r *Request) { r.Approvers = append(r.Approvers, "req") }), nil, dA,
			Person{ID: "req", Role: "aims_manager"}, false, "separation of duties"},
		{"requester without separation of duties", req(func(r *Request) { r.SeparationOfDuties = false }), nil, dA,
			Person{ID: "req", Role: "aims_manager"}, true, ""},
		{"decided already", req(nil), []Decision{{By: "ann", Verdict: Approve, Digest: dA}}, dA, Person{ID: "ann"}, false, "already decided"},
		{"void", req(nil), nil, dB, Person{ID: "ann"}, false, "void"},
		{"closed", req(func(r *Request) { r.Quorum = 1 }), []Decision{{By: "bob", Verdict: Approve, Digest: dA}}, dA, Person{ID: "ann"}, false, "already approved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := MayDecide(tt.r, tt.ds, tt.current, tt.p)
			if got != tt.want || !strings.Contains(why, tt.why) {
				t.Errorf("MayDecide = %v %q, want %v %q", got, why, tt.want, tt.why)
			}
			if Waiting(tt.r, tt.ds, tt.current, tt.p) != tt.want {
				t.Errorf("Waiting disagrees with MayDecide")
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		r      Request
		fields []string
	}{
		{"good", req(nil), nil},
		{"no subject", req(func(r *Request) { r.Subject = Subject{Digest: dA} }), []string{"subject"}},
		{"bad digest", req(func(r *Request) { r.Subject.Digest = "ABC" }), []string{"subject_digest"}},
		{"nobody", req(func(r *Request) { r.Approvers, r.Roles = nil, nil; r.Quorum = 1 }), []string{"approvers"}},
		{"quorum zero", req(func(r *Request) { r.Quorum = 0 }), []string{"quorum"}},
		{"quorum above named", req(func(r *Request) { r.Roles = nil; r.Quorum = 3 }), []string{"quorum"}},
		{"quorum above named but roles", req(func(r *Request) { r.Quorum = 3 }), nil},
		{"only the requester", req(func(r *Request) { r.Roles = nil; r.Approvers = []string{"req"}; r.Quorum = 1 }), []string{"approvers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range Check(tt.r) {
				got = append(got, p.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("Check fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestDigestIgnoresSpelling(t *testing.T) {
	t.Parallel()
	a, err := Digest(map[string]any{"b": 1, "a": "x"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Digest(struct {
		A string `json:"a"`
		B int    `json:"b"`
	}{"x", 1})
	c, _ := Digest(map[string]any{"b": 1, "a": "y"})
	if a != b || a == c || !IsDigest(a) {
		t.Errorf("digests %s %s %s: want the first two equal, the third different", a, b, c)
	}
}

func TestOverdue(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	r := req(func(r *Request) { r.Due = now.Add(-time.Hour) })
	if !Overdue(r, Pending, now) || Overdue(r, Approved, now) || Overdue(req(nil), Pending, now) {
		t.Error("Overdue: want only a pending request past a due date")
	}
}
