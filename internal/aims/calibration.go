package aims

import (
	"regexp"
	"time"
)

// Calibration is a record that an instrument was calibrated, with the
// period the calibration is valid for and its certificate as evidence
// (ISO/IEC 42001 A.7.4 data quality). Calibrations are created and deleted,
// never changed: a mistake is deleted and entered again, both audited.
type Calibration struct {
	ID             string `json:"id"`
	InstrumentID   string `json:"instrument_id"`
	InstrumentName string `json:"instrument_name,omitempty" doc:"Read-only"`
	// ValidFrom and ValidTo bound the half-open period [ValidFrom,
	// ValidTo) in which the calibration vouches for the readings.
	ValidFrom time.Time         `json:"valid_from" doc:"Start of the validity (RFC 3339, UTC)"`
	ValidTo   time.Time         `json:"valid_to" doc:"End of the validity, exclusive (RFC 3339, UTC); after valid_from"`
	Result    CalibrationResult `json:"result" enum:"passed,adjusted,failed" doc:"A failed calibration covers nothing"`
	// CertificateRef is the certificate's number or URI.
	CertificateRef string `json:"certificate_ref" doc:"The certificate's number or URI"`
	// CertificateDigest is the SHA-256 of the certificate file, in hex.
	CertificateDigest string    `json:"certificate_digest" doc:"Optional SHA-256 of the certificate file: 64 hexadecimal characters"`
	PerformedBy       string    `json:"performed_by" doc:"Who calibrated it (a laboratory, a technician)"`
	Notes             string    `json:"notes"`
	RecordedBy        string    `json:"recorded_by" doc:"Read-only: who entered the record"`
	CreatedAt         time.Time `json:"created_at"`
}

// AuditLabel names the calibration in the audit trail.
func (c *Calibration) AuditLabel() string {
	label := "calibration"
	if c.InstrumentName != "" {
		label += " of " + c.InstrumentName
	}
	return label + " from " + c.ValidFrom.Format(DateLayout)
}

// Covers reports whether the calibration vouches for readings at t: it
// passed or was adjusted, and t is in [ValidFrom, ValidTo).
func (c *Calibration) Covers(t time.Time) bool {
	return c.Result.Vouches() && !t.Before(c.ValidFrom) && t.Before(c.ValidTo)
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Normalize trims text fields, lowercases the digest and stores the times
// in UTC at microseconds.
func (c *Calibration) Normalize() {
	c.InstrumentID = CleanText(c.InstrumentID)
	c.Result = CalibrationResult(CleanText(string(c.Result)))
	c.CertificateRef = CleanText(c.CertificateRef)
	c.CertificateDigest = NormalizeDigest(c.CertificateDigest)
	c.PerformedBy = CleanText(c.PerformedBy)
	c.Notes = CleanText(c.Notes)
	c.ValidFrom = c.ValidFrom.UTC().Truncate(time.Microsecond)
	c.ValidTo = c.ValidTo.UTC().Truncate(time.Microsecond)
}

// Validate checks the fields a person enters.
func (c *Calibration) Validate() error {
	var v Validation
	if c.ValidFrom.IsZero() {
		v.Add("valid_from", "is required: when the calibration starts to vouch for the readings")
	}
	if c.ValidTo.IsZero() {
		v.Add("valid_to", "is required: when the calibration stops vouching for the readings")
	} else if !c.ValidFrom.IsZero() && !c.ValidTo.After(c.ValidFrom) {
		v.Add("valid_to", "must be after valid_from")
	}
	if !c.Result.IsValid() {
		v.Add("result", "must be one of %s", joinValues(CalibrationResultValues()))
	}
	v.MaxLen("certificate_ref", c.CertificateRef, 2000)
	if c.CertificateDigest != "" && !sha256Hex.MatchString(c.CertificateDigest) {
		v.Add("certificate_digest", "must be a SHA-256 digest: 64 hexadecimal characters (an optional \"sha256:\" prefix is accepted)")
	}
	v.MaxLen("performed_by", c.PerformedBy, 2000)
	v.MaxLen("notes", c.Notes, 20000)
	return v.Err()
}

// CalibrationResult is the outcome of a calibration.
type CalibrationResult string

// The calibration results: passed as found, adjusted into tolerance, or
// failed (the readings cannot be trusted).
const (
	CalibrationPassed   CalibrationResult = "passed"
	CalibrationAdjusted CalibrationResult = "adjusted"
	CalibrationFailed   CalibrationResult = "failed"
)

// CalibrationResultValues lists the results.
func CalibrationResultValues() []CalibrationResult {
	return []CalibrationResult{CalibrationPassed, CalibrationAdjusted, CalibrationFailed}
}

// IsValid reports whether r is a known result.
func (r CalibrationResult) IsValid() bool { return enumValid(r, CalibrationResultValues()) }

// Title is the result's name for people.
func (r CalibrationResult) Title() string { return titleOf(string(r)) }

// Vouches reports whether a calibration with this result vouches for the
// readings in its validity period (passed or adjusted).
func (r CalibrationResult) Vouches() bool { return r == CalibrationPassed || r == CalibrationAdjusted }
