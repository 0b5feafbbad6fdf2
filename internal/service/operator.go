package service

import (
	"context"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// The operations in this file serve the host's operator (the aims command)
// and the first-start setup page: they act before any account exists, so
// they do not ask authz; the caller has access to the database already.

// ErrNoOrganization says that no organization exists yet.
var ErrNoOrganization = &aims.Error{Kind: aims.KindNotFound, Message: "no organization exists yet: create the first user with 'aims user create --org SLUG ...'"}

// ResolveOrganization finds the organization a CLI command acts on: the one
// named by slug, or the only one when slug is empty. An unknown slug is not
// found, and no slug with several organizations is invalid; both errors
// list the organizations there are.
func (s *Service) ResolveOrganization(ctx context.Context, slug string) (*aims.Organization, error) {
	if slug != "" {
		org, err := store.FindOrganizationBySlug(ctx, s.db, slug)
		if !aims.IsKind(err, aims.KindNotFound) {
			return org, err
		}
	}
	orgs, err := store.ListOrganizations(ctx, s.db)
	if err != nil {
		return nil, err
	}
	slugs := make([]string, len(orgs))
	for i, o := range orgs {
		slugs[i] = o.Slug
	}
	switch {
	case slug != "" && len(orgs) == 0:
		return nil, aims.Errorf(aims.KindNotFound, "organization %q not found: there is none yet (create it with 'aims user create --org %s ...')", slug, slug)
	case slug != "":
		return nil, aims.Errorf(aims.KindNotFound, "organization %q not found: there are %s", slug, strings.Join(slugs, ", "))
	case len(orgs) == 0:
		return nil, ErrNoOrganization
	case len(orgs) == 1:
		return orgs[0], nil
	}
	return nil, aims.Errorf(aims.KindInvalid, "there are %d organizations (%s): name one with --org", len(orgs), strings.Join(slugs, ", "))
}

// ListOrganizations lists every organization, for the operator.
func (s *Service) ListOrganizations(ctx context.Context) ([]*aims.Organization, error) {
	return store.ListOrganizations(ctx, s.db)
}

// HasUsers reports whether any account exists (a first start has none).
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	n, err := store.CountUsers(ctx, s.db)
	return n > 0, err
}

// Bootstrap is what the operator gives to create a user.
type Bootstrap struct {
	OrgSlug  string
	OrgName  string // used when the organization is created; defaults to the slug
	Email    string
	Name     string
	Role     aims.Role
	Password string
	Actor    aims.Actor // who runs it, for the audit trail
	// FirstStart marks the first-start setup page: it may create only the
	// first organization and admin, once, whatever the concurrency
	// (store.ClaimSetup); a later or concurrent attempt is not found.
	FirstStart bool
}

// BootstrapUser creates the organization when it does not exist, the account
// when it does not exist (with the password), and the membership. An existing
// account keeps its password unless one is given.
func (s *Service) BootstrapUser(ctx context.Context, in Bootstrap) (*aims.Organization, *aims.Member, error) {
	in.Email = aims.NormalizeEmail(in.Email)
	in.OrgSlug = strings.TrimSpace(in.OrgSlug)
	var v aims.Validation
	aims.ValidateSlug(&v, "org", in.OrgSlug)
	aims.ValidateEmail(&v, "email", in.Email)
	v.Required("name", strings.TrimSpace(in.Name))
	if !in.Role.IsValid() {
		v.Add("role", "must be one of admin, aims_manager, system_owner, contributor, auditor, viewer")
	}
	if in.Password != "" {
		aims.ValidatePassword(&v, "password", in.Password)
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	var hash string
	if in.Password != "" {
		var err error
		if hash, err = s.hashPassword(ctx, in.Password); err != nil {
			return nil, nil, err
		}
	}
	if in.OrgName == "" {
		in.OrgName = in.OrgSlug
	}
	var org *aims.Organization
	var m *aims.Member
	err := s.transact(ctx, func(tx *store.Tx) error {
		var err error
		org, err = store.FindOrganizationBySlug(ctx, tx, in.OrgSlug)
		if in.FirstStart {
			if err == nil {
				return store.ErrSetupDone
			}
			if !aims.IsKind(err, aims.KindNotFound) {
				return err
			}
		}
		if aims.IsKind(err, aims.KindNotFound) {
			org = &aims.Organization{ID: store.NewID(), Slug: in.OrgSlug, Name: in.OrgName}
			if in.FirstStart {
				if err := store.ClaimSetup(ctx, tx, org.ID); err != nil {
					return err
				}
			}
			err = store.CreateOrganization(ctx, tx, operatorScope(org, in.Actor), org)
		}
		if err != nil {
			return err
		}
		scope := operatorScope(org, in.Actor)
		u, _, err := store.FindUserByEmail(ctx, tx, in.Email)
		switch {
		case aims.IsKind(err, aims.KindNotFound):
			if hash == "" {
				return &aims.Error{Kind: aims.KindInvalid, Message: "a new account needs a password", Fields: []aims.FieldError{{Field: "password", Detail: "is required for a new account"}}}
			}
			u = &aims.User{Email: in.Email, Name: strings.TrimSpace(in.Name)}
			if err := store.CreateUser(ctx, tx, scope, u, hash); err != nil {
				return err
			}
		case err != nil:
			return err
		case hash != "":
			scopes, err := accountScopes(ctx, tx, scope.Actor(), u.ID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(scopes, func(s aims.Scope) bool { return s.OrgID() == org.ID }) {
				scopes = append(scopes, scope)
			}
			if err := store.SetPassword(ctx, tx, scopes, u, hash); err != nil {
				return err
			}
		}
		m, err = store.FindMemberByID(ctx, tx, scope, u.ID)
		if aims.IsKind(err, aims.KindNotFound) {
			m, err = store.AddMember(ctx, tx, scope, u, in.Role)
		} else if err == nil && (m.Role != in.Role || m.Disabled) {
			after := *m
			after.Role, after.Disabled = in.Role, false
			err = store.UpdateMember(ctx, tx, scope, m, &after)
			m = &after
		}
		return err
	})
	return org, m, err
}

// operatorScope is the scope of the host's operator in one organization. It
// goes through authz like every other scope.
func operatorScope(org *aims.Organization, actor aims.Actor) aims.Scope {
	p := authz.Operator(org, actor.Label)
	p.Kind = actor.Kind
	scope, _, err := authz.Authorize(authz.WithPrincipal(context.Background(), p), authz.ManageUsers, "bootstrap")
	if err != nil {
		panic(err) // an operator is an admin: this cannot fail
	}
	return scope
}

// OperatorContext returns ctx acting as the host's operator in org, for CLI
// commands that go through the ordinary services.
func OperatorContext(ctx context.Context, org *aims.Organization, label string) context.Context {
	return authz.WithPrincipal(ctx, authz.Operator(org, label))
}
