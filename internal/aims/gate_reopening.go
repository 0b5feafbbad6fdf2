package aims

import (
	"time"
)

// EntityGateReopening is how the audit trail names a gate re-opening.
const EntityGateReopening = "gate_reopening"

// AuthzGateReopened is the authorization code of a model version whose
// validation gate a material change re-opened.
const AuthzGateReopened = "gate_reopened"

// Gate names a lifecycle gate a material change re-opens.
type Gate string

// The gates change control re-opens.
const (
	// GateValidation is a model version's verification and validation
	// gate (A.6.2.4): it must be passed again before the version acts.
	GateValidation Gate = "validation"
	// GateDeployment is an AI system's deployment gate (A.6.2.5): a new
	// model version asks for the deployment to be looked at again.
	GateDeployment Gate = "deployment"
)

// Title is the gate's name for people.
func (g Gate) Title() string { return titleOf(string(g)) }

// ReopenCause is the kind of material change that re-opened a gate
// (ISO/IEC 42001 8.1 change control, A.6.2.6).
type ReopenCause string

// The causes of a re-opening.
const (
	CauseNewModelVersion      ReopenCause = "new_model_version"
	CauseDatasetChanged       ReopenCause = "dataset_changed"
	CauseFeatureTagsChanged   ReopenCause = "feature_tags_changed"
	CauseSupplierChanged      ReopenCause = "supplier_changed"
	CauseRecalibrationFailed  ReopenCause = "recalibration_failed"
	CauseThresholdBreach      ReopenCause = "threshold_breach"
	CauseModelDatasetsChanged ReopenCause = "model_datasets_changed"
)

// ReopenCauseValues lists the causes.
func ReopenCauseValues() []ReopenCause {
	return []ReopenCause{CauseNewModelVersion, CauseDatasetChanged, CauseFeatureTagsChanged, CauseSupplierChanged,
		CauseRecalibrationFailed, CauseThresholdBreach, CauseModelDatasetsChanged}
}

// IsValid reports whether c is a known cause.
func (c ReopenCause) IsValid() bool { return enumValid(c, ReopenCauseValues()) }

// Title is the cause's name for people.
func (c ReopenCause) Title() string {
	switch c {
	case CauseNewModelVersion:
		return "New model version"
	case CauseDatasetChanged:
		return "Dataset changed"
	case CauseFeatureTagsChanged:
		return "Feature's tags changed"
	case CauseSupplierChanged:
		return "Supplier changed"
	case CauseRecalibrationFailed:
		return "Recalibration failed"
	case CauseThresholdBreach:
		return "Threshold breached"
	case CauseModelDatasetsChanged:
		return "Datasets of the model version changed"
	}
	return titleOf(string(c))
}

// GateReopening is the record that a material change re-opened a gate: a
// model version's validation gate (the version may not act until it is
// passed again or the re-opening is cleared with a reason) or, with no
// model version, the system's deployment gate. It is written in the same
// transaction as the change that caused it, and sealed in the log.
type GateReopening struct {
	ID       string `json:"id"`
	SystemID string `json:"system_id"`
	// SystemName is filled where a list spans systems ("my work").
	SystemName     string      `json:"system_name,omitempty" doc:"Read-only"`
	ModelVersionID string      `json:"model_version_id,omitempty" doc:"The model version whose gate is re-opened; empty for the system's own gate"`
	ModelVersion   string      `json:"model_version,omitempty" doc:"Read-only: that model version's label"`
	Gate           Gate        `json:"gate" enum:"validation,deployment"`
	Cause          ReopenCause `json:"cause" enum:"new_model_version,dataset_changed,feature_tags_changed,supplier_changed,recalibration_failed,threshold_breach,model_datasets_changed"`
	// CauseType and CauseID name the record whose change caused it (an
	// audit entity type: dataset, feature, ai_system, calibration,
	// model_version).
	CauseType string `json:"cause_type"`
	CauseID   string `json:"cause_id"`
	// CauseLabel names that record for people ("Kiln feed 2025").
	CauseLabel string `json:"cause_label"`
	Reason     string `json:"reason" doc:"What changed, in words"`
	// AffectsImpact says the change makes the system's impact assessment
	// out of date when it came after the sign-off.
	AffectsImpact bool       `json:"affects_impact"`
	ReopenedAt    time.Time  `json:"reopened_at"`
	ReopenedBy    string     `json:"reopened_by,omitempty" doc:"The user id whose change re-opened it"`
	ClearedAt     *time.Time `json:"cleared_at,omitempty"`
	ClearedBy     string     `json:"cleared_by,omitempty"`
	ClearedReason string     `json:"cleared_reason,omitempty"`
}

// AuditLabel names the re-opening in the audit trail.
func (r *GateReopening) AuditLabel() string {
	if r.ModelVersion != "" {
		return r.Gate.Title() + " gate of model version " + r.ModelVersion + " re-opened"
	}
	return r.Gate.Title() + " gate of the system re-opened"
}

// Open reports whether the re-opening still holds.
func (r *GateReopening) Open() bool { return r.ClearedAt == nil }

// AuthorizationReason is the reason an authorization answer gives for a
// model version held by this re-opening.
func (r *GateReopening) AuthorizationReason() string {
	return r.Reason + " on " + r.ReopenedAt.UTC().Format("2006-01-02 15:04 UTC") + ": " + string(r.Gate) + " gate re-opened"
}

// GateClearance clears the open re-openings of a model version (or, with
// no model version, of the system's own gate) with a reason.
type GateClearance struct {
	ModelVersionID string `json:"model_version_id,omitempty" doc:"Clear the re-openings of this model version; leave out for the system's own gate"`
	Reason         string `json:"reason" doc:"Why the version may act again (what was checked)"`
}

// Validate checks the request.
func (c *GateClearance) Validate() error {
	var v Validation
	c.Reason = CleanText(c.Reason)
	c.ModelVersionID = CleanText(c.ModelVersionID)
	v.Required("reason", c.Reason)
	v.MaxLen("reason", c.Reason, 2000)
	return v.Err()
}

// GateReopeningFilter selects a system's re-openings.
type GateReopeningFilter struct {
	ModelVersionID string
	OpenOnly       bool
	Page
}

// DependentVersion is a model version that depends on a changed record,
// with how (change control, 8.1).
type DependentVersion struct {
	ModelVersionID string
	Version        string
	SystemID       string
	Status         ModelVersionStatus
	// Purpose is what the version used a changed dataset for (empty for
	// other records).
	Purpose DatasetPurpose
}
