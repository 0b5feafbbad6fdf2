package aims

import (
	"strings"
	"time"
)

// Entity types of data lineage, as the audit trail names them.
const (
	EntityInstrument  = "instrument"
	EntityCalibration = "calibration"
	EntityTag         = "tag"
	EntityFeature     = "feature"
)

// Instrument is a physical sensor or another source of data (an analyser,
// a laboratory, manual entry, software) whose readings become tags
// (ISO/IEC 42001 A.7.4 data quality, A.7.5 data provenance).
type Instrument struct {
	ID           string         `json:"id"`
	Name         string         `json:"name" doc:"Unique in the organization, any case (e.g. MT-301)"`
	Kind         InstrumentKind `json:"kind" enum:"sensor,analyser,meter,laboratory,manual_entry,software"`
	Description  string         `json:"description"`
	Location     string         `json:"location"`
	Manufacturer string         `json:"manufacturer"`
	SerialNumber string         `json:"serial_number"`
	// CalibrationRequired says whether readings are trusted only while a
	// calibration is in force (software and manual entry usually not).
	CalibrationRequired bool `json:"calibration_required"`
	// CalibrationIntervalDays is how often it is to be calibrated; 0 means
	// unspecified.
	CalibrationIntervalDays int       `json:"calibration_interval_days"`
	CreatedAt               time.Time `json:"created_at"`
	UpdatedAt               time.Time `json:"updated_at"`
	// CalibrationState is computed at read time from the calibration
	// records (read-only).
	CalibrationState CalibrationState `json:"calibration_state" enum:"in_calibration,out_of_calibration,never_calibrated,not_required" doc:"Read-only: computed from the calibration records now"`
	// CurrentCalibration is the passed or adjusted calibration in force now,
	// if any (read-only).
	CurrentCalibration *Calibration `json:"current_calibration,omitempty" doc:"Read-only: the passed or adjusted calibration in force now"`
	// Tags are the tags the instrument produces (read-only, on its detail).
	Tags []LineageRef `json:"tags,omitempty" doc:"Read-only: the tags it produces (on the detail only)"`
}

// AuditLabel names the instrument in the audit trail.
func (i *Instrument) AuditLabel() string { return i.Name }

// Normalize trims text fields.
func (i *Instrument) Normalize() {
	i.Name = CleanText(i.Name)
	i.Kind = InstrumentKind(CleanText(string(i.Kind)))
	i.Description = CleanText(i.Description)
	i.Location = CleanText(i.Location)
	i.Manufacturer = CleanText(i.Manufacturer)
	i.SerialNumber = CleanText(i.SerialNumber)
}

// Validate checks the fields a person enters.
func (i *Instrument) Validate() error {
	var v Validation
	v.Required("name", i.Name)
	v.MaxLen("name", i.Name, 200)
	if strings.ContainsAny(i.Name, ";\r\n") {
		v.Add("name", "must not contain ';' or a line break (';' separates entries in CSV)")
	}
	if !i.Kind.IsValid() {
		v.Add("kind", "must be one of %s", joinValues(InstrumentKindValues()))
	}
	v.MaxLen("description", i.Description, 20000)
	v.MaxLen("location", i.Location, 2000)
	v.MaxLen("manufacturer", i.Manufacturer, 2000)
	v.MaxLen("serial_number", i.SerialNumber, 200)
	if i.CalibrationIntervalDays < 0 || i.CalibrationIntervalDays > 36600 {
		v.Add("calibration_interval_days", "must be between 0 (unspecified) and 36600")
	}
	return v.Err()
}

// InstrumentUpdate changes some fields of an instrument; nil means
// unchanged.
type InstrumentUpdate struct {
	Name                    *string         `json:"name,omitempty"`
	Kind                    *InstrumentKind `json:"kind,omitempty" enum:"sensor,analyser,meter,laboratory,manual_entry,software"`
	Description             *string         `json:"description,omitempty"`
	Location                *string         `json:"location,omitempty"`
	Manufacturer            *string         `json:"manufacturer,omitempty"`
	SerialNumber            *string         `json:"serial_number,omitempty"`
	CalibrationRequired     *bool           `json:"calibration_required,omitempty"`
	CalibrationIntervalDays *int            `json:"calibration_interval_days,omitempty"`
}

// Apply returns a copy of i with the update's fields set.
func (u InstrumentUpdate) Apply(i Instrument) Instrument {
	set(&i.Name, u.Name)
	set(&i.Kind, u.Kind)
	set(&i.Description, u.Description)
	set(&i.Location, u.Location)
	set(&i.Manufacturer, u.Manufacturer)
	set(&i.SerialNumber, u.SerialNumber)
	set(&i.CalibrationRequired, u.CalibrationRequired)
	set(&i.CalibrationIntervalDays, u.CalibrationIntervalDays)
	return i
}

// InstrumentFilter selects instruments.
type InstrumentFilter struct {
	Query string // part of the name, any case
	Kind  InstrumentKind
	State CalibrationState
	Page
}

// InstrumentKind is what sort of source an instrument is.
type InstrumentKind string

// The instrument kinds.
const (
	InstrumentSensor      InstrumentKind = "sensor"
	InstrumentAnalyser    InstrumentKind = "analyser"
	InstrumentMeter       InstrumentKind = "meter"
	InstrumentLaboratory  InstrumentKind = "laboratory"
	InstrumentManualEntry InstrumentKind = "manual_entry"
	InstrumentSoftware    InstrumentKind = "software"
)

// InstrumentKindValues lists the kinds.
func InstrumentKindValues() []InstrumentKind {
	return []InstrumentKind{InstrumentSensor, InstrumentAnalyser, InstrumentMeter, InstrumentLaboratory,
		InstrumentManualEntry, InstrumentSoftware}
}

// IsValid reports whether k is a known kind.
func (k InstrumentKind) IsValid() bool { return enumValid(k, InstrumentKindValues()) }

// Title is the kind's name for people.
func (k InstrumentKind) Title() string { return titleOf(string(k)) }

// NeedsCalibration is the default of CalibrationRequired for the kind:
// physical instruments need calibration, software and manual entry not.
func (k InstrumentKind) NeedsCalibration() bool {
	return k != InstrumentSoftware && k != InstrumentManualEntry
}

// CalibrationState says whether an instrument's readings are covered by a
// calibration now (or at some other time).
type CalibrationState string

// The calibration states. An instrument that needs no calibration is
// not_required; one with no calibration record at all is never_calibrated;
// one whose passed or adjusted calibrations do not cover the time (or
// whose cover a later failed check cut short) is out_of_calibration.
const (
	CalibrationIn          CalibrationState = "in_calibration"
	CalibrationOut         CalibrationState = "out_of_calibration"
	CalibrationNever       CalibrationState = "never_calibrated"
	CalibrationNotRequired CalibrationState = "not_required"
)

// CalibrationStateValues lists the states.
func CalibrationStateValues() []CalibrationState {
	return []CalibrationState{CalibrationIn, CalibrationOut, CalibrationNever, CalibrationNotRequired}
}

// IsValid reports whether s is a known state.
func (s CalibrationState) IsValid() bool { return enumValid(s, CalibrationStateValues()) }

// Title is the state's name for people.
func (s CalibrationState) Title() string { return titleOf(string(s)) }
