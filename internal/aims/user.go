package aims

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// Organization is a tenant: every record belongs to exactly one, and one
// deployment can host several (a group with subsidiaries, a consultancy).
type Organization struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidateSlug checks an organization slug: lowercase letters, digits and
// dashes, starting with a letter or digit, at most 63 characters.
func ValidateSlug(v *Validation, field, slug string) {
	if !slugPattern.MatchString(slug) {
		v.Add(field, "use 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit")
	}
}

// User is a person with an account. A user belongs to organizations through
// memberships, each with a role.
type User struct {
	ID        string     `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	LastLogin *time.Time `json:"last_login_at,omitempty"`
	// SessionEpoch moves on when the password changes; a web session begun
	// under an older epoch has ended.
	SessionEpoch int64 `json:"-"`
}

// Member is a user as seen from one organization: with the role held there.
type Member struct {
	User
	Role     Role      `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
	Disabled bool      `json:"disabled"`
}

// AuditLabel names the member in the audit trail.
func (m *Member) AuditLabel() string { return m.Email }

// NormalizeEmail lowercases and trims an email address.
func NormalizeEmail(e string) string { return strings.ToLower(CleanText(e)) }

// ValidateEmail checks that e is a plain address.
func ValidateEmail(v *Validation, field, e string) {
	if e == "" {
		v.Add(field, "is required")
		return
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 {
		v.Add(field, "is not an email address")
	}
}

// MinPasswordLength is the shortest password accepted (NIST SP 800-63B
// 3.1.1.2 asks for at least 8; we ask for more).
const MinPasswordLength = 10

// ValidatePassword checks a new password.
func ValidatePassword(v *Validation, field, p string) {
	switch n := len([]rune(p)); {
	case n < MinPasswordLength:
		v.Add(field, "must be at least %d characters", MinPasswordLength)
	case len(p) > 256:
		v.Add(field, "must be at most 256 bytes")
	}
}

// NewMember is what it takes to add a person to an organization.
type NewMember struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Password string `json:"password,omitempty"`
}

// Normalize trims the fields.
func (n *NewMember) Normalize() {
	n.Email = NormalizeEmail(n.Email)
	n.Name = CleanText(n.Name)
}

// Validate checks the fields. An empty password is allowed when the user
// already exists elsewhere; the service checks that.
func (n *NewMember) Validate() error {
	var v Validation
	ValidateEmail(&v, "email", n.Email)
	v.Required("name", n.Name)
	v.MaxLen("name", n.Name, 200)
	if !n.Role.IsValid() {
		v.Add("role", "must be one of %s", joinValues(RoleValues()))
	}
	if n.Password != "" {
		ValidatePassword(&v, "password", n.Password)
	}
	return v.Err()
}

// MemberUpdate changes a member's role, name or disabled flag.
type MemberUpdate struct {
	Name     *string `json:"name,omitempty"`
	Role     *Role   `json:"role,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
}

// MemberFilter selects members.
type MemberFilter struct {
	Search string
	Role   Role
	Page
}

// Token is an API token's record; the secret itself is shown once and
// stored only as a hash.
type Token struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	UserEmail  string     `json:"user_email,omitempty"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	// Scopes limit the token (e.g. "log:read"); none means the member's
	// full role.
	Scopes []string `json:"scopes,omitempty"`
	// Systems limit a gateway's token to these AI systems; none means any.
	Systems []string `json:"systems,omitempty"`
}

// AuditLabel names the token in the audit trail.
func (t *Token) AuditLabel() string { return t.Name }

// Active reports whether the token may be used at now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// NewToken asks for a token.
type NewToken struct {
	UserID    string     `json:"user_id"`
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Scopes    []string   `json:"scopes,omitempty"`
	// Systems limit the token to these AI systems: only with the scopes
	// decisions:write and authorization:read (an edge gateway's token).
	Systems []string `json:"systems,omitempty"`
}

// TokenFilter selects tokens.
type TokenFilter struct {
	UserID         string
	IncludeRevoked bool
	Page
}
