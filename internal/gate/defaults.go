package gate

import "github.com/aimsproject/aims/internal/aims"

// Defaults are the gate definitions an organization starts from. Strict
// ones apply to a system with a high impact class or a high-risk EU AI Act
// tier: they ask in addition for a model card of the version and a
// current classification and impact assessment before approval, and two
// people's approvals to deploy (a gate request collects them through the
// approval engine; one person's act alone cannot pass that gate). Loose
// ones ask for one approval at each gate.
func Defaults(strict bool) []Definition {
	managers := []aims.Role{aims.RoleAIMSManager, aims.RoleAdmin}
	deployQuorum := 1
	if strict {
		deployQuorum = 2
	}
	validation := []Check{
		{Kind: CheckMetrics},
		{Kind: CheckEvidence, EvidenceKinds: []string{"validation-report"}, OfThisVersion: true},
	}
	approval := []Check{{Kind: CheckRisks}, {Kind: CheckApprovals, Roles: managers, Quorum: 1}}
	deployment := []Check{{Kind: CheckImpactCurrent}, {Kind: CheckClassification}, {Kind: CheckRisks},
		{Kind: CheckApprovals, Roles: managers, Quorum: deployQuorum}}
	system := []Check{{Kind: CheckImpactCurrent}, {Kind: CheckClassification}, {Kind: CheckRisks},
		{Kind: CheckApprovals, Roles: managers, Quorum: 1}}
	if strict {
		validation = append(validation, Check{Kind: CheckEvidence, EvidenceKinds: []string{"model-card"}, OfThisVersion: true})
		approval = append([]Check{{Kind: CheckImpactCurrent}, {Kind: CheckClassification}}, approval...)
	}
	return []Definition{
		{Gate: VersionValidation, Checks: validation},
		{Gate: VersionApproval, Checks: approval},
		{Gate: VersionDeployment, Checks: deployment},
		{Gate: SystemDeployment, Checks: system},
	}
}

// The defaults, built once for Find (callers do not change them).
var defaultsLoose, defaultsStrict = Defaults(false), Defaults(true)

// Strict reports whether a system's gates are the strict ones: a high
// impact class, or the EU AI Act high-risk tier.
func Strict(impactClass aims.ImpactClass, tier aims.Tier) bool {
	return impactClass == aims.ImpactHigh || tier == aims.TierHighRisk
}

// Find returns the definition of gate g: the organization's own when it
// defined one, else the default.
func Find(own []Definition, g ID, strict bool) Definition {
	for _, d := range own {
		if d.Gate == g {
			return d
		}
	}
	defs := defaultsLoose
	if strict {
		defs = defaultsStrict
	}
	for _, d := range defs {
		if d.Gate == g {
			return d
		}
	}
	return Definition{Gate: g}
}
