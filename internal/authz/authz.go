// Package authz decides what a caller may do. Every service call asks it
// first; the answer is a Scope naming the caller's organization, which the
// store puts in every query. Roles and their permissions are a table in code
// (ISO/IEC 42001 5.3 and A.3.2: roles, responsibilities and authorities).
package authz

import (
	"context"
	"slices"
	"strings"

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
	// ReadLog reads the organization's tamper-evident log: checkpoints,
	// tiles, entries and proofs (entries name who changed which record
	// when, and hold digests, not the records).
	ReadLog Permission = "read_log"
	// RecordDecisions posts decision events of AI systems (an edge
	// gateway's work; A.6.2.8).
	RecordDecisions Permission = "record_decisions"
	// ReadAuthorization asks whether an AI system and a model version may
	// act now.
	ReadAuthorization Permission = "read_authorization"
	// Suspend stops and resumes any AI system or model version (A.9.2); a
	// system's owner may also stop their own.
	Suspend Permission = "suspend"
	// Erase erases the payload of a decision event on request (personal
	// data), leaving its sealed digest in the log.
	Erase Permission = "erase"
	// ReadPayload reads the payloads of decision events (their inputs,
	// output and who acted): personal data until shown otherwise. A
	// system's owner reads those of their own systems.
	ReadPayload Permission = "read_payload"
	// Acknowledge records, for the caller alone, that they read an
	// approved version of a controlled document (7.3 awareness): every
	// member but an auditor, who writes nothing.
	Acknowledge Permission = "acknowledge"
	// AddEvidence adds evidence and its revisions (a file or a link) to
	// the organization's records: a CI pipeline's work (ISO/IEC 42001 7.5).
	AddEvidence Permission = "add_evidence"
)

// Permissions lists every permission, for the role matrix page.
func Permissions() []Permission {
	return []Permission{Read, Export, Edit, EditOwned, Approve, ReadAudit, ManageUsers, ManageTokens, ManageSettings, ReadLog,
		RecordDecisions, ReadAuthorization, Suspend, Erase, ReadPayload, Acknowledge, AddEvidence}
}

// rolePermissions is the role table. An auditor reads and exports but
// writes nothing; a system owner edits only what they own.
var rolePermissions = map[aims.Role][]Permission{
	aims.RoleAdmin: {Read, Export, Edit, EditOwned, Approve, ReadAudit, ManageUsers, ManageTokens, ManageSettings, ReadLog,
		RecordDecisions, ReadAuthorization, Suspend, Erase, ReadPayload, Acknowledge, AddEvidence},
	aims.RoleAIMSManager: {Read, Export, Edit, EditOwned, Approve, ReadAudit, ReadLog, RecordDecisions, ReadAuthorization, Suspend, ReadPayload,
		Acknowledge, AddEvidence},
	aims.RoleSystemOwner: {Read, Export, EditOwned, ReadLog, RecordDecisions, ReadAuthorization, Acknowledge, AddEvidence},
	aims.RoleContributor: {Read, Export, Edit, ReadLog, RecordDecisions, ReadAuthorization, Acknowledge, AddEvidence},
	aims.RoleAuditor:     {Read, Export, ReadAudit, ReadLog, ReadAuthorization, ReadPayload},
	aims.RoleViewer:      {Read, ReadLog, ReadAuthorization, Acknowledge},
}

// scopePermissions is the scope table: a token with scopes may do only
// what one of its scopes grants, and never more than its member's role.
// Capabilities that give tokens narrower powers add their scopes here.
var scopePermissions = map[string][]Permission{
	aims.ScopeLogRead:           {ReadLog},
	aims.ScopeDecisionsWrite:    {RecordDecisions},
	aims.ScopeAuthorizationRead: {ReadAuthorization},
	aims.ScopeEvidenceWrite:     {AddEvidence},
}

// SystemScoped reports whether scope s may be limited to named AI systems:
// the scopes of an edge gateway, whose every operation names one system.
func SystemScoped(s string) bool {
	return s == aims.ScopeDecisionsWrite || s == aims.ScopeAuthorizationRead || s == aims.ScopeEvidenceWrite
}

// KnownScope reports whether s is a scope a token may be given.
func KnownScope(s string) bool {
	_, ok := scopePermissions[s]
	return ok
}

