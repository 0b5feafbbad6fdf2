package aims

import (
	"regexp"
	"strings"
	"time"
)

// ModelVersion is one trained model of an AI system, named by the digest of
// its artifact so that what was validated is provably what runs (ISO/IEC
// 42001 A.6.2.2 to A.6.2.5, A.7).
type ModelVersion struct {
	ID                  string             `json:"id"`
	SystemID            string             `json:"system_id"`
	Version             string             `json:"version"`
	Digest              string             `json:"digest"`
	SourceURI           string             `json:"source_uri"`
	TrainingDataSummary string             `json:"training_data_summary"`
	Status              ModelVersionStatus `json:"status"`
	Notes               string             `json:"notes"`
	Datasets            []DatasetUse       `json:"datasets"`
	// Features are the features the model version consumes (data
	// lineage, A.7.5); on input only their ids count.
	Features []LineageRef `json:"features" nullable:"false" doc:"The features it consumes"`
	// Approvals are the recorded acts that moved it to approved and
	// deployed, oldest first; only ApproveModelVersion adds one.
	Approvals        []ModelVersionApproval `json:"approvals" nullable:"false" doc:"Who approved or deployed it, when, and on what evidence"`
	RegisteredBy     string                 `json:"registered_by,omitempty"`
	RegisteredByName string                 `json:"registered_by_name,omitempty"`
	CreatedAt        time.Time              `json:"created_at"`
	UpdatedAt        time.Time              `json:"updated_at"`
	StatusChangedAt  time.Time              `json:"status_changed_at"`
	DeployedAt       *time.Time             `json:"deployed_at,omitempty"`
	RetiredAt        *time.Time             `json:"retired_at,omitempty"`
}

// DatasetUse links a dataset to a model version with the purpose it served
// (ISO/IEC 42001 A.7.2 to A.7.6).
type DatasetUse struct {
	DatasetID   string         `json:"dataset_id"`
	DatasetName string         `json:"dataset_name,omitempty"`
	Purpose     DatasetPurpose `json:"purpose"`
}

// AuditLabel names the model version in the audit trail.
func (m *ModelVersion) AuditLabel() string { return m.Version }

var digestPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// NormalizeDigest lowercases a digest and drops a "sha256:" prefix.
func NormalizeDigest(d string) string {
	d = strings.ToLower(CleanText(d))
	return strings.TrimPrefix(d, "sha256:")
}

// Normalize trims text fields.
func (m *ModelVersion) Normalize() {
	m.Version = CleanText(m.Version)
	m.Digest = NormalizeDigest(m.Digest)
	m.SourceURI = CleanText(m.SourceURI)
	m.TrainingDataSummary = CleanText(m.TrainingDataSummary)
	m.Notes = CleanText(m.Notes)
	if m.Datasets == nil {
		m.Datasets = []DatasetUse{}
	}
	if m.Approvals == nil {
		m.Approvals = []ModelVersionApproval{}
	}
	m.Features = normalizeRefs(m.Features)
}

// Validate checks the fields a person enters.
func (m *ModelVersion) Validate() error {
	var v Validation
	v.Required("version", m.Version)
	v.MaxLen("version", m.Version, 100)
	if m.Digest == "" {
		v.Add("digest", "is required: the SHA-256 of the model artifact, 64 hexadecimal characters")
	} else if !digestPattern.MatchString(m.Digest) {
		v.Add("digest", "must be a SHA-256 digest: 64 hexadecimal characters (an optional \"sha256:\" prefix is accepted)")
	}
	v.MaxLen("source_uri", m.SourceURI, 2000)
	v.MaxLen("training_data_summary", m.TrainingDataSummary, 20000)
	v.MaxLen("notes", m.Notes, 20000)
	if !m.Status.IsValid() {
		v.Add("status", "must be one of %s", joinValues(ModelVersionStatusValues()))
	}
	seen := map[DatasetUse]bool{}
	for i, d := range m.Datasets {
		f := "datasets/" + itoa(i)
		if d.DatasetID == "" {
			v.Add(f+"/dataset_id", "is required")
		}
		if !d.Purpose.IsValid() {
			v.Add(f+"/purpose", "must be one of %s", joinValues(DatasetPurposeValues()))
		}
		key := DatasetUse{DatasetID: d.DatasetID, Purpose: d.Purpose}
		if seen[key] {
			v.Add(f, "this dataset is already listed for this purpose")
		}
		seen[key] = true
	}
	ValidateRefs(&v, "features", m.Features, 1000)
	return v.Err()
}

