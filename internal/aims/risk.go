package aims

import (
	"time"
)

// Risk is one AI risk in the organization's risk register (ISO/IEC 42001
// 6.1.2 and 8.2 assessment, 6.1.3 and 8.3 treatment): a risk of the whole
// organization, or of one AI system. Its levels are computed by aims from
// the risk criteria, never taken from the caller.
type Risk struct {
	ID              string           `json:"id"`
	Number          int              `json:"number" doc:"The risk's number in the register, shown as R-N"`
	SystemID        string           `json:"system_id,omitempty" doc:"The AI system the risk belongs to; empty for a risk of the organization"`
	SystemName      string           `json:"system_name,omitempty"`
	Title           string           `json:"title"`
	Description     string           `json:"description"`
	Source          RiskSource       `json:"source"`
	Characteristics []Characteristic `json:"characteristics" doc:"The NIST AI RMF trustworthiness characteristics at stake"`
	LifecycleStage  LifecycleStage   `json:"lifecycle_stage,omitempty" doc:"The life-cycle stage in which the risk arises"`
	OwnerID         string           `json:"owner_id"`
	OwnerName       string           `json:"owner_name,omitempty"`
	OwnerEmail      string           `json:"owner_email,omitempty"`
	// CriteriaVersion is the version of the risk criteria the levels were
	// computed with.
	CriteriaVersion     int             `json:"criteria_version"`
	Likelihood          int             `json:"inherent_likelihood"`
	Consequence         int             `json:"inherent_consequence"`
	Level               string          `json:"inherent_level" doc:"Computed from the criteria"`
	Treatment           TreatmentOption `json:"treatment,omitempty"`
	TreatmentPlan       string          `json:"treatment_plan"`
	Controls            []string        `json:"controls" doc:"The ISO/IEC 42001 Annex A controls that treat the risk, e.g. A.6.2.4"`
	ResidualLikelihood  int             `json:"residual_likelihood,omitempty" doc:"0 while the residual risk is not assessed"`
	ResidualConsequence int             `json:"residual_consequence,omitempty"`
	ResidualLevel       string          `json:"residual_level,omitempty" doc:"Computed from the criteria"`
	Status              RiskStatus      `json:"status"`
	Acceptance          *RiskAcceptance `json:"acceptance,omitempty"`
	NextReview          *Date           `json:"next_review,omitempty"`
	// AssessmentID and ImpactArea link a risk raised from an impact
	// assessment to the assessment and area it came from.
	AssessmentID string     `json:"impact_assessment_id,omitempty"`
	ImpactArea   ImpactArea `json:"impact_area,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	// LevelRank and ResidualRank order the levels within the criteria
	// version they come from, for sorting the register (-1: none).
	LevelRank    int `json:"-"`
	ResidualRank int `json:"-"`
	// Filled on reading, not stored with the risk.
	Actions        []*TreatmentAction `json:"actions,omitempty"`
	Issues         []RiskIssue        `json:"inconsistencies,omitempty" doc:"Problems to resolve, e.g. a treating control the SoA excludes"`
	Overdue        bool               `json:"overdue" doc:"The review date or an open action's due date has passed"`
	CurrentLevel   string             `json:"level" doc:"The residual level when assessed, else the inherent level"`
	OverdueActions int                `json:"overdue_actions,omitempty"`
	OverdueReview  bool               `json:"overdue_review,omitempty"`
}

// RiskAcceptance records who accepted (retained) a risk, when and why
// (6.1.3 f: acceptance of residual risks).
type RiskAcceptance struct {
	ByID      string    `json:"by_id"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Rationale string    `json:"rationale"`
	Level     string    `json:"level" doc:"The level that was accepted"`
}

// RiskIssue is an inconsistency to resolve.
type RiskIssue struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// Ref is the risk's reference for people: R-7.
func (r *Risk) Ref() string { return "R-" + itoa(r.Number) }

// AuditLabel names the risk in the audit trail.
func (r *Risk) AuditLabel() string { return r.Ref() + " " + r.Title }

