package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// ErrBadCredentials is the one answer to a wrong password and to an unknown
// email alike, so that sign-in does not reveal who has an account.
var ErrBadCredentials = &aims.Error{Kind: aims.KindUnauthenticated, Message: "the email or password is not right"}

// LoginResult is a person who proved their password, with the organizations
// they may enter.
type LoginResult struct {
	User        *aims.User
	Memberships []store.Membership
	// SecondFactor says that the account has a TOTP second factor: the
	// person is not signed in until VerifySecondFactor accepts a code.
	SecondFactor bool
}

// Login checks an email and password. client names the caller's address for
// throttling: the attempt is counted before the password is checked (see
// ratelimit.go), and refused while a delay earned by earlier failures runs.
func (s *Service) Login(ctx context.Context, email, password, client string) (*LoginResult, error) {
	email = aims.NormalizeEmail(email)
	claim := newLoginClaim(email, client)
	wait, err := s.claimAttempt(ctx, claim)
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		s.log.InfoContext(ctx, "sign-in refused: too many failures", "email", email, "client", client, "wait", wait)
		return nil, tooManyAttempts(wait)
	}
	u, hash, err := store.FindUserByEmail(ctx, s.db, email)
	if err != nil && !aims.IsKind(err, aims.KindNotFound) {
		return nil, err
	}
	ok, err := s.checkPassword(ctx, hash, password) // hash is "" for an unknown user: same cost, no match
	if err != nil {
		return nil, err
	}
	if u == nil || !ok {
		s.log.InfoContext(ctx, "sign-in failed", "email", email, "client", client)
		return nil, ErrBadCredentials
	}
	active, err := s.passwordMemberships(ctx, u)
	if err != nil {
		return nil, err
	}
	if err := s.attemptSucceeded(ctx, claim); err != nil {
		return nil, err
	}
	second, err := s.hasTOTP(ctx, s.db, u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.transact(ctx, func(tx *store.Tx) error { return store.TouchLogin(ctx, tx, u.ID) }); err != nil {
		return nil, err
	}
	return &LoginResult{User: u, Memberships: active, SecondFactor: second}, nil
}

// passwordMemberships returns the organizations the account u may enter
// with its password: enabled memberships of organizations that keep local
// passwords, or name u as their break-glass account.
func (s *Service) passwordMemberships(ctx context.Context, u *aims.User) ([]store.Membership, error) {
	ms, err := store.FindMembershipsOfUser(ctx, s.db, u.ID)
	if err != nil {
		return nil, err
	}
	var active []store.Membership
	ssoOnly := false
	for _, m := range ms {
		if m.Disabled {
			continue
		}
		// An organization that turned local passwords off admits only its
		// break-glass account with one.
		st, _, err := store.FindSignInSettingsOfOrg(ctx, s.db, m.Org.ID)
		if err != nil {
			return nil, err
		}
		if !st.LocalPasswords && st.BreakGlassEmail != u.Email {
			ssoOnly = true
			continue
		}
		active = append(active, m)
	}
	if len(active) == 0 {
		if ssoOnly {
			return nil, &aims.Error{Kind: aims.KindUnauthenticated, Message: "your organization signs in through its identity provider: use the single sign-on button"}
		}
		return nil, ErrBadCredentials
	}
	return active, nil
}

