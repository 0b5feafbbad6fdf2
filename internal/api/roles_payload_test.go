package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// Build item 11: decision payloads are personal data. Every role that reads
// decisions may list and open them, but only read_payload (admin, AIMS
// manager, auditor) or owning the system shows the payload: the inputs,
// the output and who acted. The list, one decision and the CSV export hide
// it alike.
func TestDecisionPayloadNeedsReadPayload(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		readers := []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleAuditor}
		// A system owned by the system_owner member: the owner reads its payloads.
		own := o.mustSystem(t, e.db, o.members[aims.RoleSystemOwner].ID)
		other := o.mustSystem(t, e.db, o.Admin.ID)
		for _, sys := range []*aims.AISystem{own, other} {
			did := o.mustDecision(t, e.svc, sys.ID)
			base := "/api/v1/systems/" + sys.ID + "/decisions"
			for _, role := range aims.RoleValues() {
				want := slices.Contains(readers, role) || (sys == own && role == aims.RoleSystemOwner)
				one := e.do(t, request{method: http.MethodGet, url: base + "/" + did, token: o.tokens[role]})
				list := e.do(t, request{method: http.MethodGet, url: base, token: o.tokens[role]})
				if one.Code != 200 || list.Code != 200 {
					t.Fatalf("%s: get %d, list %d", role, one.Code, list.Code)
				}
				for what, body := range map[string]string{"get": one.Body.String(), "list": list.Body.String()} {
					if got := strings.Contains(body, `"payload":`) && strings.Contains(body, "TT-101 torque"); got != want {
						t.Errorf("%s %s of a system owned by %s: payload shown %v, want %v: %s", role, what, sys.OwnerEmail, got, want, body)
					}
					if withheld := strings.Contains(body, `"payload_withheld":true`); withheld == want {
						t.Errorf("%s %s: payload_withheld %v, want %v", role, what, withheld, !want)
					}
				}
				if role == aims.RoleViewer {
					continue // a viewer does not export
				}
				csv := e.do(t, request{method: http.MethodGet, url: base + "/export.csv", token: o.tokens[role]})
				if csv.Code != 200 {
					t.Fatalf("%s: export %d %s", role, csv.Code, csv.Body)
				}
				if got := strings.Contains(csv.Body.String(), "TT-101 torque"); got != want {
					t.Errorf("%s export of a system owned by %s: inputs shown %v, want %v", role, sys.OwnerEmail, got, want)
				}
			}
		}
	})
}
