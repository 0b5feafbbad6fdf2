package aims

import "time"

// Resource is something the AIMS relies on (ISO/IEC 42001 7.1), recorded
// per process or per AI system where the organization wants to (A.4.2 to
// A.4.6: data, tooling, system and computing, and human resources).
type Resource struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Kind        ResourceKind `json:"kind"`
	Description string       `json:"description"`
	Process     string       `json:"process" doc:"The AIMS process the resource serves, when it serves one"`
	SystemID    string       `json:"system_id,omitempty" doc:"The AI system the resource serves, when it serves one"`
	SystemName  string       `json:"system_name,omitempty"`
	Quantity    string       `json:"quantity" doc:"How much, in the resource's own terms (2 FTE, 4 GPUs, EUR 40,000 a year)"`
	OwnerID     string       `json:"owner_id,omitempty" doc:"The member who looks after the resource"`
	OwnerName   string       `json:"owner_name,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// AuditLabel names the resource in the audit trail.
func (r *Resource) AuditLabel() string { return r.Name }

// Normalize trims text fields.
func (r *Resource) Normalize() {
	r.Name = CleanText(r.Name)
	r.Description = CleanText(r.Description)
	r.Process = CleanText(r.Process)
	r.SystemID = CleanText(r.SystemID)
	r.Quantity = CleanText(r.Quantity)
	r.OwnerID = CleanText(r.OwnerID)
}

// Validate checks the fields a person enters.
func (r *Resource) Validate() error {
	var v Validation
	v.Required("name", r.Name)
	v.MaxLen("name", r.Name, 200)
	if !r.Kind.IsValid() {
		v.Add("kind", "must be one of %s", joinValues(ResourceKindValues()))
	}
	v.MaxLen("description", r.Description, 20000)
	v.MaxLen("process", r.Process, 200)
	v.MaxLen("quantity", r.Quantity, 2000)
	return v.Err()
}

// ResourceUpdate changes some fields of a resource; nil means unchanged,
// an empty SystemID or OwnerID removes the link.
type ResourceUpdate struct {
	Name        *string       `json:"name,omitempty"`
	Kind        *ResourceKind `json:"kind,omitempty"`
	Description *string       `json:"description,omitempty"`
	Process     *string       `json:"process,omitempty"`
	SystemID    *string       `json:"system_id,omitempty"`
	Quantity    *string       `json:"quantity,omitempty"`
	OwnerID     *string       `json:"owner_id,omitempty"`
}

// Apply returns a copy of r with the update's fields set.
func (u ResourceUpdate) Apply(r Resource) Resource {
	set(&r.Name, u.Name)
	set(&r.Kind, u.Kind)
	set(&r.Description, u.Description)
	set(&r.Process, u.Process)
	set(&r.SystemID, u.SystemID)
	set(&r.Quantity, u.Quantity)
	set(&r.OwnerID, u.OwnerID)
	return r
}

// ResourceFilter selects resources.
type ResourceFilter struct {
	Search   string
	Kind     ResourceKind
	SystemID string
	// Sort is the order: name or updated_at, a leading "-"
	// reversing it; empty is the list's own order.
	Sort string
	Page
}

// ResourceKind is what kind of resource it is.
type ResourceKind string

// The kinds of resources.
const (
	ResourceHuman   ResourceKind = "human"
	ResourceCompute ResourceKind = "compute"
	ResourceTooling ResourceKind = "tooling"
	ResourceData    ResourceKind = "data"
	ResourceBudget  ResourceKind = "budget"
	ResourceOther   ResourceKind = "other"
)

// ResourceKindValues lists the kinds.
func ResourceKindValues() []ResourceKind {
	return []ResourceKind{ResourceHuman, ResourceCompute, ResourceTooling, ResourceData, ResourceBudget, ResourceOther}
}

// IsValid reports whether k is a known kind.
func (k ResourceKind) IsValid() bool { return enumValid(k, ResourceKindValues()) }

// Title is the kind's name for people.
func (k ResourceKind) Title() string {
	switch k {
	case ResourceHuman:
		return "People"
	case ResourceCompute:
		return "System and computing"
	}
	return titleOf(string(k))
}
