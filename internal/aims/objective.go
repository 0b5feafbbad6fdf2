package aims

import (
	"math"
	"time"
)

// Objective is an AI objective (ISO/IEC 42001 6.2): what the organization
// means to reach, by when, who owns it, and how it is measured, either
// computed from the records by an indicator of a closed set or entered by
// hand with evidence.
type Objective struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	OwnerID     string `json:"owner_id"`
	OwnerName   string `json:"owner_name,omitempty"`
	// The target: the measured value compared with TargetValue, in Unit.
	Comparison  Comparison    `json:"comparison"`
	TargetValue *float64      `json:"target_value"`
	Unit        string        `json:"unit"`
	DueDate     *Date         `json:"due_date"`
	Cadence     Cadence       `json:"cadence"`
	Resources   string        `json:"resources" doc:"What the objective needs: people's time, tools, budget"`
	Evaluation  string        `json:"evaluation" doc:"How the results are evaluated, and by whom"`
	Measure     MeasureKind   `json:"measure"`
	Indicator   IndicatorName `json:"indicator,omitempty" doc:"The computed indicator, when the measure is computed"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	// Filled on reading, not stored with the objective.
	Latest       *Measurement    `json:"latest,omitempty"`
	Status       ObjectiveStatus `json:"status"`
	StatusReason string          `json:"status_reason"`
}

// AuditLabel names the objective in the audit trail.
func (o *Objective) AuditLabel() string { return o.Title }

// Normalize trims text fields; a computed measure takes its indicator's
// unit.
func (o *Objective) Normalize() {
	o.Title = CleanText(o.Title)
	o.Description = CleanText(o.Description)
	o.Unit = CleanText(o.Unit)
	o.Resources = CleanText(o.Resources)
	o.Evaluation = CleanText(o.Evaluation)
	if o.Measure == MeasureManual {
		o.Indicator = ""
	}
	if o.Measure == MeasureComputed && o.Indicator.IsValid() {
		o.Unit = o.Indicator.Unit()
	}
	o.Latest, o.Status, o.StatusReason = nil, "", ""
}

// Validate checks the fields a person enters: a measure and a target are
// required, and a computed measure names a known indicator.
func (o *Objective) Validate() error {
	var v Validation
	v.Required("title", o.Title)
	v.MaxLen("title", o.Title, 200)
	v.MaxLen("description", o.Description, 20000)
	v.Required("owner_id", o.OwnerID)
	switch {
	case o.Measure == "":
		v.Add("measure", "say how the objective is measured: %s", joinValues(MeasureKindValues()))
	case !o.Measure.IsValid():
		v.Add("measure", "must be one of %s", joinValues(MeasureKindValues()))
	case o.Measure == MeasureComputed && o.Indicator == "":
		v.Add("indicator", "name the indicator that computes the measure, one of %s", joinValues(IndicatorNameValues()))
	case o.Measure == MeasureComputed && !o.Indicator.IsValid():
		v.Add("indicator", "is not a known indicator: use one of %s", joinValues(IndicatorNameValues()))
	}
	switch {
	case o.Comparison == "":
		v.Add("comparison", "say how the measure meets the target: %s", joinValues(ComparisonValues()))
	case !o.Comparison.IsValid():
		v.Add("comparison", "must be one of %s", joinValues(ComparisonValues()))
	}
	switch {
	case o.TargetValue == nil:
		v.Add("target_value", "give the target as a number")
	case math.IsNaN(*o.TargetValue) || math.IsInf(*o.TargetValue, 0):
		v.Add("target_value", "must be a finite number")
	}
	if o.Measure == MeasureManual {
		v.Required("unit", o.Unit)
	}
	v.MaxLen("unit", o.Unit, 40)
	if o.DueDate == nil || o.DueDate.IsZero() {
		v.Add("due_date", "give the date by which the target is to be met")
	}
	switch {
	case o.Cadence == "":
		v.Add("cadence", "say how often it is measured: %s", joinValues(CadenceValues()))
	case !o.Cadence.IsValid():
		v.Add("cadence", "must be one of %s", joinValues(CadenceValues()))
	}
	v.MaxLen("resources", o.Resources, 20000)
	v.MaxLen("evaluation", o.Evaluation, 20000)
	return v.Err()
}

// Met reports whether value meets the objective's target.
func (o *Objective) Met(value float64) bool {
	if o.TargetValue == nil {
		return false
	}
	return o.Comparison.Holds(value, *o.TargetValue)
}

// ObjectiveUpdate changes some fields of an objective; nil means unchanged.
type ObjectiveUpdate struct {
	Title       *string        `json:"title,omitempty"`
	Description *string        `json:"description,omitempty"`
	OwnerID     *string        `json:"owner_id,omitempty"`
	Comparison  *Comparison    `json:"comparison,omitempty"`
	TargetValue *float64       `json:"target_value,omitempty"`
	Unit        *string        `json:"unit,omitempty"`
	DueDate     *Date          `json:"due_date,omitempty"`
	Cadence     *Cadence       `json:"cadence,omitempty"`
	Resources   *string        `json:"resources,omitempty"`
	Evaluation  *string        `json:"evaluation,omitempty"`
	Measure     *MeasureKind   `json:"measure,omitempty"`
	Indicator   *IndicatorName `json:"indicator,omitempty"`
}

// Apply returns a copy of o with the update's fields set.
func (u ObjectiveUpdate) Apply(o Objective) Objective {
	set(&o.Title, u.Title)
	set(&o.Description, u.Description)
	set(&o.OwnerID, u.OwnerID)
	set(&o.Comparison, u.Comparison)
	if u.TargetValue != nil {
		v := *u.TargetValue
		o.TargetValue = &v
	}
	set(&o.Unit, u.Unit)
	if u.DueDate != nil {
		d := *u.DueDate
		o.DueDate = &d
	}
	set(&o.Cadence, u.Cadence)
	set(&o.Resources, u.Resources)
	set(&o.Evaluation, u.Evaluation)
	set(&o.Measure, u.Measure)
	set(&o.Indicator, u.Indicator)
	return o
}

// ObjectiveFilter selects objectives.
type ObjectiveFilter struct {
	Search  string // part of the title, any case
	Measure MeasureKind
	// Sort is the order: due (the default), title, owner or updated_at,
	// with a leading "-" for the reverse.
	Sort string
	Page
}

// ObjectiveSorts are the orders ObjectiveFilter.Sort accepts.
func ObjectiveSorts() []string {
	return []string{"due", "-due", "title", "-title", "owner", "-owner", "updated_at", "-updated_at"}
}

// Measurement is one measured value of an objective: when, the value, the
// counts it was computed from (or, entered by hand, the evidence), sealed in
// the organization's log like every governance record (ISO/IEC 42001 9.1).
type Measurement struct {
	ID          string       `json:"id"`
	ObjectiveID string       `json:"objective_id"`
	MeasuredAt  time.Time    `json:"measured_at"`
	Value       float64      `json:"value"`
	Source      MeasureKind  `json:"source" doc:"computed from the records, or entered by hand"`
	Inputs      []InputCount `json:"inputs" doc:"The counts a computed value was made from"`
	Evidence    string       `json:"evidence" doc:"For a value entered by hand: a link to or a note of the evidence"`
	Note        string       `json:"note"`
	RecordedBy  string       `json:"recorded_by"`
	Met         bool         `json:"met" doc:"Whether the value met the target in force when it was measured"`
}

// AuditLabel names the measurement in the audit trail.
func (m *Measurement) AuditLabel() string { return "measurement of " + m.MeasuredAt.Format(DateLayout) }

// Normalize trims text fields.
func (m *Measurement) Normalize() {
	m.Evidence = CleanText(m.Evidence)
	m.Note = CleanText(m.Note)
	if m.Inputs == nil {
		m.Inputs = []InputCount{}
	}
}

// Validate checks a measurement entered by hand: a finite value and its
// evidence.
func (m *Measurement) Validate() error {
	var v Validation
	if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
		v.Add("value", "must be a finite number")
	}
	if m.Source == MeasureManual {
		v.Required("evidence", m.Evidence)
	}
	v.MaxLen("evidence", m.Evidence, 2000)
	v.MaxLen("note", m.Note, 20000)
	return v.Err()
}

// InputCount is one count an indicator's value was computed from, such as
// the number of in-scope systems.
type InputCount struct {
	Name  string `json:"input" doc:"What was counted, e.g. in_scope_systems"`
	Count int    `json:"count"`
}

// EntityObjective and EntityMeasurement are the audit trail's names of
// objectives and their measurements.
const (
	EntityObjective   = "objective"
	EntityMeasurement = "objective_measurement"
)

// Comparison is how a measured value meets a target.
type Comparison string

// The comparisons.
const (
	AtLeast Comparison = "at_least"
	AtMost  Comparison = "at_most"
)

// ComparisonValues lists the comparisons.
func ComparisonValues() []Comparison { return []Comparison{AtLeast, AtMost} }

// IsValid reports whether c is a known comparison.
func (c Comparison) IsValid() bool { return enumValid(c, ComparisonValues()) }

// Title is the comparison for people.
func (c Comparison) Title() string {
	if c == AtMost {
		return "At most"
	}
	return "At least"
}

// Holds reports whether value compares with target as c says.
func (c Comparison) Holds(value, target float64) bool {
	if c == AtMost {
		return value <= target
	}
	return value >= target
}

// Cadence is how often an objective is measured.
type Cadence string

// The cadences.
const (
	Weekly    Cadence = "weekly"
	Monthly   Cadence = "monthly"
	Quarterly Cadence = "quarterly"
)

// CadenceValues lists the cadences.
func CadenceValues() []Cadence { return []Cadence{Weekly, Monthly, Quarterly} }

// IsValid reports whether c is a known cadence.
func (c Cadence) IsValid() bool { return enumValid(c, CadenceValues()) }

// Title is the cadence for people.
func (c Cadence) Title() string { return titleOf(string(c)) }

// Period is the time between two measurements.
func (c Cadence) Period() time.Duration {
	switch c {
	case Weekly:
		return 7 * 24 * time.Hour
	case Quarterly:
		return 91 * 24 * time.Hour
	}
	return 30 * 24 * time.Hour
}

// MeasureKind is how an objective is measured.
type MeasureKind string

// The measure kinds.
const (
	MeasureComputed MeasureKind = "computed"
	MeasureManual   MeasureKind = "manual"
)

// MeasureKindValues lists the measure kinds.
func MeasureKindValues() []MeasureKind { return []MeasureKind{MeasureComputed, MeasureManual} }

// IsValid reports whether k is a known measure kind.
func (k MeasureKind) IsValid() bool { return enumValid(k, MeasureKindValues()) }

// Title is the measure kind for people.
func (k MeasureKind) Title() string {
	if k == MeasureManual {
		return "Entered by hand"
	}
	return "Computed from the records"
}

// ObjectiveStatus is where an objective stands against its target and
// due date.
type ObjectiveStatus string

// The objective statuses.
const (
	OnTrack     ObjectiveStatus = "on_track"
	AtRisk      ObjectiveStatus = "at_risk"
	OffTrack    ObjectiveStatus = "off_track"
	NotMeasured ObjectiveStatus = "not_measured"
)

// ObjectiveStatusValues lists the statuses, best first.
func ObjectiveStatusValues() []ObjectiveStatus {
	return []ObjectiveStatus{OnTrack, AtRisk, OffTrack, NotMeasured}
}

// IsValid reports whether s is a known status.
func (s ObjectiveStatus) IsValid() bool { return enumValid(s, ObjectiveStatusValues()) }

// Title is the status for people.
func (s ObjectiveStatus) Title() string {
	switch s {
	case OnTrack:
		return "On track"
	case AtRisk:
		return "At risk"
	case OffTrack:
		return "Off track"
	}
	return "Not measured yet"
}

// IndicatorName names one of the computed indicators, a closed set: each
// is computed from the organization's records by package indicator.
type IndicatorName string

// The indicators.
const (
	IndicatorImpactCurrent       IndicatorName = "impact_assessments_current"
	IndicatorHighImpactValidated IndicatorName = "high_impact_validated"
	IndicatorOverdueActions      IndicatorName = "overdue_treatment_actions"
	IndicatorControlsImplemented IndicatorName = "controls_implemented"
	IndicatorRiskAboveAppetite   IndicatorName = "risks_above_appetite_median_age"
	IndicatorLiteracyCurrent     IndicatorName = "ai_literacy_current"
)

// IndicatorNameValues lists the indicators.
func IndicatorNameValues() []IndicatorName {
	return []IndicatorName{IndicatorImpactCurrent, IndicatorHighImpactValidated, IndicatorOverdueActions,
		IndicatorControlsImplemented, IndicatorRiskAboveAppetite, IndicatorLiteracyCurrent}
}

// IsValid reports whether n is a known indicator.
func (n IndicatorName) IsValid() bool { return enumValid(n, IndicatorNameValues()) }

// Title is the indicator's name for people.
func (n IndicatorName) Title() string {
	switch n {
	case IndicatorImpactCurrent:
		return "In-scope systems with a current impact assessment"
	case IndicatorHighImpactValidated:
		return "High-impact systems whose deployed model version has approved validation evidence"
	case IndicatorOverdueActions:
		return "Open risk treatment actions past their due date"
	case IndicatorControlsImplemented:
		return "Applicable controls implemented"
	case IndicatorRiskAboveAppetite:
		return "Median age of open risks above appetite"
	case IndicatorLiteracyCurrent:
		return "People working with AI who have current AI literacy training"
	}
	return titleOf(string(n))
}

// Unit is the unit of the indicator's value.
func (n IndicatorName) Unit() string {
	switch n {
	case IndicatorOverdueActions:
		return "actions"
	case IndicatorRiskAboveAppetite:
		return "days"
	}
	return "%"
}

// inputTitles names, for people, the counts the indicators are computed
// from (package indicator names its inputs with these keys).
var inputTitles = map[string]string{
	"in_scope_systems": "In-scope AI systems", "current": "Current", "out_of_date": "Out of date", "not_assessed": "Not assessed",
	"high_impact_systems": "High-impact AI systems", "validated": "Validated", "no_deployed_version": "No deployed model version",
	"open_actions": "Open actions", "with_due_date": "With a due date", "overdue": "Overdue",
	"controls": "Controls", "applicable": "Applicable", "implemented": "Implemented",
	"open_risks": "Open risks", "above_appetite": "Above appetite",
	"people_touching_ai": "People whose work touches AI", "sufficient": "Sufficient", "gap": "Gap", "expired": "Expired",
}

// InputNames lists the names of the indicators' input counts.
func InputNames() []string {
	out := make([]string, 0, len(inputTitles))
	for n := range inputTitles {
		out = append(out, n)
	}
	return out
}

// InputTitle is an input count's name for people.
func InputTitle(name string) string {
	if t, ok := inputTitles[name]; ok {
		return t
	}
	return titleOf(name)
}

// MeasurementDue reports whether a computed objective is due for a
// scheduled measurement at now: never measured, or its latest measurement
// is a cadence period old (ISO/IEC 42001 9.1).
func (o *Objective) MeasurementDue(now time.Time) bool {
	return o.Measure == MeasureComputed && (o.Latest == nil || now.Sub(o.Latest.MeasuredAt) >= o.Cadence.Period())
}
