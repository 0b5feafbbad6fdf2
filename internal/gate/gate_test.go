package gate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/gate"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	mae := aims.AcceptanceCriterion{Metric: "mae", Comparison: aims.CompareLE, Threshold: 0.35, Unit: "kg/t", DatasetID: "test", DatasetName: "March test set"}
	metric := func(v float64, ds string) aims.ValidationMetric {
		return aims.ValidationMetric{Name: "mae", Value: v, Unit: "kg/t", DatasetID: ds}
	}
	report := gate.Evidence{Kind: "validation-report", OfVersion: true, Freshness: aims.FreshCurrent}
	validation := gate.Find(nil, gate.VersionValidation, false)
	approval := gate.Definition{Gate: gate.VersionApproval, Checks: []gate.Check{
		{Kind: gate.CheckApprovals, Roles: []aims.Role{aims.RoleAIMSManager}, Quorum: 2}}}
	tests := []struct {
		name   string
		def    gate.Definition
		facts  gate.Facts
		passed bool
		why    string // the failing checks' reasons
	}{
		{"all holds", validation, gate.Facts{Version: "2.3.0", Metrics: []aims.ValidationMetric{metric(0.31, "test")},
			Criteria: []aims.AcceptanceCriterion{mae}, Evidence: []gate.Evidence{report}}, true, ""},
		{"metric misses, report missing", validation, gate.Facts{Version: "2.4.0-rc1", Metrics: []aims.ValidationMetric{metric(0.41, "test")},
			Criteria: []aims.AcceptanceCriterion{mae}},
			false, "mae 0.41 kg/t does not meet mae <= 0.35 kg/t; validation report of model version 2.4.0-rc1 missing"},
		{"metric on another dataset", validation, gate.Facts{Version: "2", Metrics: []aims.ValidationMetric{metric(0.1, "train")},
			Criteria: []aims.AcceptanceCriterion{mae}, Evidence: []gate.Evidence{report}},
			false, "no mae recorded on March test set for mae <= 0.35 kg/t"},
		{"threshold met exactly", validation, gate.Facts{Metrics: []aims.ValidationMetric{metric(0.35, "test")},
			Criteria: []aims.AcceptanceCriterion{mae}, Evidence: []gate.Evidence{report}}, true, ""},
		{"no criteria", validation, gate.Facts{Evidence: []gate.Evidence{report}},
			false, "no acceptance criteria are set: set them on the system or the model version"},
		{"report of the system only", validation, gate.Facts{Version: "3", Metrics: []aims.ValidationMetric{metric(0.2, "test")},
			Criteria: []aims.AcceptanceCriterion{mae}, Evidence: []gate.Evidence{{Kind: "validation-report", Freshness: aims.FreshCurrent}}},
			false, "validation report of model version 3 missing"},
		{"report expired", validation, gate.Facts{Version: "3", Metrics: []aims.ValidationMetric{metric(0.2, "test")},
			Criteria: []aims.AcceptanceCriterion{mae}, Evidence: []gate.Evidence{{Kind: "validation-report", OfVersion: true, Freshness: aims.FreshExpired}}},
			false, "validation report of model version 3 expired"},
		{"quorum short", approval, gate.Facts{Approvals: []gate.Approval{{PersonID: "a", Name: "Ada", Role: aims.RoleAIMSManager},
			{PersonID: "a", Name: "Ada", Role: aims.RoleAIMSManager}, {PersonID: "b", Name: "Bo", Role: aims.RoleContributor}}},
			false, "1 of 2 approvals given (Ada)"},
		{"quorum met", approval, gate.Facts{Approvals: []gate.Approval{{PersonID: "a", Name: "Ada", Role: aims.RoleAIMSManager},
			{PersonID: "c", Name: "Cy", Role: aims.RoleAIMSManager}}}, true, ""},
		{"deployment: impact, classification, risks", gate.Find(nil, gate.VersionDeployment, false),
			gate.Facts{ImpactSignedOff: true, ImpactOutdated: []string{"autonomy changed"}, RisksOverAppetite: []string{"Wet cake"},
				Approvals: []gate.Approval{{PersonID: "a", Role: aims.RoleAdmin, Name: "Ada"}}},
			false, "the impact assessment is out of date: autonomy changed; no EU AI Act classification is recorded; 1 risk is above appetite and not accepted: Wet cake"},
		{"no checks never passes", gate.Definition{Gate: gate.VersionApproval}, gate.Facts{}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := gate.Evaluate(tt.def, tt.facts)
			if r.Passed != tt.passed || r.Reasons() != tt.why {
				t.Errorf("passed %v, why %q; want %v, %q", r.Passed, r.Reasons(), tt.passed, tt.why)
			}
			if len(r.Checks) != len(tt.def.Checks) {
				t.Errorf("%d check results, want one per check (%d)", len(r.Checks), len(tt.def.Checks))
			}
			for _, c := range r.Checks {
				if c.Title == "" || c.Why == "" {
					t.Errorf("check %s lacks a title or a reason: %+v", c.Kind, c)
				}
			}
		})
	}
}