// HasResidual reports whether the residual risk has been assessed.
func (r *Risk) HasResidual() bool { return r.ResidualLikelihood > 0 && r.ResidualConsequence > 0 }

// Current is the level that stands: residual when assessed, else inherent.
func (r *Risk) Current() string {
	if r.HasResidual() && r.ResidualLevel != "" {
		return r.ResidualLevel
	}
	return r.Level
}

// Normalize trims text fields and drops repeated controls.
func (r *Risk) Normalize() {
	r.Title = CleanText(r.Title)
	r.Description = CleanText(r.Description)
	r.SystemID = CleanText(r.SystemID)
	r.OwnerID = CleanText(r.OwnerID)
	r.TreatmentPlan = CleanText(r.TreatmentPlan)
	r.Source.ID = CleanText(r.Source.ID)
	r.Source.Text = CleanText(r.Source.Text)
	r.Controls = cleanList(r.Controls)
	if r.Characteristics == nil {
		r.Characteristics = []Characteristic{}
	}
	if r.Status == "" {
		r.Status = RiskOpen
	}
}

// Validate checks the fields a person enters. The scales, the owner, the
// system and the controls are checked by the service against the criteria,
// the members and the catalog.
func (r *Risk) Validate() error {
	var v Validation
	v.Required("title", r.Title)
	v.MaxLen("title", r.Title, 200)
	v.MaxLen("description", r.Description, 20000)
	r.Source.validate(&v)
	ValidateSet(&v, "characteristics", r.Characteristics, Characteristic.IsValid, "trustworthiness characteristic")
	if r.LifecycleStage != "" && !r.LifecycleStage.IsValid() {
		v.Add("lifecycle_stage", "must be one of %s", joinValues(LifecycleStageValues()))
	}
	v.Required("owner_id", r.OwnerID)
	if r.Treatment != "" && !r.Treatment.IsValid() {
		v.Add("treatment", "must be one of %s", joinValues(TreatmentOptionValues()))
	}
	v.MaxLen("treatment_plan", r.TreatmentPlan, 20000)
	if len(r.Controls) > 50 {
		v.Add("controls", "at most 50 controls")
	}
	if (r.ResidualLikelihood == 0) != (r.ResidualConsequence == 0) {
		if r.ResidualLikelihood == 0 {
			v.Add("residual_likelihood", "give the residual likelihood with the residual consequence")
		} else {
			v.Add("residual_consequence", "give the residual consequence with the residual likelihood")
		}
	}
	if !r.Status.IsValid() {
		v.Add("status", "must be one of %s", joinValues(RiskStatusValues()))
	}
	return v.Err()
}

// RiskUpdate changes some fields of a risk; nil means unchanged. A zero
// residual likelihood and consequence clear the residual assessment; an
// empty SystemID makes the risk the organization's; a zero NextReview
// clears it.
type RiskUpdate struct {
	SystemID            *string           `json:"system_id,omitempty"`
	Title               *string           `json:"title,omitempty"`
	Description         *string           `json:"description,omitempty"`
	Source              *RiskSource       `json:"source,omitempty"`
	Characteristics     *[]Characteristic `json:"characteristics,omitempty"`
	LifecycleStage      *LifecycleStage   `json:"lifecycle_stage,omitempty"`
	OwnerID             *string           `json:"owner_id,omitempty"`
	Likelihood          *int              `json:"inherent_likelihood,omitempty"`
	Consequence         *int              `json:"inherent_consequence,omitempty"`
	Treatment           *TreatmentOption  `json:"treatment,omitempty"`
	TreatmentPlan       *string           `json:"treatment_plan,omitempty"`
	Controls            *[]string         `json:"controls,omitempty"`
	ResidualLikelihood  *int              `json:"residual_likelihood,omitempty"`
	ResidualConsequence *int              `json:"residual_consequence,omitempty"`
	Status              *RiskStatus       `json:"status,omitempty"`
	NextReview          *Date             `json:"next_review,omitempty"`
}

