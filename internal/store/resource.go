package store

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
)

// resources is the register of the resources the AIMS relies on (ISO/IEC 42001 7.1, A.4).
var resources = register{table: "resources", noun: "resource", entity: aims.EntityResource}

// CreateResource adds a resource to the organization in scope.
func CreateResource(ctx context.Context, tx *Tx, scope aims.Scope, r *aims.Resource) error {
	r.ID = newID()
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	err := resources.insert(ctx, tx, r.Name, `
		INSERT INTO resources (id, org_id, name, name_key, kind, description, process, system_id, quantity, owner_id,
			created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.ID, scope.OrgID(), r.Name, nameKey(r.Name), string(r.Kind), r.Description, r.Process, nullString(r.SystemID),
		r.Quantity, nullString(r.OwnerID), r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityResource, r.ID, r)
}

const resourceColumns = `
	SELECT rs.id, rs.name, rs.kind, rs.description, rs.process, COALESCE(rs.system_id, ''), COALESCE(s.name, ''),
		rs.quantity, COALESCE(rs.owner_id, ''), COALESCE(u.name, ''), rs.created_at, rs.updated_at`

const resourceFrom = `
	FROM resources rs
	LEFT JOIN ai_systems s ON s.id = rs.system_id
	LEFT JOIN users u ON u.id = rs.owner_id`

func scanResource(sc scanner, extra ...any) (*aims.Resource, error) {
	var r aims.Resource
	var kind string
	dest := []any{&r.ID, &r.Name, &kind, &r.Description, &r.Process, &r.SystemID, &r.SystemName, &r.Quantity,
		&r.OwnerID, &r.OwnerName, &r.CreatedAt, &r.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	r.Kind = aims.ResourceKind(kind)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// FindResourceByID returns one resource of the organization in scope.
func FindResourceByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Resource, error) {
	r, err := scanResource(q.queryer().QueryRowContext(ctx, resourceColumns+resourceFrom+
		` WHERE rs.org_id = $1 AND rs.id = $2`, scope.OrgID(), id))
	return r, resources.one(err)
}

// FindResources lists the resources of the organization in scope by name.
func FindResources(ctx context.Context, q Querier, scope aims.Scope, f aims.ResourceFilter) ([]*aims.Resource, int, error) {
	return findPage(ctx, q, "resources", resourceColumns+`
		, (SELECT COUNT(*) FROM resources c WHERE c.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR c.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR c.kind = $3)
			AND (CAST($4 AS TEXT) IS NULL OR c.system_id = $4))`+resourceFrom+`
		WHERE rs.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR rs.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR rs.kind = $3)
			AND (CAST($4 AS TEXT) IS NULL OR rs.system_id = $4)
		`+registerOrder("rs", f.Sort, `rs.name_key, rs.id`, nil)+`
		LIMIT $5 OFFSET $6`,
		[]any{scope.OrgID(), likePattern(f.Search), opt(f.Kind), opt(f.SystemID)}, f.Page,
		func(sc scanner, total *int) (*aims.Resource, error) { return scanResource(sc, total) })
}

// UpdateResource writes after over before.
func UpdateResource(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Resource) error {
	after.UpdatedAt = tx.now
	err := resources.update(ctx, tx, after.Name, `
		UPDATE resources SET name = $1, name_key = $2, kind = $3, description = $4, process = $5, system_id = $6,
			quantity = $7, owner_id = $8, updated_at = $9
		WHERE org_id = $10 AND id = $11`,
		after.Name, nameKey(after.Name), string(after.Kind), after.Description, after.Process, nullString(after.SystemID),
		after.Quantity, nullString(after.OwnerID), after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityResource, before.ID, before, after)
}

// DeleteResource removes a resource.
func DeleteResource(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Resource) error {
	return resources.remove(ctx, tx, scope, before, before.ID, "the resource is still referenced")
}
