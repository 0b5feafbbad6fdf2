package rules

import (
	"slices"

	"github.com/aimsproject/aims/internal/aims"
)

// AssessedImpact is the highest residual impact of an AI system's latest
// signed-off impact assessment (ISO/IEC 42001 6.1.4, 8.4), on the scale the
// impact class reads.
type AssessedImpact string

// The assessed impacts.
const (
	AssessedUnknown AssessedImpact = "unknown" // no signed-off assessment
	AssessedLow     AssessedImpact = "low"
	AssessedMedium  AssessedImpact = "medium"
	AssessedHigh    AssessedImpact = "high"
)

// Unclassified stands for the tier of a system without an EU AI Act
// classification, in impact class conditions.
const Unclassified aims.Tier = "unclassified"

// ImpactClassInput is what an AI system's impact class is derived from.
type ImpactClassInput struct {
	Autonomy aims.Autonomy       `json:"autonomy"`
	Domains  []aims.ImpactDomain `json:"impact_domains"`
	// Tier is the current EU AI Act classification's tier; empty (or
	// Unclassified) when the system is not classified.
	Tier aims.Tier `json:"tier"`
	// Residual is the highest residual impact of the latest signed-off
	// impact assessment; empty means AssessedUnknown.
	Residual AssessedImpact `json:"assessment_residual_impact"`
	// AssessmentOutOfDate is true when the system changed significantly
	// since that assessment (a new model version deployed, autonomy, impact
	// domains or scope changed).
	AssessmentOutOfDate bool `json:"assessment_out_of_date"`
}

// ImpactCondition is one row's condition: every field that is set must
// hold; an empty field does not constrain.
type ImpactCondition struct {
	Tiers    []aims.Tier         `json:"tiers,omitempty"`    // the tier is one of these
	Autonomy []aims.Autonomy     `json:"autonomy,omitempty"` // the autonomy is one of these
	Domains  []aims.ImpactDomain `json:"domains,omitempty"`  // at least one of these impact domains
	Residual []AssessedImpact    `json:"residual,omitempty"` // the assessed residual impact is one of these
	// OutOfDate, when true, needs the impact assessment to be out of date.
	OutOfDate bool `json:"out_of_date,omitempty"`
}

// ImpactClassRule is one row of the impact class table.
type ImpactClassRule struct {
	ID     string           `json:"id"`
	When   ImpactCondition  `json:"when"`
	Class  aims.ImpactClass `json:"class"`
	Reason string           `json:"reason"`
}

var (
	acting        = []aims.Autonomy{aims.AutonomyAutonomous, aims.AutonomyHumanOverride}
	peopleDomains = []aims.ImpactDomain{aims.DomainHealth, aims.DomainFundamentalRights, aims.DomainEmployment, aims.DomainCreditFinance}
	// sensitiveDomains are where an output can hurt someone even with a
	// person deciding.
	sensitiveDomains = append([]aims.ImpactDomain{aims.DomainSafety}, peopleDomains...)
)

