package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateOrganization adds a tenant. The caller picks org.ID (NewID) and gets
// the new organization's scope from authz first, so that its audit event is
// recorded in the new organization's own trail.
func CreateOrganization(ctx context.Context, tx *Tx, scope aims.Scope, org *aims.Organization) error {
	if org.ID == "" || scope.OrgID() != org.ID {
		return fmt.Errorf("create organization %s: the scope must be the new organization's", org.Slug)
	}
	org.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO organizations (id, slug, name, created_at) VALUES ($1, $2, $3, $4)`,
		org.ID, org.Slug, org.Name, org.CreatedAt)
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("an organization with slug %q already exists", org.Slug),
			Fields: []aims.FieldError{{Field: "slug", Detail: "is already used by another organization"}}}
	}
	if err != nil {
		return fmt.Errorf("create organization %s: %w", org.Slug, mapError(err))
	}
	return tx.record(ctx, scope, aims.ActionCreate, aims.EntityOrganization, org.ID, org.Slug, nil, org)
}

// FindOrganizationBySlug returns one organization. It reads across tenants
// and so serves only sign-in and the CLI's --org flag.
func FindOrganizationBySlug(ctx context.Context, q Querier, slug string) (*aims.Organization, error) {
	var o aims.Organization
	err := q.queryer().QueryRowContext(ctx, `SELECT id, slug, name, created_at FROM organizations WHERE slug = $1`, slug).
		Scan(&o.ID, &o.Slug, &o.Name, &o.CreatedAt)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("organization %q", slug))
	}
	o.CreatedAt = o.CreatedAt.UTC()
	return &o, nil
}

// FindOrganizationByID returns one organization by id.
func FindOrganizationByID(ctx context.Context, q Querier, id string) (*aims.Organization, error) {
	var o aims.Organization
	err := q.queryer().QueryRowContext(ctx, `SELECT id, slug, name, created_at FROM organizations WHERE id = $1`, id).
		Scan(&o.ID, &o.Slug, &o.Name, &o.CreatedAt)
	if err != nil {
		return nil, notFound(err, "organization")
	}
	o.CreatedAt = o.CreatedAt.UTC()
	return &o, nil
}

// ListOrganizations lists every organization, by slug. Only the host's
// operator (the CLI) and the setup page use it.
func ListOrganizations(ctx context.Context, q Querier) ([]*aims.Organization, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT id, slug, name, created_at FROM organizations ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.Organization
	for rows.Next() {
		var o aims.Organization
		if err := rows.Scan(&o.ID, &o.Slug, &o.Name, &o.CreatedAt); err != nil {
			return nil, fmt.Errorf("list organizations: %w", err)
		}
		o.CreatedAt = o.CreatedAt.UTC()
		out = append(out, &o)
	}
	return out, rows.Err()
}
