// Package authz decides what a caller may do. Every service call asks it
// first; the answer is a Scope naming the caller's organization, which the
// store puts in every query. Roles and their permissions are a table in code
// (ISO/IEC 42001 5.3 and A.3.2: roles, responsibilities and authorities).
package authz

import (
	"context"
	"slices"

	"github.com/aimsproject/aims/internal/aims"
)

// Permission is one thing a role may do.
type Permission string

// The permissions.
const (
	// Read reads the organization's management-system records.
	Read Permission = "read"
	// Export downloads records in bulk (CSV, reports, audit packs).
	Export Permission = "export"
	// Edit creates, changes and deletes any management-system record.
	Edit Permission = "edit"
	// EditOwned creates AI systems owned by the caller and changes the
	// systems (and their model versions) the caller owns.
	EditOwned Permission = "edit_owned"
	// Approve gives approvals: SoA versions, risk acceptance, releases.
	Approve Permission = "approve"
	// ReadAudit reads the audit trail, with the before and after of every
	// change.
	ReadAudit Permission = "read_audit"
	// ManageUsers adds members and changes their roles.
	ManageUsers Permission = "manage_users"
	// ManageTokens creates and revokes API tokens of any member.
	ManageTokens Permission = "manage_tokens"
	// ManageSettings changes the organization's settings.
	ManageSettings Permission = "manage_settings"
)

// Permissions lists every permission, for the role matrix page.
func Permissions() []Permission {
	return []Permission{Read, Export, Edit, EditOwned, Approve, ReadAudit, ManageUsers, ManageTokens, ManageSettings}
}

// rolePermissions is the role table. An auditor reads and exports but
// writes nothing; a system owner edits only what they own.
var rolePermissions = map[aims.Role][]Permission{
	aims.RoleAdmin:       {Read, Export, Edit, EditOwned, Approve, ReadAudit, ManageUsers, ManageTokens, ManageSettings},
	aims.RoleAIMSManager: {Read, Export, Edit, EditOwned, Approve, ReadAudit},
	aims.RoleSystemOwner: {Read, Export, EditOwned},
	aims.RoleContributor: {Read, Export, Edit},
	aims.RoleAuditor:     {Read, Export, ReadAudit},
	aims.RoleViewer:      {Read},
}

// Can reports whether role has permission p.
func Can(role aims.Role, p Permission) bool {
	return slices.Contains(rolePermissions[role], p)
}

// Principal is the authenticated caller in one organization.
type Principal struct {
	UserID    string
	Email     string
	Name      string
	OrgID     string
	OrgSlug   string
	OrgName   string
	Role      aims.Role
	TokenID   string // set when the caller used an API token
	TokenName string
	// Operator marks the host's operator running the aims command (or aims
	// itself, at setup and demo loading): trusted as an admin of the
	// organization it names.
	Operator bool
	// Kind overrides how the audit trail names an operator (cli or system).
	Kind aims.ActorKind
}

// Actor is how the audit trail names the principal.
func (p *Principal) Actor() aims.Actor {
	switch {
	case p.Operator:
		kind := p.Kind
		if kind == "" {
			kind = aims.ActorCLI
		}
		return aims.Actor{Kind: kind, UserID: p.UserID, Label: p.Email}
	case p.TokenID != "":
		return aims.Actor{Kind: aims.ActorToken, UserID: p.UserID, TokenID: p.TokenID, Label: p.Email + " (token " + p.TokenName + ")"}
	default:
		return aims.Actor{Kind: aims.ActorUser, UserID: p.UserID, Label: p.Email}
	}
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p; authentication middleware calls it.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller carried by ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Operator returns a principal for the host's operator acting on one
// organization through the CLI. label names who ran it, for the audit trail.
func Operator(org *aims.Organization, label string) *Principal {
	return &Principal{OrgID: org.ID, OrgSlug: org.Slug, OrgName: org.Name, Role: aims.RoleAdmin, Email: label, Operator: true}
}

// Authorize checks that the caller in ctx holds permission p and returns
// the scope of the caller's organization. what names the action in the
// error message ("create AI systems").
func Authorize(ctx context.Context, p Permission, what string) (aims.Scope, *Principal, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return aims.Scope{}, nil, &aims.Error{Kind: aims.KindUnauthenticated, Message: "sign in, or send an API token as 'Authorization: Bearer TOKEN'"}
	}
	if !Can(pr.Role, p) {
		return aims.Scope{}, pr, aims.ErrForbidden(what)
	}
	return aims.NewTenantScope(pr.OrgID, pr.Actor()), pr, nil
}

// AuthorizeSystemEdit checks that the caller may change an AI system (or
// its model versions) owned by ownerID: with Edit, or with EditOwned as its
// owner.
func AuthorizeSystemEdit(ctx context.Context, ownerID, what string) (aims.Scope, *Principal, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return Authorize(ctx, Edit, what)
	}
	if Can(pr.Role, Edit) || (Can(pr.Role, EditOwned) && ownerID != "" && ownerID == pr.UserID) {
		return aims.NewTenantScope(pr.OrgID, pr.Actor()), pr, nil
	}
	if Can(pr.Role, EditOwned) {
		return aims.Scope{}, pr, aims.Errorf(aims.KindForbidden, "only the system's owner, a contributor or an AIMS manager may %s", what)
	}
	return aims.Scope{}, pr, aims.ErrForbidden(what)
}

// AuthorizeSystemWrite checks that the caller may change some AI systems
// (Edit, or EditOwned for their own), before a record is loaded: a caller who
// may change none is refused at once, whether the id exists or not.
func AuthorizeSystemWrite(ctx context.Context, what string) (aims.Scope, *Principal, error) {
	pr := PrincipalFrom(ctx)
	if pr != nil && !Can(pr.Role, Edit) && Can(pr.Role, EditOwned) {
		return aims.NewTenantScope(pr.OrgID, pr.Actor()), pr, nil
	}
	return Authorize(ctx, Edit, what)
}