// LoginResultFor is what a sign-in returns, for the account userID that
// proved its password and its second factor.
func (s *Service) LoginResultFor(ctx context.Context, userID string) (*LoginResult, error) {
	u, _, err := store.FindUserByID(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	active, err := s.passwordMemberships(ctx, u)
	if err != nil {
		return nil, err
	}
	return &LoginResult{User: u, Memberships: active, SecondFactor: true}, nil
}

func tooManyAttempts(wait time.Duration) error {
	secs := int(wait.Seconds())
	if wait > time.Duration(secs)*time.Second {
		secs++
	}
	return aims.Errorf(aims.KindRateLimited, "too many failed sign-in attempts: try again in %d seconds", secs)
}

// PrincipalForSession rebuilds the caller of a web session from the
// database on every request, so that a changed role or a disabled account
// takes effect at once. epoch is the account's session epoch when the
// session began: a password changed since has ended the session.
func (s *Service) PrincipalForSession(ctx context.Context, userID, orgID string, epoch int64) (*authz.Principal, error) {
	u, _, err := store.FindUserByID(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	if u.SessionEpoch != epoch {
		return nil, &aims.Error{Kind: aims.KindUnauthenticated, Message: "your session has ended (the password changed): sign in again"}
	}
	ms, err := store.FindMembershipsOfUser(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Org.ID == orgID && !m.Disabled {
			return &authz.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, OrgID: m.Org.ID, OrgSlug: m.Org.Slug, OrgName: m.Org.Name, Role: m.Role}, nil
		}
	}
	return nil, &aims.Error{Kind: aims.KindUnauthenticated, Message: "your session has ended: sign in again"}
}

// tokenTouchEvery throttles last-used stamps, so that a pipeline calling
// many times a second does not write on every call.
const tokenTouchEvery = time.Minute

// AuthenticateToken returns the caller of an API token, or an
// unauthenticated error for an unknown, revoked or expired one.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*authz.Principal, error) {
	bad := &aims.Error{Kind: aims.KindUnauthenticated, Message: "the API token is not valid: it may be revoked or expired"}
	hash := hashToken(secret)
	now := s.db.Now()
	p, gen := s.cachedPrincipal(ctx, hash, now)
	if p != nil {
		s.touchToken(ctx, p.TokenID)
		return p, nil
	}
	o, err := store.FindTokenByHash(ctx, s.db, hash)
	if aims.IsKind(err, aims.KindNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if !o.Token.Active(now) || o.Disabled {
		return nil, bad
	}
	s.touchToken(ctx, o.Token.ID)
	p = &authz.Principal{UserID: o.User.ID, Email: o.User.Email, Name: o.User.Name, OrgID: o.OrgID, OrgSlug: o.OrgSlug, OrgName: o.OrgName,
		Role: o.Role, TokenID: o.Token.ID, TokenName: o.Token.Name, Scopes: o.Token.Scopes, Systems: o.Token.Systems}
	// Kept until a change to tokens or memberships of the organization
	// (authzCache), a minute, or the token's expiry, whichever comes first.
	until := now.Add(tokenCacheFor)
	if o.Token.ExpiresAt != nil && o.Token.ExpiresAt.Before(until) {
		until = *o.Token.ExpiresAt
	}
	s.keepPrincipal(hash, p, until, gen)
	return p, nil
}

// touchToken stamps a token's last use, at most once a minute. Only one
// request writes stamps at a time, in one transaction for every token used
// meanwhile: a write per gateway, each waiting on the database's one
// writer, made the first answers after a start queue behind each other
// (issue 17's p99). The others go on at once; their stamps are written
// by the request writing, before it ends.
func (s *Service) touchToken(ctx context.Context, id string) {
	s.touchMu.Lock()
	last, seen := s.lastTouch[id]
	now := time.Now()
	if seen && now.Sub(last) < tokenTouchEvery {
		s.touchMu.Unlock()
		return
	}
	s.lastTouch[id] = now
	s.toTouch[id] = true
	if s.touching {
		s.touchMu.Unlock()
		return
	}
	s.touching = true
	s.touchMu.Unlock()
	s.writeTouches(context.WithoutCancel(ctx))
}

// writeTouches writes the stamps of the tokens used until none is left,
// in three transactions at most: what arrives after is written by the next
// request that stamps one.
func (s *Service) writeTouches(ctx context.Context) {
	for round := 0; ; round++ {
		s.touchMu.Lock()
		if round == 3 || len(s.toTouch) == 0 {
			s.touching = false
			s.touchMu.Unlock()
			return
		}
		ids := slices.Collect(maps.Keys(s.toTouch))
		clear(s.toTouch)
		s.touchMu.Unlock()
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			for _, id := range ids {
				if err := store.TouchToken(ctx, tx, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			s.log.WarnContext(ctx, "could not record token use", "tokens", len(ids), "err", err)
		}
	}
}

// OwnOrganization returns the organization of any authenticated caller,
// however narrow its token's scopes: knowing who one is needs no permission.
func (s *Service) OwnOrganization(ctx context.Context) (*aims.Organization, error) {
	p := authz.PrincipalFrom(ctx)
	if p == nil {
		return nil, &aims.Error{Kind: aims.KindUnauthenticated, Message: "sign in, or send an API token as 'Authorization: Bearer TOKEN'"}
	}
	return store.FindOrganizationByID(ctx, s.db, p.OrgID)
}

// FindMembers lists the members of the caller's organization. Every role
// may list them: owners are picked from this list.
func (s *Service) FindMembers(ctx context.Context, f aims.MemberFilter) ([]*aims.Member, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "list members")
	if err != nil {
		return nil, 0, err
	}
	return store.FindMembers(ctx, s.db, scope, f)
}

// FindMemberByID returns one member of the caller's organization.
func (s *Service) FindMemberByID(ctx context.Context, id string) (*aims.Member, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read members")
	if err != nil {
		return nil, err
	}
	return store.FindMemberByID(ctx, s.db, scope, id)
}

// AddMember creates a new account with the given password and makes it a
// member of the caller's organization. It serves the host's operator and
// tests; an organization's admin invites instead (InviteMember), so that
// an existing account is joined only by its person. An email that has an
// account already is refused here.
func (s *Service) AddMember(ctx context.Context, in aims.NewMember) (*aims.Member, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageUsers, "add users")
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var hash string
	if in.Password != "" {
		if hash, err = s.hashPassword(ctx, in.Password); err != nil {
			return nil, err
		}
	}
	var m *aims.Member
	err = s.transact(ctx, func(tx *store.Tx) error {
		u, _, err := store.FindUserByEmail(ctx, tx, in.Email)
		switch {
		case aims.IsKind(err, aims.KindNotFound):
			if hash == "" {
				return &aims.Error{Kind: aims.KindInvalid, Message: "a new account needs a password",
					Fields: []aims.FieldError{{Field: "password", Detail: fmt.Sprintf("is required for a new account (at least %d characters)", aims.MinPasswordLength)}}}
			}
			u = &aims.User{Email: in.Email, Name: in.Name}
			if err := store.CreateUser(ctx, tx, scope, u, hash); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			return &aims.Error{Kind: aims.KindConflict, Message: "an account with this email exists: invite the person instead",
				Fields: []aims.FieldError{{Field: "email", Detail: "has an account: invite the person"}}}
		}
		m, err = store.AddMember(ctx, tx, scope, u, in.Role)
		return err
	})
	return m, err
}

