package aims

import (
	"strings"
	"time"
)

// EntitySignInSettings is the audit trail's name for an organization's
// sign-in settings.
const EntitySignInSettings = "sign_in_settings"

// TOTPRequirement says who in an organization must use a second factor
// when signing in with a local password (ASVS 5.0 V6.3).
type TOTPRequirement string

// The requirements.
const (
	TOTPNone   TOTPRequirement = "none"
	TOTPAdmins TOTPRequirement = "admins" // admins and AIMS managers
	TOTPAll    TOTPRequirement = "all"
)

// TOTPRequirementValues lists the requirements.
func TOTPRequirementValues() []TOTPRequirement {
	return []TOTPRequirement{TOTPNone, TOTPAdmins, TOTPAll}
}

// IsValid reports whether r is a known requirement.
func (r TOTPRequirement) IsValid() bool { return enumValid(r, TOTPRequirementValues()) }

// Title is the requirement in words.
func (r TOTPRequirement) Title() string {
	switch r {
	case TOTPNone:
		return "Not required"
	case TOTPAdmins:
		return "Required for administrators and AIMS managers"
	case TOTPAll:
		return "Required for everyone"
	}
	return string(r)
}

// Requires tells whether a member with role must have a second factor.
func (r TOTPRequirement) Requires(role Role) bool {
	return r == TOTPAll || (r == TOTPAdmins && (role == RoleAdmin || role == RoleAIMSManager))
}

// GroupRole maps a group named in the identity provider's group claim to a
// role in the organization.
type GroupRole struct {
	Group string `json:"group"`
	Role  Role   `json:"role"`
}

