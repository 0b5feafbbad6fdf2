package aims

import (
	"slices"
	"strings"
	"time"
)

// ImpactAssessment is one version of the impact assessment of an AI system
// (ISO/IEC 42001 6.1.4 and 8.4; controls A.5.2 to A.5.5): what the system
// is for and how it could be misused, who it affects, and for each impact
// area how severe and likely the harm is, how many people it reaches, what
// mitigates it and what impact remains. The system's owner signs it off;
// it is then frozen, and a later change of the system marks it out of date.
type ImpactAssessment struct {
	ID                  string                 `json:"id"`
	SystemID            string                 `json:"system_id"`
	SystemName          string                 `json:"system_name,omitempty"`
	Version             int                    `json:"version"`
	Status              AssessmentStatus       `json:"status"`
	IntendedUse         string                 `json:"intended_use"`
	ForeseeableMisuse   string                 `json:"foreseeable_misuse"`
	AffectedParties     []AffectedParty        `json:"affected_parties"`
	AffectedDescription string                 `json:"affected_description" doc:"Who exactly is affected, and how many"`
	Areas               []ImpactAreaAssessment `json:"areas" doc:"One entry per impact area, in a fixed order"`
	Conclusion          string                 `json:"conclusion"`
	CreatedAt           time.Time              `json:"created_at"`
	CreatedBy           string                 `json:"created_by"`
	UpdatedAt           time.Time              `json:"updated_at"`
	SignedOffAt         *time.Time             `json:"signed_off_at,omitempty"`
	SignedOffByID       string                 `json:"signed_off_by_id,omitempty"`
	SignedOffBy         string                 `json:"signed_off_by,omitempty"`
	// Snapshot is the system as it was at sign-off, against which later
	// changes are measured.
	Snapshot *SystemSnapshot `json:"snapshot,omitempty"`
	// Filled on reading.
	OutOfDate []string `json:"out_of_date_reasons,omitempty" doc:"Why the system changed significantly since sign-off; empty while current"`
}

// AuditLabel names the assessment in the audit trail.
func (a *ImpactAssessment) AuditLabel() string {
	return "Impact assessment v" + itoa(a.Version) + " of " + a.SystemName
}

// Area returns the entry of area, or nil.
func (a *ImpactAssessment) Area(area ImpactArea) *ImpactAreaAssessment {
	for i := range a.Areas {
		if a.Areas[i].Area == area {
			return &a.Areas[i]
		}
	}
	return nil
}

// HighestResidual is the highest residual impact of any area, and that
// area; ResidualNone when no area has one.
func (a *ImpactAssessment) HighestResidual() (ImpactLevel, ImpactArea) {
	best, area := ResidualNone, ImpactArea("")
	for _, x := range a.Areas {
		if !x.NotApplicable && x.Residual.Rank() > best.Rank() {
			best, area = x.Residual, x.Area
		}
	}
	return best, area
}

// ImpactAreaAssessment is the assessment of one impact area.
type ImpactAreaAssessment struct {
	Area          ImpactArea  `json:"area"`
	NotApplicable bool        `json:"not_applicable" doc:"The area does not apply to this system; say why in notes"`
	Severity      int         `json:"severity" minimum:"0" maximum:"5" doc:"1 negligible to 5 severe; 0 not assessed yet"`
	Likelihood    int         `json:"likelihood" minimum:"0" maximum:"5" doc:"1 rare to 5 almost certain; 0 not assessed yet"`
	People        string      `json:"people_affected" doc:"Who and how many people the impact reaches"`
	Mitigations   string      `json:"mitigations"`
	Residual      ImpactLevel `json:"residual_impact,omitempty" enum:"none,low,medium,high"`
	Notes         string      `json:"notes"`
	// LinkedRisks are the risks raised from this area; filled on reading.
	LinkedRisks []RiskLink `json:"linked_risks,omitempty" readOnly:"true"`
}

// RiskLink names a risk briefly.
type RiskLink struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	Title  string `json:"title"`
}

// Blank reports what is missing for the area to count as assessed: every
// field, or, for an area that does not apply, the reason.
func (x *ImpactAreaAssessment) Blank() []string {
	if x.NotApplicable {
		if x.Notes == "" {
			return []string{"the reason it does not apply (notes)"}
		}
		return nil
	}
	var out []string
	if x.Severity == 0 {
		out = append(out, "severity")
	}
	if x.Likelihood == 0 {
		out = append(out, "likelihood")
	}
	if x.People == "" {
		out = append(out, "people affected")
	}
	if x.Mitigations == "" {
		out = append(out, "mitigations")
	}
	if x.Residual == "" {
		out = append(out, "residual impact")
	}
	return out
}