// ImpactClassRules is the impact class table, read top down: the first
// row whose condition holds gives the class and the reason. Rows that give
// a higher class come first, so that no later row can lower it; the last
// row holds always. Release gates and review frequencies (later issues)
// hang on the class, so change a row only with the reason written down.
var ImpactClassRules = []ImpactClassRule{
	{ID: "prohibited", When: ImpactCondition{Tiers: []aims.Tier{aims.TierProhibited}}, Class: aims.ImpactHigh,
		Reason: "It is used for a practice the EU AI Act prohibits (Art. 5): it must stop, and stays in the highest class until it does."},
	{ID: "eu-high-risk", When: ImpactCondition{Tiers: []aims.Tier{aims.TierHighRisk}}, Class: aims.ImpactHigh,
		Reason: "It is high-risk under the EU AI Act (Art. 6)."},
	{ID: "safety-setpoint", When: ImpactCondition{Autonomy: acting, Domains: []aims.ImpactDomain{aims.DomainSafety}}, Class: aims.ImpactHigh,
		Reason: "It acts on a safety-relevant process (a setpoint, a machine) without a person approving each action."},
	{ID: "residual-high", When: ImpactCondition{Residual: []AssessedImpact{AssessedHigh}}, Class: aims.ImpactHigh,
		Reason: "Its latest signed-off impact assessment leaves a high residual impact."},
	{ID: "autonomous-on-people", When: ImpactCondition{Autonomy: []aims.Autonomy{aims.AutonomyAutonomous}, Domains: peopleDomains}, Class: aims.ImpactHigh,
		Reason: "It acts on its own where people's health, rights, work or finances are at stake."},
	{ID: "assessment-out-of-date", When: ImpactCondition{OutOfDate: true}, Class: aims.ImpactMedium,
		Reason: "Its impact assessment is out of date since the system changed: until it is redone, the system cannot count as low impact."},
	{ID: "residual-medium", When: ImpactCondition{Residual: []AssessedImpact{AssessedMedium}}, Class: aims.ImpactMedium,
		Reason: "Its latest signed-off impact assessment leaves a medium residual impact."},
	{ID: "eu-transparency", When: ImpactCondition{Tiers: []aims.Tier{aims.TierTransparency}}, Class: aims.ImpactMedium,
		Reason: "It deals with people directly or makes content they may take for human-made (EU AI Act Art. 50)."},
	{ID: "acts", When: ImpactCondition{Autonomy: acting}, Class: aims.ImpactMedium,
		Reason: "It acts without a person approving each action."},
	{ID: "sensitive-domain", When: ImpactCondition{Domains: sensitiveDomains}, Class: aims.ImpactMedium,
		Reason: "Its outputs bear on safety, health, rights, work or finances, even though a person decides."},
	{ID: "no-assessment", When: ImpactCondition{Residual: []AssessedImpact{AssessedUnknown}}, Class: aims.ImpactMedium,
		Reason: "It has no signed-off impact assessment (ISO/IEC 42001 6.1.4): its impact is not known, so it cannot count as low."},
	{ID: "unclassified", When: ImpactCondition{Tiers: []aims.Tier{Unclassified}}, Class: aims.ImpactMedium,
		Reason: "It is not classified under the EU AI Act yet, so it cannot count as low."},
	{ID: "low", When: ImpactCondition{}, Class: aims.ImpactLow,
		Reason: "It advises or waits for a person's approval, in no sensitive domain, with a low assessed residual impact and a minimal (or no) EU AI Act tier."},
}

// ImpactClassDecision is the class an AI system gets and the row that
// gave it.
type ImpactClassDecision struct {
	Class  aims.ImpactClass `json:"class"`
	Rule   string           `json:"rule"`
	Reason string           `json:"reason"`
}

// ImpactClassOf reads ImpactClassRules top down and returns the first row
// that holds for in.
func ImpactClassOf(in ImpactClassInput) ImpactClassDecision {
	if in.Tier == "" {
		in.Tier = Unclassified
	}
	if in.Residual == "" {
		in.Residual = AssessedUnknown
	}
	for _, r := range ImpactClassRules {
		if r.When.holds(in) {
			return ImpactClassDecision{Class: r.Class, Rule: r.ID, Reason: r.Reason}
		}
	}
	panic("rules: the impact class table has no row that always holds")
}

func (c ImpactCondition) holds(in ImpactClassInput) bool {
	return (len(c.Tiers) == 0 || slices.Contains(c.Tiers, in.Tier)) &&
		(len(c.Autonomy) == 0 || slices.Contains(c.Autonomy, in.Autonomy)) &&
		(len(c.Domains) == 0 || slices.ContainsFunc(in.Domains, func(d aims.ImpactDomain) bool { return slices.Contains(c.Domains, d) })) &&
		(len(c.Residual) == 0 || slices.Contains(c.Residual, in.Residual)) &&
		(!c.OutOfDate || in.AssessmentOutOfDate)
}