// SignInSettings is how people sign in to one organization (A.3.2: the
// authorities given to roles; ASVS 5.0 V6): its OpenID Connect provider,
// the table mapping the provider's groups to roles, the role of a person
// joining without a mapped group, whether only invited people may join,
// whether local passwords still work, and who must use a second factor.
type SignInSettings struct {
	ID              string          `json:"id"`
	SSOEnabled      bool            `json:"sso_enabled"`
	DisplayName     string          `json:"display_name"`
	Issuer          string          `json:"issuer"`
	ClientID        string          `json:"client_id"`
	HasClientSecret bool            `json:"has_client_secret"` // the secret itself is never shown again
	Scopes          string          `json:"scopes"`
	GroupClaim      string          `json:"group_claim"`
	GroupRoles      []GroupRole     `json:"group_roles"`
	DefaultRole     Role            `json:"default_role"`
	InvitedOnly     bool            `json:"invited_only"`
	LocalPasswords  bool            `json:"local_passwords"`
	BreakGlassEmail string          `json:"break_glass_email"`
	TOTPRequired    TOTPRequirement `json:"totp_required"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

// AuditLabel names the settings in the audit trail.
func (s *SignInSettings) AuditLabel() string { return "sign-in settings" }

// DefaultSignInSettings are an organization's settings until an admin
// changes them: passwords, no provider, new people as viewers.
func DefaultSignInSettings(orgID string) *SignInSettings {
	return &SignInSettings{ID: orgID, Scopes: "openid email profile", DefaultRole: RoleViewer, LocalPasswords: true, TOTPRequired: TOTPNone, GroupRoles: []GroupRole{}}
}

// ProviderName is how the sign-in page names the provider.
func (s *SignInSettings) ProviderName() string {
	if s.DisplayName != "" {
		return s.DisplayName
	}
	return "your organization's identity provider"
}

// ScopeList splits the scopes.
func (s *SignInSettings) ScopeList() []string { return strings.Fields(s.Scopes) }

// SignInSettingsUpdate changes an organization's sign-in settings; nil
// fields stay. ClientSecret is written only: a value, or "env:NAME" naming
// an environment variable of the server that holds it.
type SignInSettingsUpdate struct {
	SSOEnabled      *bool            `json:"sso_enabled,omitempty"`
	DisplayName     *string          `json:"display_name,omitempty" maxLength:"100"`
	Issuer          *string          `json:"issuer,omitempty" maxLength:"500" doc:"the provider's issuer URL (https; http only on localhost)"`
	ClientID        *string          `json:"client_id,omitempty" maxLength:"500"`
	ClientSecret    *string          `json:"client_secret,omitempty" maxLength:"2000" doc:"written only: the secret, or env:NAME for an environment variable of the server"`
	Scopes          *string          `json:"scopes,omitempty" maxLength:"500" doc:"space-separated; openid is always asked for"`
	GroupClaim      *string          `json:"group_claim,omitempty" maxLength:"100"`
	GroupRoles      *[]GroupRole     `json:"group_roles,omitempty" maxItems:"200"`
	DefaultRole     *Role            `json:"default_role,omitempty" enum:"aims_manager,system_owner,contributor,auditor,viewer" doc:"the role of a person joining without a mapped group; never admin"`
	InvitedOnly     *bool            `json:"invited_only,omitempty"`
	LocalPasswords  *bool            `json:"local_passwords,omitempty"`
	BreakGlassEmail *string          `json:"break_glass_email,omitempty" maxLength:"320"`
	TOTPRequired    *TOTPRequirement `json:"totp_required,omitempty" enum:"none,admins,all" doc:"who must use a TOTP second factor with a local password (admins: admins and AIMS managers)"`
}

// Apply returns s with the update's fields set (the secret is the
// service's to seal).
func (u SignInSettingsUpdate) Apply(s SignInSettings) SignInSettings {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	if u.SSOEnabled != nil {
		s.SSOEnabled = *u.SSOEnabled
	}
	set(&s.DisplayName, u.DisplayName)
	set(&s.Issuer, u.Issuer)
	s.Issuer = strings.TrimSuffix(s.Issuer, "/")
	set(&s.ClientID, u.ClientID)
	if u.Scopes != nil {
		s.Scopes = strings.Join(strings.Fields(*u.Scopes), " ")
	}
	set(&s.GroupClaim, u.GroupClaim)
	if u.GroupRoles != nil {
		s.GroupRoles = []GroupRole{}
		for _, g := range *u.GroupRoles {
			s.GroupRoles = append(s.GroupRoles, GroupRole{Group: strings.TrimSpace(g.Group), Role: g.Role})
		}
	}
	if u.DefaultRole != nil {
		s.DefaultRole = *u.DefaultRole
	}
	if u.InvitedOnly != nil {
		s.InvitedOnly = *u.InvitedOnly
	}
	if u.LocalPasswords != nil {
		s.LocalPasswords = *u.LocalPasswords
	}
	if u.BreakGlassEmail != nil {
		s.BreakGlassEmail = NormalizeEmail(*u.BreakGlassEmail)
	}
	if u.TOTPRequired != nil {
		s.TOTPRequired = *u.TOTPRequired
	}
	return s
}

// Validate checks the settings, except the issuer's form, which the
// service checks with the OpenID Connect engine.
func (s *SignInSettings) Validate(v *Validation) {
	v.MaxLen("display_name", s.DisplayName, 100)
	v.Text("display_name", s.DisplayName)
	v.MaxLen("client_id", s.ClientID, 500)
	v.Text("client_id", s.ClientID)
	v.MaxLen("scopes", s.Scopes, 500)
	v.Text("scopes", s.Scopes)
	v.MaxLen("group_claim", s.GroupClaim, 100)
	v.Text("group_claim", s.GroupClaim)
	if s.SSOEnabled {
		v.Required("issuer", s.Issuer)
		v.Required("client_id", s.ClientID)
	}
	if !s.DefaultRole.IsValid() {
		v.Add("default_role", "is not a known role")
	} else if s.DefaultRole == RoleAdmin {
		v.Add("default_role", "may not be admin: a person joining through the provider would manage the organization; map an admins group instead")
	}
	seen := map[string]bool{}
	for i, g := range s.GroupRoles {
		f := "group_roles/" + itoa(i)
		if g.Group == "" {
			v.Add(f+"/group", "is required")
		} else if seen[g.Group] {
			v.Add(f+"/group", "is mapped already, higher in the table")
		}
		seen[g.Group] = true
		v.Text(f+"/group", g.Group)
		if !g.Role.IsValid() {
			v.Add(f+"/role", "is not a known role")
		}
	}
	if len(s.GroupRoles) > 200 {
		v.Add("group_roles", "at most 200 rows")
	}
	if !s.TOTPRequired.IsValid() {
		v.Add("totp_required", "is not one of none, admins, all")
	}
	if !s.LocalPasswords && s.BreakGlassEmail == "" {
		v.Add("break_glass_email", "is required when local passwords are turned off: name the local admin account that still signs in with a password if the provider fails")
	}
	if s.BreakGlassEmail != "" && !strings.Contains(s.BreakGlassEmail, "@") {
		v.Add("break_glass_email", "is not an email address")
	}
	if !s.LocalPasswords && !s.SSOEnabled {
		v.Add("local_passwords", "can be turned off only while sign-in through the provider is on")
	}
}

// SessionInfo is one web session as its person sees it.
type SessionInfo struct {
	ID         string    `json:"id"`
	UserAgent  string    `json:"user_agent"`
	Address    string    `json:"address"`
	Method     string    `json:"method"` // password or sso
	StartedAt  time.Time `json:"started_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Current    bool      `json:"current"`
}

// TOTPStatus is whether an account has a second factor, and how many
// recovery codes it has left.
type TOTPStatus struct {
	Enabled       bool       `json:"enabled"`
	ConfirmedAt   *time.Time `json:"confirmed_at,omitempty"`
	RecoveryCodes int        `json:"recovery_codes"`
}