// Normalize trims text, puts the areas in their fixed order and adds any
// area that is missing, blank.
func (a *ImpactAssessment) Normalize() {
	a.IntendedUse = CleanText(a.IntendedUse)
	a.ForeseeableMisuse = CleanText(a.ForeseeableMisuse)
	a.AffectedDescription = CleanText(a.AffectedDescription)
	a.Conclusion = CleanText(a.Conclusion)
	if a.AffectedParties == nil {
		a.AffectedParties = []AffectedParty{}
	}
	byArea := map[ImpactArea]ImpactAreaAssessment{}
	var unknown []ImpactAreaAssessment
	for _, x := range a.Areas {
		x.People = CleanText(x.People)
		x.Mitigations = CleanText(x.Mitigations)
		x.Notes = CleanText(x.Notes)
		if _, dup := byArea[x.Area]; dup || !x.Area.IsValid() {
			unknown = append(unknown, x) // Validate names it
			continue
		}
		byArea[x.Area] = x
	}
	areas := make([]ImpactAreaAssessment, 0, len(ImpactAreaValues()))
	for _, area := range ImpactAreaValues() {
		x, ok := byArea[area]
		if !ok {
			x = ImpactAreaAssessment{Area: area}
		}
		areas = append(areas, x)
	}
	a.Areas = append(areas, unknown...)
}

// Validate checks what a draft may hold; SignOffProblems checks that it is
// complete.
func (a *ImpactAssessment) Validate() error {
	var v Validation
	v.MaxLen("intended_use", a.IntendedUse, 20000)
	v.MaxLen("foreseeable_misuse", a.ForeseeableMisuse, 20000)
	v.MaxLen("affected_description", a.AffectedDescription, 20000)
	v.MaxLen("conclusion", a.Conclusion, 20000)
	ValidateSet(&v, "affected_parties", a.AffectedParties, AffectedParty.IsValid, "affected party")
	for i, x := range a.Areas {
		f := "areas/" + string(x.Area)
		if i >= len(ImpactAreaValues()) {
			v.Add("areas/"+itoa(i)+"/area", "%q is not a known impact area, or is listed twice", string(x.Area))
			continue
		}
		if x.Severity < 0 || x.Severity > 5 {
			v.Add(f+"/severity", "must be from 1 (negligible) to 5 (severe), or 0 while not assessed")
		}
		if x.Likelihood < 0 || x.Likelihood > 5 {
			v.Add(f+"/likelihood", "must be from 1 (rare) to 5 (almost certain), or 0 while not assessed")
		}
		if x.Residual != "" && !x.Residual.IsValid() {
			v.Add(f+"/residual_impact", "must be one of %s", joinValues(ImpactLevelValues()))
		}
		v.MaxLen(f+"/people_affected", x.People, 4000)
		v.MaxLen(f+"/mitigations", x.Mitigations, 20000)
		v.MaxLen(f+"/notes", x.Notes, 4000)
	}
	return v.Err()
}

// SignOffProblems lists what stops the assessment from being signed off:
// the intended use, who is affected, a conclusion, and every impact area
// assessed or marked as not applying with a reason. Each blank area is named.
func (a *ImpactAssessment) SignOffProblems() []FieldError {
	var out []FieldError
	add := func(field, detail string) { out = append(out, FieldError{Field: field, Detail: detail}) }
	if a.IntendedUse == "" {
		add("intended_use", "describe the intended use before signing off")
	}
	if len(a.AffectedParties) == 0 {
		add("affected_parties", "name who is affected: individuals, groups, society or the environment")
	}
	for _, x := range a.Areas {
		if missing := x.Blank(); len(missing) > 0 {
			add("areas/"+string(x.Area), x.Area.Title()+" is blank: give its "+strings.Join(missing, ", ")+", or mark it as not applying with a reason")
		}
	}
	if a.Conclusion == "" {
		add("conclusion", "write the conclusion before signing off")
	}
	return out
}

// ImpactAssessmentUpdate changes some fields of a draft; nil means
// unchanged. Areas replace the entries of the areas they name and leave the
// others.
type ImpactAssessmentUpdate struct {
	IntendedUse         *string                 `json:"intended_use,omitempty"`
	ForeseeableMisuse   *string                 `json:"foreseeable_misuse,omitempty"`
	AffectedParties     *[]AffectedParty        `json:"affected_parties,omitempty"`
	AffectedDescription *string                 `json:"affected_description,omitempty"`
	Areas               *[]ImpactAreaAssessment `json:"areas,omitempty"`
	Conclusion          *string                 `json:"conclusion,omitempty"`
}

// Apply returns a copy of a with the update's fields set.
func (u ImpactAssessmentUpdate) Apply(a ImpactAssessment) ImpactAssessment {
	set(&a.IntendedUse, u.IntendedUse)
	set(&a.ForeseeableMisuse, u.ForeseeableMisuse)
	set(&a.AffectedParties, u.AffectedParties)
	set(&a.AffectedDescription, u.AffectedDescription)
	set(&a.Conclusion, u.Conclusion)
	if u.Areas != nil {
		areas := slices.Clone(a.Areas)
		for _, x := range *u.Areas {
			if i := slices.IndexFunc(areas, func(y ImpactAreaAssessment) bool { return y.Area == x.Area }); i >= 0 {
				areas[i] = x
			} else {
				areas = append(areas, x)
			}
		}
		a.Areas = areas
	}
	return a
}

// AssessmentStatus is where a version of an impact assessment stands.
type AssessmentStatus string

// The statuses: a draft is edited; a signed-off version is frozen.
const (
	AssessmentDraft     AssessmentStatus = "draft"
	AssessmentSignedOff AssessmentStatus = "signed_off"
)

// Title is the status's name for people.
func (s AssessmentStatus) Title() string {
	if s == AssessmentSignedOff {
		return "Signed off"
	}
	return "Draft"
}
