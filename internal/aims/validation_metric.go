package aims

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// ValidationMetric is one measured result of a model version: a metric's
// name, its value and unit, and the dataset it was measured on (ISO/IEC
// 42001 A.6.2.4 verification and validation). MLflow sync and CycloneDX
// import record them as well as people.
type ValidationMetric struct {
	ID             string    `json:"id"`
	ModelVersionID string    `json:"model_version_id"`
	Name           string    `json:"name" doc:"The metric, e.g. mae"`
	Value          float64   `json:"value"`
	Unit           string    `json:"unit" doc:"e.g. kg/t; empty for a ratio"`
	DatasetID      string    `json:"dataset_id,omitempty" doc:"The dataset it was measured on"`
	DatasetName    string    `json:"dataset_name,omitempty"`
	Source         string    `json:"source,omitempty" doc:"Where it came from, e.g. mlflow run 1a2b"`
	RecordedAt     time.Time `json:"recorded_at"`
}

// AuditLabel names the metric in the audit trail.
func (m *ValidationMetric) AuditLabel() string { return m.Name + " " + m.ValueText() }

// ValueText is the value with its unit, for people.
func (m *ValidationMetric) ValueText() string { return numberText(m.Value, m.Unit) }

// Normalize trims text fields and lowercases the metric's name.
func (m *ValidationMetric) Normalize() {
	m.Name = strings.ToLower(CleanText(m.Name))
	m.Unit = CleanText(m.Unit)
	m.DatasetID = CleanText(m.DatasetID)
	m.Source = CleanText(m.Source)
}

// Validate checks the fields a person enters.
func (m *ValidationMetric) Validate() error {
	var v Validation
	v.Required("name", m.Name)
	v.MaxLen("name", m.Name, 100)
	v.MaxLen("unit", m.Unit, 40)
	v.MaxLen("source", m.Source, 500)
	if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
		v.Add("value", "must be a finite number")
	}
	return v.Err()
}

// CriterionOp is how an acceptance criterion compares a metric with its
// threshold.
type CriterionOp string

// The comparisons.
const (
	CompareLE CriterionOp = "<="
	CompareLT CriterionOp = "<"
	CompareGE CriterionOp = ">="
	CompareGT CriterionOp = ">"
	CompareEQ CriterionOp = "=="
)

// CriterionOpValues lists the comparisons.
func CriterionOpValues() []CriterionOp {
	return []CriterionOp{CompareLE, CompareLT, CompareGE, CompareGT, CompareEQ}
}

// IsValid reports whether c is a known comparison.
func (c CriterionOp) IsValid() bool { return enumValid(c, CriterionOpValues()) }

// Holds reports whether value compared with threshold satisfies c. Equality
// allows a relative difference of 1e-9, so that a value read back from text
// still equals its threshold.
func (c CriterionOp) Holds(value, threshold float64) bool {
	eq := value == threshold || math.Abs(value-threshold) <= 1e-9*math.Max(math.Abs(value), math.Abs(threshold))
	switch c {
	case CompareLE:
		return value < threshold || eq
	case CompareLT:
		return value < threshold && !eq
	case CompareGE:
		return value > threshold || eq
	case CompareGT:
		return value > threshold && !eq
	case CompareEQ:
		return eq
	}
	return false
}

// AcceptanceCriterion is what a validation metric must meet before a model
// version may pass its gates (ISO/IEC 42001 A.6.2.4), e.g. mae <= 0.35
// kg/t on the named test dataset. Set on a system it holds for every model
// version of the system; set on a model version, for that version alone.
type AcceptanceCriterion struct {
	ID             string      `json:"id"`
	SystemID       string      `json:"system_id"`
	ModelVersionID string      `json:"model_version_id,omitempty" doc:"Empty: the criterion holds for every model version of the system"`
	Metric         string      `json:"metric"`
	Comparison     CriterionOp `json:"comparison" enum:"<=,<,>=,>,=="`
	Threshold      float64     `json:"threshold"`
	Unit           string      `json:"unit"`
	DatasetID      string      `json:"dataset_id,omitempty" doc:"Empty: measured on any dataset"`
	DatasetName    string      `json:"dataset_name,omitempty"`
	CreatedAt      time.Time   `json:"created_at"`
}

// AuditLabel names the criterion in the audit trail.
func (c *AcceptanceCriterion) AuditLabel() string { return c.Text() }

// Text is the criterion for people, e.g. "mae <= 0.35 kg/t".
func (c *AcceptanceCriterion) Text() string {
	return c.Metric + " " + string(c.Comparison) + " " + numberText(c.Threshold, c.Unit)
}

// Normalize trims text fields and lowercases the metric's name.
func (c *AcceptanceCriterion) Normalize() {
	c.Metric = strings.ToLower(CleanText(c.Metric))
	c.Unit = CleanText(c.Unit)
	c.DatasetID = CleanText(c.DatasetID)
	c.ModelVersionID = CleanText(c.ModelVersionID)
	c.Comparison = CriterionOp(strings.TrimSpace(string(c.Comparison)))
}

// Validate checks the fields a person enters.
func (c *AcceptanceCriterion) Validate() error {
	var v Validation
	v.Required("metric", c.Metric)
	v.MaxLen("metric", c.Metric, 100)
	v.MaxLen("unit", c.Unit, 40)
	if !c.Comparison.IsValid() {
		v.Add("comparison", "must be one of %s", joinValues(CriterionOpValues()))
	}
	if math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0) {
		v.Add("threshold", "must be a finite number")
	}
	return v.Err()
}

// Measures reports whether metric m is what criterion c speaks of: the same
// name and unit and, when c names a dataset, measured on it.
func (c *AcceptanceCriterion) Measures(m *ValidationMetric) bool {
	return c.Metric == m.Name && strings.EqualFold(c.Unit, m.Unit) && (c.DatasetID == "" || c.DatasetID == m.DatasetID)
}

func numberText(x float64, unit string) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if unit != "" {
		s += " " + unit
	}
	return s
}
