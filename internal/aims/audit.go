package aims

import (
	"encoding/json"
	"time"
)

// AuditAction is what a change did to a record.
type AuditAction string

// The audit actions.
const (
	ActionCreate AuditAction = "create"
	ActionUpdate AuditAction = "update"
	ActionDelete AuditAction = "delete"
)

// AuditEvent records one change to one record: who, when, what, and the
// record before and after (ISO/IEC 42001 7.5.3 control of documented
// information). Every write in aims makes exactly one through the store's
// single write path; nothing edits or deletes them.
type AuditEvent struct {
	ID          string          `json:"id"`
	OccurredAt  time.Time       `json:"occurred_at"`
	Actor       Actor           `json:"actor"`
	Action      AuditAction     `json:"action"`
	EntityType  string          `json:"entity_type"`
	EntityID    string          `json:"entity_id"`
	EntityLabel string          `json:"entity_label"`
	Before      json.RawMessage `json:"before"`
	After       json.RawMessage `json:"after"`
	RequestID   string          `json:"request_id,omitempty"`
}

// AuditFilter selects audit events. Times are inclusive of Since and
// exclusive of Until.
type AuditFilter struct {
	EntityType string
	EntityID   string
	ActorID    string // a user id or a token id
	Action     AuditAction
	Since      *time.Time
	Until      *time.Time
	Page
}

// Entity types as the audit trail names them.
const (
	EntityAISystem     = "ai_system"
	EntityModelVersion = "model_version"
	EntityDataset      = "dataset"
	EntitySupplier     = "supplier"
	EntityPerson       = "person"
	// People, roles and competence (7.2, 7.3, 5.3).
	EntityAIMSRole              = "aims_role"
	EntityRoleAssignment        = "role_assignment"
	EntityRACICell              = "raci_cell"
	EntityCompetenceRequirement = "competence_requirement"
	EntityTrainingRecord        = "training_record"
	EntityAwarenessSession      = "awareness_session"
	EntityLiteracySetting       = "literacy_setting"
	EntityMember                = "member"
	EntityUser                  = "user" // an account; its password changes are recorded without the hash
	EntityToken                 = "api_token"
	EntityOrganization          = "organization"
)

// Auditable is a record the audit trail can name.
type Auditable interface {
	AuditLabel() string
}
