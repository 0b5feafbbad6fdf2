package service

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// SetSecretKey sets the instance's secret key (authn.SecretKeyLen bytes),
// which seals the organizations' client secrets and the accounts' TOTP
// secrets. Without one, a key made at start serves until the process ends
// (tests); `aims serve` reads AIMS_SECRET_KEY or the data directory's
// secret.key.
func (s *Service) SetSecretKey(key []byte) error {
	if len(key) != authn.SecretKeyLen {
		return fmt.Errorf("the secret key must be %d bytes, not %d", authn.SecretKeyLen, len(key))
	}
	s.secretKey = key
	return nil
}

func newSecretKey() []byte {
	k := make([]byte, authn.SecretKeyLen)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}

// FindSignInSettings returns the caller's organization's sign-in settings;
// every member may read them (the client secret is never shown).
func (s *Service) FindSignInSettings(ctx context.Context) (*aims.SignInSettings, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the sign-in settings")
	if err != nil {
		return nil, err
	}
	st, _, err := store.FindSignInSettings(ctx, s.db, scope)
	return st, err
}

// UpdateSignInSettings changes how people sign in to the caller's
// organization; only admins do. The client secret is sealed with the
// instance's key (or kept as an env:NAME reference) and never shown again.
func (s *Service) UpdateSignInSettings(ctx context.Context, upd aims.SignInSettingsUpdate) (*aims.SignInSettings, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageUsers, "change the sign-in settings")
	if err != nil {
		return nil, err
	}
	var out *aims.SignInSettings
	turnedOff := false
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, secret, err := store.FindSignInSettings(ctx, tx, scope)
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		var v aims.Validation
		after.Validate(&v)
		if after.Issuer != "" {
			if p := authn.ValidIssuer(after.Issuer); p != "" {
				v.Add("issuer", "%s", p)
			}
		}
		if upd.ClientSecret != nil {
			plain := strings.TrimSpace(*upd.ClientSecret)
			v.MaxLen("client_secret", plain, 2000)
			switch {
			case plain == "":
				secret = ""
			case strings.HasPrefix(plain, "env:"):
				if !authn.IsEnvRef(plain) {
					v.Add("client_secret", "env: must be followed by an environment variable's name (letters, digits, underscores)")
				}
				secret = plain
			default:
				if secret, err = authn.Seal(s.secretKey, scope.OrgID(), plain); err != nil {
					return err
				}
			}
		}
		if after.BreakGlassEmail != "" && !after.LocalPasswords {
			m, err := store.FindMemberByEmail(ctx, tx, scope, after.BreakGlassEmail)
			switch {
			case aims.IsKind(err, aims.KindNotFound):
				v.Add("break_glass_email", "is not a member of this organization")
			case err != nil:
				return err
			case m.Role != aims.RoleAdmin || m.Disabled:
				v.Add("break_glass_email", "must be an enabled admin")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := store.SaveSignInSettings(ctx, tx, scope, before, &after, secret); err != nil {
			return err
		}
		out, turnedOff = &after, before.LocalPasswords && !after.LocalPasswords
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.idp.Forget(out.Issuer)
	if turnedOff {
		// Sessions begun with a password end with the permission to
		// use one; the break-glass admin's stay.
		n, err := s.db.Sessions().EndPasswordSessions(ctx, scope.OrgID(), out.BreakGlassEmail)
		if err != nil {
			return nil, err
		}
		s.log.InfoContext(ctx, "local passwords turned off: password sessions ended", "org", scope.OrgID(), "sessions", n)
	}
	return out, nil
}

// SignInOptions is what the sign-in page offers for one organization.
type SignInOptions struct {
	Org          *aims.Organization
	SSO          bool
	ProviderName string
}

// SignInOptionsFor returns the sign-in page's options for the organization
// named by slug; an unknown slug offers nothing (and says nothing more).
func (s *Service) SignInOptionsFor(ctx context.Context, slug string) (*SignInOptions, error) {
	org, err := store.FindOrganizationBySlug(ctx, s.db, strings.ToLower(strings.TrimSpace(slug)))
	if err != nil {
		return nil, err
	}
	st, _, err := store.FindSignInSettingsOfOrg(ctx, s.db, org.ID)
	if err != nil {
		return nil, err
	}
	return &SignInOptions{Org: org, SSO: st.SSOEnabled, ProviderName: st.ProviderName()}, nil
}

// providerClient is the organization's relying party, with its secret.
func (s *Service) providerClient(ctx context.Context, orgID, redirectURL string) (*aims.SignInSettings, authn.Client, error) {
	st, stored, err := store.FindSignInSettingsOfOrg(ctx, s.db, orgID)
	if err != nil {
		return nil, authn.Client{}, err
	}
	if !st.SSOEnabled {
		return nil, authn.Client{}, aims.Errorf(aims.KindNotFound, "this organization does not sign in through an identity provider")
	}
	secret, err := authn.Open(s.secretKey, orgID, stored)
	if err != nil {
		s.log.ErrorContext(ctx, "client secret unreadable", "org", orgID, "err", err)
		return nil, authn.Client{}, &aims.Error{Kind: aims.KindUnavailable, Message: "sign-in through the provider is not working: " + err.Error()}
	}
	return st, authn.Client{Issuer: st.Issuer, ClientID: st.ClientID, ClientSecret: secret, RedirectURL: redirectURL,
		Scopes: st.ScopeList(), GroupClaim: st.GroupClaim}, nil
}

// ErrProviderDown answers a sign-in whose provider cannot be reached.
func providerDown(name string) error {
	return &aims.Error{Kind: aims.KindUnavailable, Message: name + " cannot be reached just now, so aims cannot sign you in through it. Try again in a few minutes; an admin can still sign in with the organization's break-glass local account"}
}

// StartSSO begins a sign-in to the organization orgSlug through its
// provider: it returns the provider's address to send the browser to and
// the pending sign-in to keep in the browser's session.
func (s *Service) StartSSO(ctx context.Context, orgSlug, next, redirectURL string) (string, authn.Pending, error) {
	opts, err := s.SignInOptionsFor(ctx, orgSlug)
	if err != nil {
		return "", authn.Pending{}, err
	}
	st, client, err := s.providerClient(ctx, opts.Org.ID, redirectURL)
	if err != nil {
		return "", authn.Pending{}, err
	}
	p := authn.NewPending(opts.Org.ID, next, s.db.Now())
	u, err := s.idp.AuthURL(ctx, client, p)
	if errors.Is(err, authn.ErrUnreachable) {
		s.log.WarnContext(ctx, "identity provider unreachable", "org", opts.Org.Slug, "err", err)
		return "", authn.Pending{}, providerDown(st.ProviderName())
	}
	return u, p, err
}

// SSOResult is a person signed in through their organization's provider.
type SSOResult struct {
	User       *aims.User
	Membership store.Membership
	IDToken    string // the hint for the provider's sign-out
}

func ssoRefused(msg string) error {
	return &aims.Error{Kind: aims.KindUnauthenticated, Message: msg}
}

// FinishSSO completes a sign-in the provider sent back with state and code.
// The state must be the pending one's, the code is redeemed with the PKCE
// verifier, and the ID token must be signed by the provider, issued by it
// to aims, and carry the pending nonce; anything else is refused and
// nothing is created. A person new to the organization joins with the
// role the group table gives (the default role when no group is mapped),
// unless only invited people may join; a known person's role follows the
// table at every sign-in, each change in the audit trail.
func (s *Service) FinishSSO(ctx context.Context, p authn.Pending, state, code, redirectURL string) (*SSOResult, error) {
	if err := p.CheckState(state, s.db.Now()); err != nil {
		return nil, ssoRefused(err.Error())
	}
	if code == "" {
		return nil, ssoRefused("the identity provider did not sign you in (no code came back)")
	}
	st, client, err := s.providerClient(ctx, p.OrgID, redirectURL)
	if err != nil {
		return nil, err
	}
	id, err := s.idp.Exchange(ctx, client, p, code)
	if errors.Is(err, authn.ErrUnreachable) {
		s.log.WarnContext(ctx, "identity provider unreachable", "org", p.OrgID, "err", err)
		return nil, providerDown(st.ProviderName())
	}
	if err != nil {
		s.log.InfoContext(ctx, "sign-in through the provider refused", "org", p.OrgID, "err", err)
		return nil, ssoRefused(err.Error())
	}
	email := aims.NormalizeEmail(id.Email)
	mapped := st.GroupClaim != "" && len(st.GroupRoles) > 0
	role := st.DefaultRole
	if mapped {
		role = authn.RoleForGroups(id.Groups, st.GroupRoles, st.DefaultRole)
	}
	actor := aims.Actor{Kind: aims.ActorSystem, Label: "sign-in through " + st.ProviderName()}
	scope := authz.InviteeScope(p.OrgID, actor)
	res := &SSOResult{IDToken: id.IDToken}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		userID, err := store.FindSSOIdentity(ctx, tx, p.OrgID, id.Issuer, id.Subject)
		if err != nil && !aims.IsKind(err, aims.KindNotFound) {
			return err
		}
		var m *aims.Member
		if userID == "" {
			if email == "" {
				return ssoRefused("the identity provider did not send an email address: ask your admin to add the email scope")
			}
			u, _, err := store.FindUserByEmail(ctx, tx, email)
			switch {
			case aims.IsKind(err, aims.KindNotFound):
				if st.InvitedOnly {
					return ssoRefused("only invited people may join this organization: ask an admin to invite " + email)
				}
				name := strings.TrimSpace(id.Name)
				if name == "" {
					name = email
				}
				u = &aims.User{Email: email, Name: name}
				if err := store.CreateUser(ctx, tx, scope, u, ""); err != nil {
					return err
				}
				if m, err = store.AddMember(ctx, tx, scope, u, role); err != nil {
					return err
				}
			case err != nil:
				return err
			default:
				if m, err = store.FindMemberByID(ctx, tx, scope, u.ID); aims.IsKind(err, aims.KindNotFound) {
					return ssoRefused("an aims account with the email " + email + " exists but is not a member of this organization: ask an admin to invite it")
				} else if err != nil {
					return err
				}
				if !id.EmailVerified {
					return ssoRefused("the identity provider does not say that " + email + " is verified, so aims does not link it to the existing account")
				}
			}
			userID = m.ID
		} else if m, err = store.FindMemberByID(ctx, tx, scope, userID); err != nil {
			return err
		}
		if m.Disabled {
			return ssoRefused("your membership of this organization is disabled")
		}
		if mapped && m.Role != role {
			if err := s.applyMappedRole(ctx, tx, scope, m, role); err != nil {
				return err
			}
		}
		if err := store.LinkSSOIdentity(ctx, tx, scope, id.Issuer, id.Subject, userID); err != nil {
			return err
		}
		if err := store.TouchLogin(ctx, tx, userID); err != nil {
			return err
		}
		u, _, err := store.FindUserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		org, err := store.FindOrganizationByID(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		res.User, res.Membership = u, store.Membership{Org: *org, Role: m.Role}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.authz.invalidate(p.OrgID)
	return res, nil
}

// applyMappedRole gives m the role the provider's groups map to, recorded
// in the audit trail; the organization's last admin keeps the role, so
// that a change at the provider cannot leave nobody to manage aims.
func (s *Service) applyMappedRole(ctx context.Context, tx *store.Tx, scope aims.Scope, m *aims.Member, role aims.Role) error {
	if m.Role == aims.RoleAdmin {
		n, err := store.CountAdmins(ctx, tx, scope)
		if err != nil {
			return err
		}
		if n <= 1 {
			s.log.WarnContext(ctx, "the provider's groups would demote the last admin: kept", "user", m.Email)
			return nil
		}
	}
	after := *m
	after.Role = role
	if err := store.UpdateMember(ctx, tx, scope, m, &after); err != nil {
		return err
	}
	m.Role = role
	return nil
}

// SSOSignOutURL is the provider's sign-out address for a person of orgID
// who signed in with idToken, returning to after; "" when the provider has
// none or cannot be reached.
func (s *Service) SSOSignOutURL(ctx context.Context, orgID, idToken, after string) string {
	_, client, err := s.providerClient(ctx, orgID, "")
	if err != nil {
		return ""
	}
	return s.idp.EndSessionURL(ctx, client, idToken, after)
}
