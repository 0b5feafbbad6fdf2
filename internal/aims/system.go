package aims

import (
	"time"
)

// AISystem is one AI system the organization builds, buys or uses: the hub
// every other record of the management system hangs off (ISO/IEC 42001 A.4
// resources, A.6 life cycle, A.10 third parties; NIST AI RMF GOVERN 1.6, an
// inventory of AI systems).
type AISystem struct {
	ID                 string           `json:"id"`
	Name               string           `json:"name"`
	Purpose            string           `json:"purpose"`
	Description        string           `json:"description"`
	OwnerID            string           `json:"owner_id"`
	OwnerName          string           `json:"owner_name,omitempty"`
	OwnerEmail         string           `json:"owner_email,omitempty"`
	BusinessUnit       string           `json:"business_unit"`
	Site               string           `json:"site"`
	OperatorRoles      []OperatorRole   `json:"operator_roles"`
	LifecycleStage     LifecycleStage   `json:"lifecycle_stage"`
	Autonomy           Autonomy         `json:"autonomy"`
	ImpactDomains      []ImpactDomain   `json:"impact_domains"`
	Techniques         []string         `json:"techniques"`
	SupplierID         string           `json:"supplier_id,omitempty"`
	SupplierName       string           `json:"supplier_name,omitempty"`
	InScope            bool             `json:"in_scope"`
	ScopeJustification string           `json:"scope_justification"`
	Tags               []string         `json:"tags"`
	CreatedAt          time.Time        `json:"created_at"`
	UpdatedAt          time.Time        `json:"updated_at"`
	ModelVersionCount  int              `json:"model_version_count"`
	Deployed           *ModelVersionRef `json:"deployed_model_version,omitempty"`
	// GateOverride, when set, flags a system at its stage without a passed
	// gate in aims (an admin's override, or registered as already
	// deployed); a passed deployment gate clears it.
	GateOverride *GateOverride `json:"gate_override,omitempty" doc:"Set while the system is at its stage without having passed its gate in aims: why, who, when"`
}

// ModelVersionRef names a model version briefly.
type ModelVersionRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

// AuditLabel names the system in the audit trail.
func (s *AISystem) AuditLabel() string { return s.Name }

// Normalize trims text fields and drops empty list entries, so that what is
// validated and stored is what a person meant.
func (s *AISystem) Normalize() {
	s.Name = CleanText(s.Name)
	s.Purpose = CleanText(s.Purpose)
	s.Description = CleanText(s.Description)
	s.OwnerID = CleanText(s.OwnerID)
	s.BusinessUnit = CleanText(s.BusinessUnit)
	s.Site = CleanText(s.Site)
	s.SupplierID = CleanText(s.SupplierID)
	s.ScopeJustification = CleanText(s.ScopeJustification)
	s.Techniques = cleanList(s.Techniques)
	// Tags are matched exactly; lowercasing them keeps "Plant" and "plant"
	// one tag, alike on both databases (LIKE's case rules differ).
	s.Tags = cleanList(lowerAll(s.Tags))
	if s.OperatorRoles == nil {
		s.OperatorRoles = []OperatorRole{}
	}
	if s.ImpactDomains == nil {
		s.ImpactDomains = []ImpactDomain{}
	}
}