func TestDefinitionValidate(t *testing.T) {
	t.Parallel()
	for _, d := range append(gate.Defaults(false), gate.Defaults(true)...) {
		if err := d.Validate(); err != nil {
			t.Errorf("default %s: %v", d.Gate, err)
		}
	}
	bad := gate.Definition{Gate: "launch", Checks: []gate.Check{{Kind: "vibes"}, {Kind: gate.CheckEvidence},
		{Kind: gate.CheckApprovals, Roles: []aims.Role{"boss"}}, {Kind: gate.CheckRisks, OfThisVersion: true}}}
	err := bad.Validate()
	var fields []string
	var ae *aims.Error
	if !errors.As(err, &ae) {
		t.Fatalf("Validate: %v, want an aims.Error", err)
	}
	for _, f := range ae.Fields {
		fields = append(fields, f.Field+": "+f.Detail)
	}
	got := strings.Join(fields, "\n")
	for _, want := range []string{"gate: must be one of model_version_validation",
		"checks/0/kind: must be one of impact_current, classification_recorded, risks_within_appetite, evidence, metrics_meet_criteria, approvals",
		"checks/1/evidence_kinds", "checks/2/roles/0", "checks/2/quorum", "checks/3/of_this_version"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
}

func TestStrictDefaults(t *testing.T) {
	t.Parallel()
	if !gate.Strict(aims.ImpactHigh, "") || !gate.Strict(aims.ImpactLow, aims.TierHighRisk) || gate.Strict(aims.ImpactMedium, aims.TierMinimal) {
		t.Error("Strict: want high impact class or high-risk tier")
	}
	facts := gate.Facts{Approvals: []gate.Approval{{PersonID: "a", Role: aims.RoleAIMSManager}}}
	if !gate.Evaluate(gate.Find(nil, gate.VersionApproval, false), facts).Passed {
		t.Error("one approval should pass the default approval gate")
	}
	if r := gate.Evaluate(gate.Find(nil, gate.VersionApproval, true), facts); r.Passed ||
		r.Reasons() != "no impact assessment is signed off; no EU AI Act classification is recorded" {
		t.Errorf("strict approval gate without impact assessment and classification: %v %q", r.Passed, r.Reasons())
	}
	// The deployment gate: one approval for a loose system, two people's
	// for a strict one (a gate request collects them).
	deploy := gate.Facts{ImpactSignedOff: true, Classified: true,
		Approvals: []gate.Approval{{PersonID: "a", Name: "Ada", Role: aims.RoleAIMSManager}}}
	if r := gate.Evaluate(gate.Find(nil, gate.VersionDeployment, false), deploy); !r.Passed {
		t.Errorf("loose deployment gate with one approval: %q", r.Reasons())
	}
	if r := gate.Evaluate(gate.Find(nil, gate.VersionDeployment, true), deploy); r.Passed || r.Reasons() != "1 of 2 approvals given (Ada)" {
		t.Errorf("strict deployment gate with one approval: %v %q", r.Passed, r.Reasons())
	}
	deploy.Approvals = append(deploy.Approvals, gate.Approval{PersonID: "b", Name: "Bo", Role: aims.RoleAdmin})
	if r := gate.Evaluate(gate.Find(nil, gate.VersionDeployment, true), deploy); !r.Passed {
		t.Errorf("strict deployment gate with two approvals: %q", r.Reasons())
	}
}
