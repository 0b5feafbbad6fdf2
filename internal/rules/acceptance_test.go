package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
)

func TestMayAccept(t *testing.T) {
	def := aims.DefaultRiskCriteria()
	// Criteria that (wrongly) let owners accept above the appetite: the
	// rule still asks for an AIMS manager.
	lax := aims.DefaultRiskCriteria()
	lax.Levels[2].AcceptBy = aims.AcceptByOwner
	owner := func(r aims.Role) rules.Acceptor { return rules.Acceptor{Role: r, IsRiskOwner: true} }
	other := func(r aims.Role) rules.Acceptor { return rules.Acceptor{Role: r} }
	tests := []struct {
		name    string
		c       *aims.RiskCriteria
		level   string
		who     rules.Acceptor
		allowed bool
		above   bool
		reason  string
	}{
		{"owner accepts low", def, "low", owner(aims.RoleContributor), true, false, ""},
		{"system owner who owns the risk accepts medium", def, "medium", owner(aims.RoleSystemOwner), true, false, ""},
		{"contributor who does not own it may not", def, "medium", other(aims.RoleContributor), false, false, "its owner or an AIMS manager"},
		{"manager accepts another's medium", def, "medium", other(aims.RoleAIMSManager), true, false, ""},
		{"owner may not accept high", def, "high", owner(aims.RoleSystemOwner), false, true, "needs an AIMS manager (it is above the risk appetite, medium)"},
		{"contributor owner may not accept high", def, "high", owner(aims.RoleContributor), false, true, "AIMS manager"},
		{"manager accepts high", def, "high", other(aims.RoleAIMSManager), true, true, ""},
		{"admin accepts high", def, "high", other(aims.RoleAdmin), true, true, ""},
		{"nobody accepts critical, not even a manager", def, "critical", other(aims.RoleAIMSManager), false, true, "cannot be accepted"},
		{"auditor who owns it accepts nothing", def, "low", owner(aims.RoleAuditor), false, false, "its owner or an AIMS manager"},
		{"viewer who owns it accepts nothing", def, "low", owner(aims.RoleViewer), false, false, "its owner or an AIMS manager"},
		{"above appetite needs a manager whatever the criteria say", lax, "high", owner(aims.RoleSystemOwner), false, true, "AIMS manager"},
		{"manager under lax criteria", lax, "high", other(aims.RoleAIMSManager), true, true, ""},
		{"unknown level", def, "extreme", other(aims.RoleAdmin), false, true, "assess the risk again"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := rules.MayAccept(tc.c, tc.level, tc.who)
			if d.Allowed != tc.allowed || d.AboveAppetite != tc.above || !strings.Contains(d.Reason, tc.reason) || (tc.reason == "" && d.Reason != "") {
				t.Errorf("MayAccept(%s, %+v) = %+v; want allowed %v, above %v, reason containing %q", tc.level, tc.who, d, tc.allowed, tc.above, tc.reason)
			}
		})
	}
}

func ExampleMayAccept() {
	c := aims.DefaultRiskCriteria()
	d := rules.MayAccept(c, "high", rules.Acceptor{Role: aims.RoleSystemOwner, IsRiskOwner: true})
	fmt.Println(d.Allowed, d.Reason)
	// Output: false accepting a High risk needs an AIMS manager (it is above the risk appetite, medium)
}
