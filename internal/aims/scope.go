package aims

// ActorKind says how a change reached aims.
type ActorKind string

// The actor kinds recorded in the audit trail.
const (
	ActorUser   ActorKind = "user"   // a person signed in to the web UI
	ActorToken  ActorKind = "token"  // an API token (a person's script or a pipeline)
	ActorCLI    ActorKind = "cli"    // an operator running the aims command on the host
	ActorSystem ActorKind = "system" // aims itself: migrations, demo data, background jobs
)

// Actor is who did something, as the audit trail records it (ISO/IEC 42001
// 7.5.3: documented information is controlled, including who changed it).
type Actor struct {
	Kind    ActorKind `json:"kind"`
	UserID  string    `json:"user_id,omitempty"`
	TokenID string    `json:"token_id,omitempty"`
	Label   string    `json:"label"` // an email, a token name or a host user; for people reading the trail
}

// Scope is the organization a store call may touch and the actor it acts
// for. Only package authz makes tenant scopes (an architecture test enforces
// it); the organization comes from authorization, never from the request.
type Scope struct {
	orgID  string
	actor  Actor
	system bool
}

// NewTenantScope returns the scope of one organization. Call it only from
// package authz.
func NewTenantScope(orgID string, actor Actor) Scope {
	if orgID == "" {
		panic("aims: tenant scope without an organization")
	}
	return Scope{orgID: orgID, actor: actor}
}

// SystemScope is the scope of aims' own work that belongs to no
// organization (migrations, session cleanup). Asking it for an organization
// panics, so it cannot leak into a tenant query by mistake.
func SystemScope() Scope {
	return Scope{system: true, actor: Actor{Kind: ActorSystem, Label: "aims"}}
}

// OrgID returns the organization of a tenant scope.
func (s Scope) OrgID() string {
	if s.system || s.orgID == "" {
		panic("aims: organization asked of a non-tenant scope")
	}
	return s.orgID
}

// Actor returns who acts in this scope.
func (s Scope) Actor() Actor { return s.actor }

// IsTenant reports whether the scope belongs to one organization.
func (s Scope) IsTenant() bool { return !s.system && s.orgID != "" }
