package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// InvitationPath is where an invitation's link points, before its secret
// (a query parameter, as the setup link's: request logs record paths).
const InvitationPath = "/invitation?token="

// An organization adds a person only through an invitation the person
// accepts. Inviting says nothing of whether the email has an account
// (in this or any deployment's other organizations): the answer is the same
// invitation either way, and no account's id, name or memberships reach the
// inviting organization until the person joins it.

// InviteMember invites email to the caller's organization with a role, and
// returns the invitation with its link (shown once). An earlier pending
// invitation of the same email is revoked. A current member is a conflict:
// the organization knows its own members.
func (s *Service) InviteMember(ctx context.Context, in aims.NewInvitation) (*aims.Invitation, error) {
	scope, p, err := authz.Authorize(ctx, authz.ManageUsers, "invite people")
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	secret := newInvitationSecret()
	inv := &aims.Invitation{Email: in.Email, Role: in.Role, InvitedBy: p.Actor().Label, ExpiresAt: s.db.Now().Add(aims.InvitationFor)}
	err = s.transact(ctx, func(tx *store.Tx) error {
		if _, err := store.FindMemberByEmail(ctx, tx, scope, in.Email); err == nil {
			return &aims.Error{Kind: aims.KindConflict, Message: in.Email + " is already a member of this organization",
				Fields: []aims.FieldError{{Field: "email", Detail: "is already a member"}}}
		} else if !aims.IsKind(err, aims.KindNotFound) {
			return err
		}
		return store.CreateInvitation(ctx, tx, scope, inv, hashToken(secret))
	})
	if err != nil {
		return nil, err
	}
	inv.URL = InvitationPath + secret
	return inv, nil
}

// FindInvitations lists the invitations of the caller's organization.
func (s *Service) FindInvitations(ctx context.Context, page aims.Page) ([]*aims.Invitation, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageUsers, "list invitations")
	if err != nil {
		return nil, 0, err
	}
	return store.FindInvitations(ctx, s.db, scope, page)
}

// RevokeInvitation stops a pending invitation's link.
func (s *Service) RevokeInvitation(ctx context.Context, id string) (*aims.Invitation, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageUsers, "revoke invitations")
	if err != nil {
		return nil, err
	}
	var out *aims.Invitation
	err = s.transact(ctx, func(tx *store.Tx) error {
		inv, err := store.FindInvitationByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		out, err = store.MarkInvitation(ctx, tx, scope, inv, false)
		return err
	})
	return out, err
}

// errInvitationGone answers a link that is unknown, used, revoked or
// expired alike.
var errInvitationGone = aims.ErrNotFound("invitation (the link may have been used, revoked or expired: ask for a new one)")

// PendingInvitation returns the pending invitation of a link's secret and
// the organization it invites to, for the person following the link (no
// sign-in). It tells nothing of any account.
func (s *Service) PendingInvitation(ctx context.Context, secret string) (*aims.Invitation, *aims.Organization, error) {
	inv, orgID, err := store.FindInvitationByToken(ctx, s.db, hashToken(strings.TrimSpace(secret)))
	if aims.IsKind(err, aims.KindNotFound) {
		return nil, nil, errInvitationGone
	}
	if err != nil {
		return nil, nil, err
	}
	if inv.Status(s.db.Now()) != "pending" {
		return nil, nil, errInvitationGone
	}
	org, err := store.FindOrganizationByID(ctx, s.db, orgID)
	if err != nil {
		return nil, nil, err
	}
	return inv, org, nil
}

// AcceptInvitation makes the person following the link a member: an
// existing account proves its password (counted like a sign-in attempt),
// a new account is made with the name and password given. It returns what
// a sign-in returns, for starting a session in the organization joined.
func (s *Service) AcceptInvitation(ctx context.Context, secret string, acc aims.InvitationAcceptance, client string) (*LoginResult, *aims.Organization, error) {
	inv, org, err := s.PendingInvitation(ctx, secret)
	if err != nil {
		return nil, nil, err
	}
	u, hash, err := store.FindUserByEmail(ctx, s.db, inv.Email)
	if err != nil && !aims.IsKind(err, aims.KindNotFound) {
		return nil, nil, err
	}
	var newHash string
	if u != nil {
		claim := newLoginClaim(inv.Email, client)
		wait, err := s.claimAttempt(ctx, claim)
		if err != nil {
			return nil, nil, err
		}
		if wait > 0 {
			return nil, nil, tooManyAttempts(wait)
		}
		ok, err := s.checkPassword(ctx, hash, acc.Password)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, &aims.Error{Kind: aims.KindInvalid, Message: "the password is not right",
				Fields: []aims.FieldError{{Field: "password", Detail: "is not the password of your account"}}}
		}
		if err := s.attemptSucceeded(ctx, claim); err != nil {
			return nil, nil, err
		}
	} else {
		acc.Name = strings.TrimSpace(acc.Name)
		var v aims.Validation
		v.Required("name", acc.Name)
		v.MaxLen("name", acc.Name, 200)
		aims.ValidatePassword(&v, "password", acc.Password)
		if err := v.Err(); err != nil {
			return nil, nil, err
		}
		if newHash, err = s.hashPassword(ctx, acc.Password); err != nil {
			return nil, nil, err
		}
	}
	var joined *aims.User
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		joined = u
		actor := aims.Actor{Kind: aims.ActorUser, Label: inv.Email}
		if joined != nil {
			actor.UserID = joined.ID
		}
		scope := authz.InviteeScope(org.ID, actor)
		if joined == nil {
			joined = &aims.User{Email: inv.Email, Name: acc.Name}
			if err := store.CreateUser(ctx, tx, scope, joined, newHash); err != nil {
				return err
			}
		}
		if _, err := store.MarkInvitation(ctx, tx, scope, inv, true); err != nil {
			return err
		}
		_, err := store.AddMember(ctx, tx, scope, joined, inv.Role)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	s.authz.invalidate(org.ID)
	ms, err := store.FindMembershipsOfUser(ctx, s.db, joined.ID)
	if err != nil {
		return nil, nil, err
	}
	var active []store.Membership
	for _, m := range ms {
		if !m.Disabled {
			active = append(active, m)
		}
	}
	second, err := s.hasTOTP(ctx, s.db, joined.ID)
	if err != nil {
		return nil, nil, err
	}
	return &LoginResult{User: joined, Memberships: active, SecondFactor: second}, org, nil
}

// newInvitationSecret returns 256 random bits for an invitation's link;
// like an API token's, its plain SHA-256 is what is stored.
func newInvitationSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
