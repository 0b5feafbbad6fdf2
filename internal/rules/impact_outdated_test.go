package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
)

func TestImpactOutOfDate(t *testing.T) {
	base := &aims.AISystem{Purpose: "Sets the polymer dose", Site: "Line 2", InScope: true, Autonomy: aims.AutonomyHumanOverride,
		ImpactDomains: []aims.ImpactDomain{aims.DomainSafety, aims.DomainQuality}, OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer},
		Deployed: &aims.ModelVersionRef{ID: "mv-1", Version: "2.3.0"}}
	tests := []struct {
		name   string
		change func(s *aims.AISystem)
		want   []string // parts of each reason, in order
	}{
		{"nothing changed", func(*aims.AISystem) {}, nil},
		{"same things, other order", func(s *aims.AISystem) {
			s.ImpactDomains = []aims.ImpactDomain{aims.DomainQuality, aims.DomainSafety}
		}, nil},
		{"description, tags and stage are not significant", func(s *aims.AISystem) {
			s.Description, s.Tags, s.LifecycleStage = "new text", []string{"x"}, aims.StageSuspended
		}, nil},
		{"a new model version deployed", func(s *aims.AISystem) { s.Deployed = &aims.ModelVersionRef{ID: "mv-2", Version: "2.4.0"} },
			[]string{"model version 2.4.0 was deployed after sign-off (the assessment covers 2.3.0)"}},
		{"the deployed version withdrawn", func(s *aims.AISystem) { s.Deployed = nil }, nil},
		{"autonomy raised", func(s *aims.AISystem) { s.Autonomy = aims.AutonomyAutonomous },
			[]string{"autonomy changed from “Acts with human override” to “Acts autonomously”"}},
		{"impact domain added and removed", func(s *aims.AISystem) {
			s.ImpactDomains = []aims.ImpactDomain{aims.DomainSafety, aims.DomainEnvironment}
		}, []string{"impact domains changed; added: Environment; removed: Quality"}},
		{"purpose changed", func(s *aims.AISystem) { s.Purpose = "Also sets the bowl speed" }, []string{"purpose and intended use changed"}},
		{"now also provider", func(s *aims.AISystem) {
			s.OperatorRoles = []aims.OperatorRole{aims.OperatorDeployer, aims.OperatorProvider}
		}, []string{"role changed; added: provider"}},
		{"moved to another site", func(s *aims.AISystem) { s.Site = "Line 3" }, []string{"site changed from “Line 2” to “Line 3”"}},
		{"taken out of scope", func(s *aims.AISystem) { s.InScope = false }, []string{"taken out of the AIMS scope"}},
		{"several at once", func(s *aims.AISystem) {
			s.Deployed = &aims.ModelVersionRef{ID: "mv-3", Version: "3.0"}
			s.Autonomy = aims.AutonomyAdvisory
		}, []string{"model version 3.0", "autonomy changed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			signed := aims.SnapshotOf(base)
			now := *base
			tc.change(&now)
			got := rules.ImpactOutOfDate(signed, aims.SnapshotOf(&now))
			if len(got) != len(tc.want) {
				t.Fatalf("reasons %q, want %d like %q", got, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("reason %d = %q, want it to say %q", i, got[i], tc.want[i])
				}
			}
		})
	}
	// Signed off before any model version was deployed.
	first := *base
	first.Deployed = nil
	got := rules.ImpactOutOfDate(aims.SnapshotOf(&first), aims.SnapshotOf(base))
	if len(got) != 1 || !strings.Contains(got[0], "no model version was deployed then") {
		t.Errorf("first deployment: %q", got)
	}
}

func ExampleImpactOutOfDate() {
	sys := &aims.AISystem{Autonomy: aims.AutonomyHumanApproval, Deployed: &aims.ModelVersionRef{ID: "a", Version: "cs-2024.1"}}
	signed := aims.SnapshotOf(sys)
	sys.Deployed = &aims.ModelVersionRef{ID: "b", Version: "cs-2025.1"}
	fmt.Println(rules.ImpactOutOfDate(signed, aims.SnapshotOf(sys)))
	// Output: [model version cs-2025.1 was deployed after sign-off (the assessment covers cs-2024.1)]
}