// Validate checks the fields a person enters. References (owner, supplier)
// are checked by the service against the store.
func (s *AISystem) Validate() error {
	var v Validation
	v.Required("name", s.Name)
	v.MaxLen("name", s.Name, 200)
	v.Required("purpose", s.Purpose)
	v.MaxLen("purpose", s.Purpose, 4000)
	v.MaxLen("description", s.Description, 20000)
	v.Required("owner_id", s.OwnerID)
	v.MaxLen("business_unit", s.BusinessUnit, 200)
	v.MaxLen("site", s.Site, 200)
	if len(s.OperatorRoles) == 0 {
		v.Add("operator_roles", "name at least one role the organization has for this system (provider, developer, deployer, importer, distributor)")
	}
	ValidateSet(&v, "operator_roles", s.OperatorRoles, OperatorRole.IsValid, "operator role")
	if !s.LifecycleStage.IsValid() {
		v.Add("lifecycle_stage", "must be one of %s", joinValues(LifecycleStageValues()))
	}
	if !s.Autonomy.IsValid() {
		v.Add("autonomy", "must be one of %s", joinValues(AutonomyValues()))
	}
	ValidateSet(&v, "impact_domains", s.ImpactDomains, ImpactDomain.IsValid, "impact domain")
	validateList(&v, "techniques", s.Techniques, 50, 100)
	validateList(&v, "tags", s.Tags, 50, 60)
	if !s.InScope && s.ScopeJustification == "" {
		v.Add("scope_justification", "say why the system is outside the AIMS scope (ISO/IEC 42001 4.3)")
	}
	v.MaxLen("scope_justification", s.ScopeJustification, 4000)
	return v.Err()
}

// SystemUpdate changes some fields of an AI system; nil means unchanged. An
// empty SupplierID removes the supplier.
type SystemUpdate struct {
	Name               *string         `json:"name,omitempty"`
	Purpose            *string         `json:"purpose,omitempty"`
	Description        *string         `json:"description,omitempty"`
	OwnerID            *string         `json:"owner_id,omitempty"`
	BusinessUnit       *string         `json:"business_unit,omitempty"`
	Site               *string         `json:"site,omitempty"`
	OperatorRoles      *[]OperatorRole `json:"operator_roles,omitempty"`
	LifecycleStage     *LifecycleStage `json:"lifecycle_stage,omitempty"`
	Autonomy           *Autonomy       `json:"autonomy,omitempty"`
	ImpactDomains      *[]ImpactDomain `json:"impact_domains,omitempty"`
	Techniques         *[]string       `json:"techniques,omitempty"`
	SupplierID         *string         `json:"supplier_id,omitempty"`
	InScope            *bool           `json:"in_scope,omitempty"`
	ScopeJustification *string         `json:"scope_justification,omitempty"`
	Tags               *[]string       `json:"tags,omitempty"`
}

// Apply returns a copy of s with the update's fields set.
func (u SystemUpdate) Apply(s AISystem) AISystem {
	set(&s.Name, u.Name)
	set(&s.Purpose, u.Purpose)
	set(&s.Description, u.Description)
	set(&s.OwnerID, u.OwnerID)
	set(&s.BusinessUnit, u.BusinessUnit)
	set(&s.Site, u.Site)
	set(&s.OperatorRoles, u.OperatorRoles)
	set(&s.LifecycleStage, u.LifecycleStage)
	set(&s.Autonomy, u.Autonomy)
	set(&s.ImpactDomains, u.ImpactDomains)
	set(&s.Techniques, u.Techniques)
	set(&s.SupplierID, u.SupplierID)
	set(&s.InScope, u.InScope)
	set(&s.ScopeJustification, u.ScopeJustification)
	set(&s.Tags, u.Tags)
	return s
}

// SystemFilter selects AI systems. Empty fields do not filter.
type SystemFilter struct {
	Search         string // part of the name, any case
	LifecycleStage LifecycleStage
	OwnerID        string
	Autonomy       Autonomy
	ImpactDomain   ImpactDomain
	InScope        *bool
	SupplierID     string
	Tag            string
	Sort           string // "name" (default), "-updated_at", "updated_at", "-name"
	Page
}

// SystemSorts lists the accepted sort keys.
func SystemSorts() []string { return []string{"name", "-name", "updated_at", "-updated_at"} }

// OperatorRole is the organization's role for an AI system, in the terms of
// ISO/IEC 22989 and the EU AI Act operators (Regulation 2024/1689 Art. 3).
type OperatorRole string

// The operator roles.
const (
	OperatorProvider    OperatorRole = "provider"
	OperatorDeveloper   OperatorRole = "developer"
	OperatorDeployer    OperatorRole = "deployer"
	OperatorImporter    OperatorRole = "importer"
	OperatorDistributor OperatorRole = "distributor"
)