// ModelVersionUpdate changes some fields of a model version; nil means
// unchanged. Datasets and Features (feature ids), when given, replace the
// whole list.
type ModelVersionUpdate struct {
	Version             *string             `json:"version,omitempty"`
	Digest              *string             `json:"digest,omitempty"`
	SourceURI           *string             `json:"source_uri,omitempty"`
	TrainingDataSummary *string             `json:"training_data_summary,omitempty"`
	Status              *ModelVersionStatus `json:"status,omitempty"`
	Notes               *string             `json:"notes,omitempty"`
	Datasets            *[]DatasetUse       `json:"datasets,omitempty"`
	Features            *[]string           `json:"features,omitempty" doc:"Feature ids; replace the whole list"`
}

// Apply returns a copy of m with the update's fields set.
func (u ModelVersionUpdate) Apply(m ModelVersion) ModelVersion {
	set(&m.Version, u.Version)
	set(&m.Digest, u.Digest)
	set(&m.SourceURI, u.SourceURI)
	set(&m.TrainingDataSummary, u.TrainingDataSummary)
	set(&m.Status, u.Status)
	set(&m.Notes, u.Notes)
	set(&m.Datasets, u.Datasets)
	if u.Features != nil {
		m.Features = RefsOf(*u.Features)
	}
	return m
}

// ModelVersionFilter selects the model versions of one system.
type ModelVersionFilter struct {
	Status ModelVersionStatus
	Page
}

// ModelVersionStatus is where a model version stands on its way to
// production (ISO/IEC 42001 A.6.2.4 verification and validation, A.6.2.5
// deployment).
type ModelVersionStatus string

// The model version statuses.
const (
	ModelCandidate ModelVersionStatus = "candidate"
	ModelValidated ModelVersionStatus = "validated"
	ModelApproved  ModelVersionStatus = "approved"
	ModelDeployed  ModelVersionStatus = "deployed"
	ModelRetired   ModelVersionStatus = "retired"
)

// ModelVersionStatusValues lists the statuses in order.
func ModelVersionStatusValues() []ModelVersionStatus {
	return []ModelVersionStatus{ModelCandidate, ModelValidated, ModelApproved, ModelDeployed, ModelRetired}
}

// IsValid reports whether s is a known status.
func (s ModelVersionStatus) IsValid() bool { return enumValid(s, ModelVersionStatusValues()) }

// Title is the status's name for people.
func (s ModelVersionStatus) Title() string { return titleOf(string(s)) }

// DatasetPurpose is what a dataset was used for with a model version.
type DatasetPurpose string

// The dataset purposes.
const (
	PurposeTraining   DatasetPurpose = "training"
	PurposeValidation DatasetPurpose = "validation"
	PurposeTest       DatasetPurpose = "test"
	PurposeOperation  DatasetPurpose = "operation"
)

// DatasetPurposeValues lists the purposes.
func DatasetPurposeValues() []DatasetPurpose {
	return []DatasetPurpose{PurposeTraining, PurposeValidation, PurposeTest, PurposeOperation}
}

// IsValid reports whether p is a known purpose.
func (p DatasetPurpose) IsValid() bool { return enumValid(p, DatasetPurposeValues()) }

// Title is the purpose's name for people.
func (p DatasetPurpose) Title() string { return titleOf(string(p)) }
