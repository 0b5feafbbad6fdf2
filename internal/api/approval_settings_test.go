package api_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestApprovalSettingsSeparationOfDuties checks that separation of duties
// is the organization's policy: on by default, set only by an
// administrator, in force for one organization only, and a request may
// not waive it (422 naming separation_of_duties); the requester who asks
// without it and approves their own request is refused. Once the
// administrator turns it off, a request may leave it off or still ask for it.
func TestApprovalSettingsSeparationOfDuties(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a, b := e.orgs["a"], e.orgs["b"]
		contrib, mgr := a.members[aims.RoleContributor], a.members[aims.RoleAIMSManager]
		settings := func(o *orgEnv) aims.ApprovalSettings {
			t.Helper()
			res := e.do(t, request{method: "GET", url: "/api/v1/approval-settings", token: o.tokens[aims.RoleAuditor]})
			if res.Code != 200 {
				t.Fatalf("get approval settings: %d %s", res.Code, res.Body)
			}
			var s aims.ApprovalSettings
			decode(t, res, &s)
			return s
		}
		if !settings(a).SeparationOfDuties {
			t.Fatal("separation of duties is off by default, want on")
		}
		submit := func(sod any) (int, aims.ApprovalRequest, problem) {
			t.Helper()
			d := a.mustDocument(t, e, contrib.ID)
			v := a.mustVersion(t, e, d.ID, 1, 0, "# Procedure\n\nDo it well.")
			body := map[string]any{"approvers": []string{contrib.ID, mgr.ID}, "quorum": 1}
			if sod != nil {
				body["separation_of_duties"] = sod
			}
			res := e.do(t, request{method: "POST", url: "/api/v1/documents/" + d.ID + "/versions/" + v.ID + "/submit",
				token: a.tokens[aims.RoleContributor], body: body})
			var r aims.ApprovalRequest
			var p problem
			if res.Code == 201 {
				decode(t, res, &r)
			} else {
				p = decodeProblem(t, res)
			}
			return res.Code, r, p
		}
		decide := func(id string) int {
			return e.do(t, request{method: "POST", url: "/api/v1/approvals/" + id + "/decisions", token: a.tokens[aims.RoleContributor],
				body: map[string]any{"verdict": "approve"}}).Code
		}

		// The requester tries to waive the rule, then to approve their own request.
		if code, _, p := submit(false); code != 422 || !hasPointer(p, "/separation_of_duties") {
			t.Fatalf("asking without separation of duties under the policy: %d %+v, want 422 naming separation_of_duties", code, p)
		}
		code, r, _ := submit(nil)
		if code != 201 || !r.SeparationOfDuties {
			t.Fatalf("submit under the policy: %d %+v, want 201 recording separation of duties", code, r)
		}
		if got := decide(r.ID); got != 403 {
			t.Fatalf("the requester approves their own request: %d, want 403", got)
		}

		// Only an administrator sets the policy, for their organization only.
		off := map[string]any{"separation_of_duties": false}
		for _, role := range []aims.Role{aims.RoleAIMSManager, aims.RoleContributor, aims.RoleAuditor} {
			if res := e.do(t, request{method: "PUT", url: "/api/v1/approval-settings", token: a.tokens[role], body: off}); res.Code != 403 {
				t.Fatalf("%s sets the approval policy: %d, want 403", role, res.Code)
			}
		}
		if res := e.do(t, request{method: "PUT", url: "/api/v1/approval-settings", token: a.tokens[aims.RoleAdmin], body: off}); res.Code != 200 {
			t.Fatalf("admin turns separation of duties off: %d %s", res.Code, res.Body)
		}
		if settings(a).SeparationOfDuties || !settings(b).SeparationOfDuties {
			t.Fatalf("after a's admin turned it off: a %v, b %v; want a off, b still on", settings(a), settings(b))
		}

		// Without the policy a request may leave it off, or still ask for it.
		code, r, _ = submit(false)
		if code != 201 || r.SeparationOfDuties {
			t.Fatalf("submit without separation of duties, policy off: %d %+v", code, r)
		}
		if got := decide(r.ID); got != 201 {
			t.Fatalf("the requester approves without separation of duties: %d, want 201", got)
		}
		if code, r, _ = submit(true); code != 201 || !r.SeparationOfDuties || decide(r.ID) != 403 {
			t.Fatalf("a stricter request under a lax policy: %d %+v, want separation of duties kept", code, r)
		}
		if code, r, _ = submit(nil); code != 201 || r.SeparationOfDuties {
			t.Fatalf("a request that says nothing follows the policy (off): %d %+v", code, r)
		}
	})
}