// UpdateMember changes a member's name, role or disabled flag. The last
// enabled admin cannot be demoted or disabled: someone must be able to
// manage the organization.
func (s *Service) UpdateMember(ctx context.Context, id string, upd aims.MemberUpdate) (*aims.Member, error) {
	scope, p, err := authz.Authorize(ctx, authz.ManageUsers, "change users")
	if err != nil {
		return nil, err
	}
	var after aims.Member
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindMemberByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		after = *before
		var v aims.Validation
		if upd.Name != nil && *upd.Name != before.Name {
			// The account is the person's, shared with the other
			// organizations they belong to.
			v.Add("name", "is changed by the person on their account page (or by the host's operator: aims user rename), not by an organization's admin")
		}
		if upd.Role != nil {
			after.Role = *upd.Role
			if !after.Role.IsValid() {
				v.Add("role", "is not a known role")
			}
		}
		if upd.Disabled != nil {
			after.Disabled = *upd.Disabled
			if after.Disabled && id == p.UserID {
				v.Add("disabled", "you cannot disable your own account")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if before.Role == aims.RoleAdmin && !before.Disabled && (after.Role != aims.RoleAdmin || after.Disabled) {
			n, err := store.CountAdmins(ctx, tx, scope)
			if err != nil {
				return err
			}
			if n <= 1 {
				return aims.Errorf(aims.KindConflict, "%s is the last admin: make someone else admin first", before.Email)
			}
		}
		return store.UpdateMember(ctx, tx, scope, before, &after)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// ChangePassword sets a new password for the caller, who proves the old one.
// Every session of the account ends; the returned epoch keeps the caller's
// own session going.
func (s *Service) ChangePassword(ctx context.Context, current, next string) (epoch int64, err error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "change your password")
	if err != nil {
		return 0, err
	}
	if p.Operator || p.TokenID != "" {
		return 0, aims.Errorf(aims.KindForbidden, "sign in to the web UI to change your password")
	}
	u, hash, err := store.FindUserByID(ctx, s.db, p.UserID)
	if err != nil {
		return 0, err
	}
	ok, err := s.checkPassword(ctx, hash, current)
	if err != nil {
		return 0, err
	}
	var v aims.Validation
	if !ok {
		v.Add("current_password", "is not right")
	}
	aims.ValidatePassword(&v, "new_password", next)
	if err := v.Err(); err != nil {
		return 0, err
	}
	newHash, err := s.hashPassword(ctx, next)
	if err != nil {
		return 0, err
	}
	err = s.transact(ctx, func(tx *store.Tx) error {
		scopes, err := accountScopes(ctx, tx, p.Actor(), u.ID)
		if err != nil {
			return err
		}
		return store.SetPassword(ctx, tx, scopes, u, newHash)
	})
	s.authz.invalidate(scope.OrgID())
	return u.SessionEpoch, err
}

// accountScopes returns a scope for each organization the account userID
// belongs to, naming actor: a change to the account is recorded in each.
func accountScopes(ctx context.Context, q store.Querier, actor aims.Actor, userID string) ([]aims.Scope, error) {
	ms, err := store.FindMembershipsOfUser(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.Org.ID
	}
	return authz.AccountScopes(actor, ids), nil
}

// RenameSelf changes the caller's own name, as every organization they
// belong to knows them; each records the change. Only the person, signed
// in, does this (an organization's admin does not rename an account that
// other organizations share).
func (s *Service) RenameSelf(ctx context.Context, name string) (*aims.User, error) {
	_, p, err := authz.Authorize(ctx, authz.Read, "change your name")
	if err != nil {
		return nil, err
	}
	if p.Operator || p.TokenID != "" || p.UserID == "" {
		return nil, aims.Errorf(aims.KindForbidden, "sign in to the web UI to change your name")
	}
	return s.renameAccount(ctx, p.UserID, name, p.Actor())
}

// RenameAccount is the host's operator renaming the account of email (the
// aims command); every organization the person belongs to records it.
func (s *Service) RenameAccount(ctx context.Context, email, name, label string) (*aims.User, error) {
	u, _, err := store.FindUserByEmail(ctx, s.db, aims.NormalizeEmail(email))
	if err != nil {
		return nil, err
	}
	return s.renameAccount(ctx, u.ID, name, aims.Actor{Kind: aims.ActorCLI, Label: label})
}

func (s *Service) renameAccount(ctx context.Context, userID, name string, actor aims.Actor) (*aims.User, error) {
	name = strings.TrimSpace(name)
	var v aims.Validation
	v.Required("name", name)
	v.MaxLen("name", name, 200)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *aims.User
	var orgs []aims.Scope
	err := s.transact(ctx, func(tx *store.Tx) error {
		u, _, err := store.FindUserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if orgs, err = accountScopes(ctx, tx, actor, userID); err != nil {
			return err
		}
		out, err = store.SetUserName(ctx, tx, orgs, u, name)
		return err
	})
	for _, sc := range orgs {
		s.authz.invalidate(sc.OrgID())
	}
	return out, err
}

// CreateToken makes an API token for a member and returns its secret, which
// is shown once and never stored. Only admins make tokens (the token acts
// with its member's role, so this is how a pipeline gets a contributor's
// rights and an edge gateway a narrow one).
func (s *Service) CreateToken(ctx context.Context, in aims.NewToken) (string, *aims.Token, error) {
	scope, p, err := authz.Authorize(ctx, authz.ManageTokens, "create API tokens")
	if err != nil {
		return "", nil, err
	}
	if in.UserID == "" {
		in.UserID = p.UserID
	}
	var v aims.Validation
	v.Required("name", in.Name)
	v.MaxLen("name", in.Name, 100)
	if in.UserID == "" {
		v.Add("user_id", "is required")
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.db.Now()) {
		v.Add("expires_at", "must be in the future")
	}
	for i, sc := range in.Scopes {
		if !authz.KnownScope(sc) {
			v.Add("scopes/"+itoa(i), "is not a known scope (known: %s)", strings.Join(authz.Scopes(), ", "))
		} else if len(in.Systems) > 0 && !authz.SystemScoped(sc) {
			v.Add("scopes/"+itoa(i), "a token limited to AI systems may only have the scopes %s and %s", aims.ScopeDecisionsWrite, aims.ScopeAuthorizationRead)
		}
	}
	if len(in.Systems) > 0 && len(in.Scopes) == 0 {
		v.Add("systems", "a token limited to AI systems needs the scopes it may use there (%s, %s)", aims.ScopeDecisionsWrite, aims.ScopeAuthorizationRead)
	}
	if len(in.Systems) > 100 {
		v.Add("systems", "at most 100 AI systems")
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	secret, hash := newTokenSecret()
	t := &aims.Token{UserID: in.UserID, Name: in.Name, Prefix: secret[:len(tokenPrefix)+6], ExpiresAt: in.ExpiresAt,
		Scopes: slices.Compact(slices.Sorted(slices.Values(in.Scopes))), Systems: slices.Compact(slices.Sorted(slices.Values(in.Systems)))}
	err = s.transact(ctx, func(tx *store.Tx) error {
		for i, id := range in.Systems {
			if _, err := store.FindSystemByID(ctx, tx, scope, id); aims.IsKind(err, aims.KindNotFound) {
				v.Add("systems/"+itoa(i), "no such AI system")
			} else if err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		m, err := store.FindMemberByID(ctx, tx, scope, in.UserID)
		if aims.IsKind(err, aims.KindNotFound) {
			return &aims.Error{Kind: aims.KindInvalid, Message: "no such member", Fields: []aims.FieldError{{Field: "user_id", Detail: "is not a member of this organization"}}}
		}
		if err != nil {
			return err
		}
		if m.Disabled {
			return &aims.Error{Kind: aims.KindInvalid, Message: "the member is disabled", Fields: []aims.FieldError{{Field: "user_id", Detail: "is disabled"}}}
		}
		t.UserEmail = m.Email
		return store.CreateToken(ctx, tx, scope, t, hash)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// FindTokens lists API tokens: all of the organization's for those who
// manage tokens, otherwise the caller's own.
func (s *Service) FindTokens(ctx context.Context, f aims.TokenFilter) ([]*aims.Token, int, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "list API tokens")
	if err != nil {
		return nil, 0, err
	}
	if !authz.Can(p.Role, authz.ManageTokens) {
		f.UserID = p.UserID
	}
	return store.FindTokens(ctx, s.db, scope, f)
}

// RevokeToken stops a token at once.
func (s *Service) RevokeToken(ctx context.Context, id string) (*aims.Token, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageTokens, "revoke API tokens")
	if err != nil {
		return nil, err
	}
	var out *aims.Token
	err = s.transact(ctx, func(tx *store.Tx) error {
		t, err := store.FindTokenByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		out, err = store.RevokeToken(ctx, tx, scope, t)
		return err
	})
	return out, err
}