// Apply returns a copy of r with the update's fields set.
func (u RiskUpdate) Apply(r Risk) Risk {
	set(&r.SystemID, u.SystemID)
	set(&r.Title, u.Title)
	set(&r.Description, u.Description)
	set(&r.Source, u.Source)
	set(&r.Characteristics, u.Characteristics)
	set(&r.LifecycleStage, u.LifecycleStage)
	set(&r.OwnerID, u.OwnerID)
	set(&r.Likelihood, u.Likelihood)
	set(&r.Consequence, u.Consequence)
	set(&r.Treatment, u.Treatment)
	set(&r.TreatmentPlan, u.TreatmentPlan)
	set(&r.Controls, u.Controls)
	set(&r.ResidualLikelihood, u.ResidualLikelihood)
	set(&r.ResidualConsequence, u.ResidualConsequence)
	set(&r.Status, u.Status)
	if u.NextReview != nil {
		r.NextReview = nonZeroDate(*u.NextReview)
	}
	return r
}

// RiskFilter selects risks of the register. Empty fields do not filter.
type RiskFilter struct {
	SystemID string // a system's id, or "none" for the organization's own risks
	Level    string // the current level: residual when assessed, else inherent
	OwnerID  string
	Status   RiskStatus
	Overdue  bool
	Search   string // part of the title, any case
	Control  string // an ISO/IEC 42001 control that treats the risk, e.g. A.6.2.4
	Today    Date   // what "overdue" is measured against; set by the service
	Sort     string // one of RiskSorts; empty is "-level" (highest first)
	Page
}

// RiskSorts lists the accepted risk orders: a key, or a key after "-" for
// the reverse. A level sorts by the current level (residual when assessed);
// risks without a review date come last either way.
func RiskSorts() []string {
	return []string{"-level", "level", "next_review", "-next_review", "title", "-title", "number", "-number"}
}

// RiskStatus is where a risk stands in its treatment.
type RiskStatus string

// The risk statuses. Accepted is reached only by recording an acceptance.
const (
	RiskOpen        RiskStatus = "open"
	RiskInTreatment RiskStatus = "in_treatment"
	RiskAccepted    RiskStatus = "accepted"
	RiskClosed      RiskStatus = "closed"
)

// RiskStatusValues lists the statuses in order.
func RiskStatusValues() []RiskStatus {
	return []RiskStatus{RiskOpen, RiskInTreatment, RiskAccepted, RiskClosed}
}

// IsValid reports whether s is a known status.
func (s RiskStatus) IsValid() bool { return enumValid(s, RiskStatusValues()) }

// Title is the status's name for people.
func (s RiskStatus) Title() string { return titleOf(string(s)) }

// TreatmentOption is how a risk is treated (6.1.3 a), in the terms of
// ISO 31000.
type TreatmentOption string

// The treatment options.
const (
	TreatMitigate TreatmentOption = "mitigate" // modify the likelihood or the consequence
	TreatAvoid    TreatmentOption = "avoid"    // stop the activity that gives rise to it
	TreatShare    TreatmentOption = "share"    // transfer it, e.g. by contract or insurance
	TreatRetain   TreatmentOption = "retain"   // accept it by an informed decision
)

// TreatmentOptionValues lists the options.
func TreatmentOptionValues() []TreatmentOption {
	return []TreatmentOption{TreatMitigate, TreatAvoid, TreatShare, TreatRetain}
}

// IsValid reports whether o is a known option.
func (o TreatmentOption) IsValid() bool { return enumValid(o, TreatmentOptionValues()) }

// Title is the option's name for people.
func (o TreatmentOption) Title() string {
	switch o {
	case TreatMitigate:
		return "Modify (mitigate)"
	case TreatAvoid:
		return "Avoid"
	case TreatShare:
		return "Share (transfer)"
	case TreatRetain:
		return "Retain (accept)"
	}
	return "Not decided"
}

// Entity types of the risk and impact records in the audit trail.
const (
	EntityRiskCriteria     = "risk_criteria"
	EntityRisk             = "risk"
	EntityRiskAction       = "risk_action"
	EntityImpactAssessment = "impact_assessment"
)
