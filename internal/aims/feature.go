package aims

import (
	"strings"
	"time"
)

// Feature is a model input derived from one or more tags, with the
// transformation described (ISO/IEC 42001 A.7.5 provenance, A.7.6 data
// preparation). A feature without tags is allowed (the orphan query finds
// it).
type Feature struct {
	ID             string `json:"id"`
	Name           string `json:"name" doc:"Unique in the organization, any case"`
	Description    string `json:"description"`
	Transformation string `json:"transformation" doc:"How it is derived from its tags (e.g. 5-minute mean, lagged 2 min)"`
	Unit           string `json:"unit"`
	// Tags are the tags it is derived from; on input only their ids count.
	Tags      []LineageRef `json:"tags" nullable:"false"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	// ModelVersions consume the feature (read-only, on its detail).
	ModelVersions []FeatureUser `json:"model_versions,omitempty" doc:"Read-only: the model versions that consume it (on the detail only)"`
}

// FeatureUser is a model version that consumes a feature, with its system.
type FeatureUser struct {
	SystemID       string `json:"system_id"`
	SystemName     string `json:"system_name"`
	ModelVersionID string `json:"model_version_id"`
	Version        string `json:"version"`
}

// AuditLabel names the feature in the audit trail.
func (f *Feature) AuditLabel() string { return f.Name }

// Normalize trims text fields.
func (f *Feature) Normalize() {
	f.Name = CleanText(f.Name)
	f.Description = CleanText(f.Description)
	f.Transformation = CleanText(f.Transformation)
	f.Unit = CleanText(f.Unit)
	f.Tags = normalizeRefs(f.Tags)
}

// Validate checks the fields a person enters.
func (f *Feature) Validate() error {
	var v Validation
	v.Required("name", f.Name)
	v.MaxLen("name", f.Name, 200)
	if strings.ContainsAny(f.Name, ";\r\n") {
		v.Add("name", "must not contain ';' or a line break (';' separates entries in CSV)")
	}
	v.MaxLen("description", f.Description, 20000)
	v.MaxLen("transformation", f.Transformation, 20000)
	v.MaxLen("unit", f.Unit, 50)
	ValidateRefs(&v, "tags", f.Tags, 1000)
	return v.Err()
}

// FeatureUpdate changes some fields of a feature; nil means unchanged.
// Tags, when given, are tag ids that replace the whole list.
type FeatureUpdate struct {
	Name           *string   `json:"name,omitempty"`
	Description    *string   `json:"description,omitempty"`
	Transformation *string   `json:"transformation,omitempty"`
	Unit           *string   `json:"unit,omitempty"`
	Tags           *[]string `json:"tags,omitempty" doc:"Tag ids; replace the whole list"`
}

// Apply returns a copy of f with the update's fields set.
func (u FeatureUpdate) Apply(f Feature) Feature {
	set(&f.Name, u.Name)
	set(&f.Description, u.Description)
	set(&f.Transformation, u.Transformation)
	set(&f.Unit, u.Unit)
	if u.Tags != nil {
		f.Tags = RefsOf(*u.Tags)
	}
	return f
}

// FeatureFilter selects features.
type FeatureFilter struct {
	Query string // part of the name, any case
	TagID string
	Page
}
