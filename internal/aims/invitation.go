package aims

import "time"

// EntityInvitation is an invitation in the audit trail.
const EntityInvitation = "invitation"

// InvitationFor is how long an invitation link works.
const InvitationFor = 7 * 24 * time.Hour

// Invitation asks a person, named by email, to join an organization with a
// role. It says nothing of any account that email may have: the person
// accepts through the link (signing in, or choosing a name and password),
// and only then becomes a member.
type Invitation struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"`
	Role       Role       `json:"role"`
	InvitedBy  string     `json:"invited_by" doc:"Who invited, as the audit trail names them"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	// URL is the link to send to the person: shown once, when the
	// invitation is made, and never stored (only its digest is).
	URL string `json:"url,omitempty" doc:"The link to send to the person (shown once, when the invitation is made)"`
}

// AuditLabel names the invitation in the audit trail.
func (i *Invitation) AuditLabel() string { return i.Email }

// Status is pending, accepted, revoked or expired at now.
func (i *Invitation) Status(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return "accepted"
	case i.RevokedAt != nil:
		return "revoked"
	case !now.Before(i.ExpiresAt):
		return "expired"
	}
	return "pending"
}

// NewInvitation is what an admin gives to invite a person.
type NewInvitation struct {
	Email string `json:"email"`
	Role  Role   `json:"role"`
}

// Validate checks the fields after normalizing the email.
func (n *NewInvitation) Validate() error {
	n.Email = NormalizeEmail(n.Email)
	var v Validation
	ValidateEmail(&v, "email", n.Email)
	if !n.Role.IsValid() {
		v.Add("role", "must be one of %s", joinValues(RoleValues()))
	}
	return v.Err()
}

// InvitationAcceptance is what the person gives to accept: their password
// (an existing account's, or a new one's), and a name for a new account.
type InvitationAcceptance struct {
	Name     string
	Password string
}