// OperatorRoleValues lists the operator roles.
func OperatorRoleValues() []OperatorRole {
	return []OperatorRole{OperatorProvider, OperatorDeveloper, OperatorDeployer, OperatorImporter, OperatorDistributor}
}

// IsValid reports whether r is a known operator role.
func (r OperatorRole) IsValid() bool { return enumValid(r, OperatorRoleValues()) }

// LifecycleStage is where an AI system is in its life cycle (ISO/IEC 42001
// A.6.2; ISO/IEC 22989 clause 6).
type LifecycleStage string

// The lifecycle stages.
const (
	StageIdea         LifecycleStage = "idea"
	StageDesign       LifecycleStage = "design"
	StageDevelopment  LifecycleStage = "development"
	StageVerification LifecycleStage = "verification_and_validation"
	StageDeployed     LifecycleStage = "deployed"
	StageSuspended    LifecycleStage = "suspended"
	StageRetired      LifecycleStage = "retired"
)

// LifecycleStageValues lists the stages in life-cycle order.
func LifecycleStageValues() []LifecycleStage {
	return []LifecycleStage{StageIdea, StageDesign, StageDevelopment, StageVerification, StageDeployed, StageSuspended, StageRetired}
}

// IsValid reports whether s is a known stage.
func (s LifecycleStage) IsValid() bool { return enumValid(s, LifecycleStageValues()) }

// Title is the stage's name for people.
func (s LifecycleStage) Title() string {
	if s == StageVerification {
		return "Verification and validation"
	}
	return titleOf(string(s))
}

// Autonomy is how far an AI system acts without a person (ISO/IEC 22989
// 5.12 levels of automation, simplified to what oversight needs to know).
type Autonomy string

// The autonomy levels, from least to most autonomous.
const (
	AutonomyAdvisory      Autonomy = "advisory"       // advises a human, who decides
	AutonomyHumanApproval Autonomy = "human_approval" // a human approves each action
	AutonomyHumanOverride Autonomy = "human_override" // acts; a human can override
	AutonomyAutonomous    Autonomy = "autonomous"     // acts on its own
)

// AutonomyValues lists the autonomy levels.
func AutonomyValues() []Autonomy {
	return []Autonomy{AutonomyAdvisory, AutonomyHumanApproval, AutonomyHumanOverride, AutonomyAutonomous}
}

// IsValid reports whether a is a known autonomy level.
func (a Autonomy) IsValid() bool { return enumValid(a, AutonomyValues()) }

// Title is the autonomy level's name for people.
func (a Autonomy) Title() string {
	switch a {
	case AutonomyAdvisory:
		return "Advises a human"
	case AutonomyHumanApproval:
		return "Human approves each action"
	case AutonomyHumanOverride:
		return "Acts with human override"
	case AutonomyAutonomous:
		return "Acts autonomously"
	}
	return string(a)
}

// ImpactDomain is an area in which an AI system's outputs can cause harm or
// benefit (ISO/IEC 42001 6.1.4 and A.5).
type ImpactDomain string

// The impact domains.
const (
	DomainSafety            ImpactDomain = "safety"
	DomainHealth            ImpactDomain = "health"
	DomainQuality           ImpactDomain = "quality"
	DomainEnvironment       ImpactDomain = "environment"
	DomainFundamentalRights ImpactDomain = "fundamental_rights"
	DomainEmployment        ImpactDomain = "employment"
	DomainCreditFinance     ImpactDomain = "credit_and_finance"
	DomainPrivacy           ImpactDomain = "privacy"
	DomainSecurity          ImpactDomain = "security"
)

// ImpactDomainValues lists the impact domains.
func ImpactDomainValues() []ImpactDomain {
	return []ImpactDomain{DomainSafety, DomainHealth, DomainQuality, DomainEnvironment, DomainFundamentalRights, DomainEmployment, DomainCreditFinance, DomainPrivacy, DomainSecurity}
}

// IsValid reports whether d is a known impact domain.
func (d ImpactDomain) IsValid() bool { return enumValid(d, ImpactDomainValues()) }

// Title is the domain's name for people.
func (d ImpactDomain) Title() string { return titleOf(string(d)) }
