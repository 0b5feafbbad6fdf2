package aims

import (
	"slices"
	"time"
)

// ImpactArea is an area in which an AI system can affect individuals,
// groups of people or society (ISO/IEC 42001 6.1.4, A.5.4 and A.5.5).
type ImpactArea string

// The impact areas, in the order an assessment lists them.
const (
	AreaFairness          ImpactArea = "fairness_bias"
	AreaSafety            ImpactArea = "safety"
	AreaPrivacy           ImpactArea = "privacy"
	AreaTransparency      ImpactArea = "transparency_explainability"
	AreaHumanOversight    ImpactArea = "human_oversight_contestability"
	AreaSecurity          ImpactArea = "security"
	AreaEnvironment       ImpactArea = "environment"
	AreaFundamentalRights ImpactArea = "fundamental_rights"
	AreaEmployment        ImpactArea = "employment"
)

// ImpactAreaValues lists the impact areas in order.
func ImpactAreaValues() []ImpactArea {
	return []ImpactArea{AreaFairness, AreaSafety, AreaPrivacy, AreaTransparency, AreaHumanOversight, AreaSecurity,
		AreaEnvironment, AreaFundamentalRights, AreaEmployment}
}

// IsValid reports whether a is a known impact area.
func (a ImpactArea) IsValid() bool { return enumValid(a, ImpactAreaValues()) }

// Title is the area's name for people.
func (a ImpactArea) Title() string {
	switch a {
	case AreaFairness:
		return "Fairness and bias"
	case AreaTransparency:
		return "Transparency and explainability"
	case AreaHumanOversight:
		return "Human oversight and contestability"
	}
	return titleOf(string(a))
}

// Question is what the area asks, in our words.
func (a ImpactArea) Question() string {
	switch a {
	case AreaFairness:
		return "Could outputs treat people or groups differently without a legitimate reason, or reproduce bias in the data?"
	case AreaSafety:
		return "Could an output or an action of the system injure people or damage property or equipment?"
	case AreaPrivacy:
		return "Does it process personal data, infer sensitive facts, or expose people's information?"
	case AreaTransparency:
		return "Do the people affected know an AI system is involved, and can its outputs be explained to them?"
	case AreaHumanOversight:
		return "Can a person oversee, override or stop it, and can those affected contest an outcome?"
	case AreaSecurity:
		return "Could it be attacked, manipulated or misused to cause harm (poisoning, evasion, prompt injection)?"
	case AreaEnvironment:
		return "What energy, materials or emissions does it cause or save, and could it harm the environment?"
	case AreaFundamentalRights:
		return "Could it affect dignity, non-discrimination, freedom of expression, access to services or other rights?"
	case AreaEmployment:
		return "Could it affect people's jobs, working conditions, hiring or workers' autonomy?"
	}
	return ""
}

// AffectedParty is a kind of party an AI system's impacts reach (6.1.4).
type AffectedParty string

// The affected parties.
const (
	PartyIndividuals AffectedParty = "individuals"
	PartyGroups      AffectedParty = "groups"
	PartySociety     AffectedParty = "society"
	PartyEnvironment AffectedParty = "environment"
)

// AffectedPartyValues lists the parties.
func AffectedPartyValues() []AffectedParty {
	return []AffectedParty{PartyIndividuals, PartyGroups, PartySociety, PartyEnvironment}
}

// IsValid reports whether p is a known party.
func (p AffectedParty) IsValid() bool { return enumValid(p, AffectedPartyValues()) }

// Title is the party's name for people.
func (p AffectedParty) Title() string { return titleOf(string(p)) }

// ImpactLevel is how much impact remains in an area after mitigation.
type ImpactLevel string

// The residual impact levels, lowest first.
const (
	ResidualNone   ImpactLevel = "none"
	ResidualLow    ImpactLevel = "low"
	ResidualMedium ImpactLevel = "medium"
	ResidualHigh   ImpactLevel = "high"
)

// ImpactLevelValues lists the levels, lowest first.
func ImpactLevelValues() []ImpactLevel {
	return []ImpactLevel{ResidualNone, ResidualLow, ResidualMedium, ResidualHigh}
}

// IsValid reports whether l is a known level.
func (l ImpactLevel) IsValid() bool { return enumValid(l, ImpactLevelValues()) }

// Rank orders the levels: -1 for none given, 0 for none, 3 for high.
func (l ImpactLevel) Rank() int { return slices.Index(ImpactLevelValues(), l) }

// Title is the level's name for people.
func (l ImpactLevel) Title() string {
	if l == "" {
		return "Not assessed"
	}
	return titleOf(string(l))
}

// SeverityName names a step of the impact severity scale (1 to 5).
func SeverityName(n int) string {
	return scaleName(n, "Negligible", "Minor", "Moderate", "Major", "Severe")
}

// ImpactLikelihoodName names a step of the impact likelihood scale.
func ImpactLikelihoodName(n int) string {
	return scaleName(n, "Rare", "Unlikely", "Possible", "Likely", "Almost certain")
}

func scaleName(n int, names ...string) string {
	if n < 1 || n > len(names) {
		return "Not assessed"
	}
	return names[n-1]
}

// SystemSnapshot is what an impact assessment depends on, taken from the AI
// system when the assessment is signed off. A later significant change
// (another model version deployed, autonomy, impact domains or scope
// changed) marks the assessment out of date.
type SystemSnapshot struct {
	DeployedModelVersionID string         `json:"deployed_model_version_id,omitempty"`
	DeployedModelVersion   string         `json:"deployed_model_version,omitempty"`
	Autonomy               Autonomy       `json:"autonomy"`
	ImpactDomains          []ImpactDomain `json:"impact_domains"`
	Purpose                string         `json:"purpose"`
	OperatorRoles          []OperatorRole `json:"operator_roles"`
	Site                   string         `json:"site"`
	InScope                bool           `json:"in_scope"`
}

// SnapshotOf takes the snapshot of s.
func SnapshotOf(s *AISystem) SystemSnapshot {
	snap := SystemSnapshot{Autonomy: s.Autonomy, Purpose: s.Purpose, Site: s.Site, InScope: s.InScope,
		ImpactDomains: slices.Sorted(slices.Values(s.ImpactDomains)), OperatorRoles: slices.Sorted(slices.Values(s.OperatorRoles))}
	if s.Deployed != nil {
		snap.DeployedModelVersionID, snap.DeployedModelVersion = s.Deployed.ID, s.Deployed.Version
	}
	if snap.ImpactDomains == nil {
		snap.ImpactDomains = []ImpactDomain{}
	}
	if snap.OperatorRoles == nil {
		snap.OperatorRoles = []OperatorRole{}
	}
	return snap
}

// ImpactSummary is what other rules need to know of a system's impact
// assessment: its latest signed-off version, the highest residual impact
// in it, and whether it is out of date.
type ImpactSummary struct {
	SystemID string `json:"system_id"`
	// AssessmentID and Version name the latest signed-off assessment; empty
	// and 0 when the system has none.
	AssessmentID    string      `json:"assessment_id,omitempty"`
	Version         int         `json:"version,omitempty"`
	SignedOffAt     *time.Time  `json:"signed_off_at,omitempty"`
	HighestResidual ImpactLevel `json:"highest_residual,omitempty" doc:"none, low, medium or high; empty without a signed-off assessment"`
	HighestArea     ImpactArea  `json:"highest_area,omitempty"`
	OutOfDate       bool        `json:"out_of_date"`
	Reasons         []string    `json:"reasons,omitempty"`
	// Draft is the version number of a draft in progress, 0 when none.
	Draft int `json:"draft,omitempty"`
}