// Scopes lists the scopes a token may be given, sorted.
func Scopes() []string {
	out := make([]string, 0, len(scopePermissions))
	for s := range scopePermissions {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
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
	// Scopes, when not empty, limit an API token to what they grant.
	Scopes []string
	// Systems, when not empty, limit an API token to these AI systems.
	Systems []string
}

// SystemAllowed reports whether the principal may act on the AI system id:
// always, unless its token is limited to other systems.
func (p *Principal) SystemAllowed(id string) bool {
	return len(p.Systems) == 0 || slices.Contains(p.Systems, id)
}

// Can reports whether the principal holds permission perm: its role has
// it and, for a scoped token, one of its scopes grants it.
func (p *Principal) Can(perm Permission) bool {
	return Can(p.Role, perm) && p.scopeAllows(perm)
}

func (p *Principal) scopeAllows(perm Permission) bool {
	if len(p.Scopes) == 0 {
		return true
	}
	for _, s := range p.Scopes {
		if slices.Contains(scopePermissions[s], perm) {
			return true
		}
	}
	return false
}

// refusal explains a missing permission: the token's scopes, or the role.
func (p *Principal) refusal(what string) error {
	if Can(p.Role, Read) && len(p.Scopes) > 0 {
		return aims.Errorf(aims.KindForbidden, "this API token is limited to %s: it may not %s", strings.Join(p.Scopes, " "), what)
	}
	return aims.ErrForbidden(what)
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
	if !pr.Can(p) {
		return aims.Scope{}, pr, pr.refusal(what)
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
	if pr.Can(Edit) || (pr.Can(EditOwned) && ownerID != "" && ownerID == pr.UserID) {
		return aims.NewTenantScope(pr.OrgID, pr.Actor()), pr, nil
	}
	if pr.Can(EditOwned) {
		return aims.Scope{}, pr, aims.Errorf(aims.KindForbidden, "only the system's owner, a contributor or an AIMS manager may %s", what)
	}
	return aims.Scope{}, pr, pr.refusal(what)
}

// AuthorizeSystem checks that the caller holds p and may act on the AI
// system systemID (a gateway's token may be limited to some systems).
func AuthorizeSystem(ctx context.Context, p Permission, systemID, what string) (aims.Scope, *Principal, error) {
	scope, pr, err := Authorize(ctx, p, what)
	if err != nil {
		return scope, pr, err
	}
	if !pr.SystemAllowed(systemID) {
		return aims.Scope{}, pr, aims.Errorf(aims.KindForbidden, "this API token is limited to other AI systems: it may not %s", what)
	}
	return scope, pr, nil
}

// AuthorizeSuspend checks that the caller may stop or resume an AI system
// owned by ownerID (or one of its model versions): with Suspend (an AIMS
// manager or an admin), or as the system's owner with a role that edits
// systems (ISO/IEC 42001 A.3.2: the owner has the authority to stop it).
func AuthorizeSuspend(ctx context.Context, ownerID, what string) (aims.Scope, *Principal, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return Authorize(ctx, Suspend, what)
	}
	owner := ownerID != "" && ownerID == pr.UserID && (pr.Can(EditOwned) || pr.Can(Edit))
	if pr.Can(Suspend) || owner {
		return aims.NewTenantScope(pr.OrgID, pr.Actor()), pr, nil
	}
	if pr.Can(EditOwned) || pr.Can(Edit) {
		return aims.Scope{}, pr, aims.Errorf(aims.KindForbidden, "only the system's owner, an AIMS manager or an admin may %s", what)
	}
	return aims.Scope{}, pr, pr.refusal(what)
}

// AuthorizeSystemWrite checks that the caller may change some AI systems
// (Edit, or EditOwned for their own), before a record is loaded: a caller who
// may change none is refused at once, whether the id exists or not.
func AuthorizeSystemWrite(ctx context.Context, what string) (aims.Scope, *Principal, error) {
	pr := PrincipalFrom(ctx)
	if pr != nil && !pr.Can(Edit) && pr.Can(EditOwned) {
		return aims.NewTenantScope(pr.OrgID, pr.Actor()), pr, nil
	}
	return Authorize(ctx, Edit, what)
}

// AccountScopes returns the scopes in which a change to one person's
// account (their name, their password) is recorded: one per organization
// the person belongs to, each naming actor. An account is the person's in
// every organization, so only the person or the host's operator changes it
// (the service checks which), and every organization's audit trail shows
// the change.
func AccountScopes(actor aims.Actor, orgIDs []string) []aims.Scope {
	out := make([]aims.Scope, len(orgIDs))
	for i, id := range orgIDs {
		out[i] = aims.NewTenantScope(id, actor)
	}
	return out
}

// InviteeScope is the scope in which a person accepting an invitation to
// orgID joins it: the invitation's secret, which only the person was sent,
// is the authority.
func InviteeScope(orgID string, actor aims.Actor) aims.Scope {
	return aims.NewTenantScope(orgID, actor)
}
