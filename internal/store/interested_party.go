package store

import (
	"context"
	"database/sql"

	"github.com/aimsproject/aims/internal/aims"
)

// interestedParties is the interested party register's table (ISO/IEC 42001 4.2).
var interestedParties = register{table: "interested_parties", noun: "interested party", entity: aims.EntityInterestedParty}

// CreateInterestedParty adds a party to the organization in scope.
func CreateInterestedParty(ctx context.Context, tx *Tx, scope aims.Scope, p *aims.InterestedParty) error {
	p.ID = newID()
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	err := interestedParties.insert(ctx, tx, p.Name, `
		INSERT INTO interested_parties (id, org_id, name, name_key, kind, origin, description, requirements, review_date,
			created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		p.ID, scope.OrgID(), p.Name, nameKey(p.Name), string(p.Kind), string(p.Origin), p.Description, encodeList(p.Requirements),
		nullDate(p.ReviewDate), p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityInterestedParty, p.ID, p)
}

const interestedPartyColumns = `
	SELECT ip.id, ip.name, ip.kind, ip.origin, ip.description, ip.requirements, ip.review_date, ip.created_at, ip.updated_at`

const interestedPartyFrom = `
	FROM interested_parties ip`

func scanInterestedParty(sc scanner, extra ...any) (*aims.InterestedParty, error) {
	var p aims.InterestedParty
	var kind, origin, reqs string
	var review sql.NullTime
	dest := []any{&p.ID, &p.Name, &kind, &origin, &p.Description, &reqs, &review, &p.CreatedAt, &p.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	p.Kind, p.Origin = aims.PartyKind(kind), aims.IssueOrigin(origin)
	p.ReviewDate = scanDate(review)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if err := decodeList(reqs, &p.Requirements); err != nil {
		return nil, err
	}
	for i := range p.Requirements {
		if p.Requirements[i].Through == nil {
			p.Requirements[i].Through = []string{}
		}
	}
	return &p, nil
}

// FindInterestedPartyByID returns one party of the organization in scope.
func FindInterestedPartyByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.InterestedParty, error) {
	p, err := scanInterestedParty(q.queryer().QueryRowContext(ctx, interestedPartyColumns+interestedPartyFrom+
		` WHERE ip.org_id = $1 AND ip.id = $2`, scope.OrgID(), id))
	return p, interestedParties.one(err)
}

// FindInterestedParties lists the parties of the organization in scope by name.
func FindInterestedParties(ctx context.Context, q Querier, scope aims.Scope, f aims.InterestedPartyFilter) ([]*aims.InterestedParty, int, error) {
	return findPage(ctx, q, "interested parties", interestedPartyColumns+`
		, (SELECT COUNT(*) FROM interested_parties c WHERE c.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR c.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR c.kind = $3))`+interestedPartyFrom+`
		WHERE ip.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR ip.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR ip.kind = $3)
		`+registerOrder("ip", f.Sort, `ip.name_key, ip.id`, reviewOrders("ip"))+`
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), likePattern(f.Search), opt(f.Kind)}, f.Page,
		func(sc scanner, total *int) (*aims.InterestedParty, error) { return scanInterestedParty(sc, total) })
}

// UpdateInterestedParty writes after over before.
func UpdateInterestedParty(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.InterestedParty) error {
	after.UpdatedAt = tx.now
	err := interestedParties.update(ctx, tx, after.Name, `
		UPDATE interested_parties SET name = $1, name_key = $2, kind = $3, origin = $4, description = $5, requirements = $6,
			review_date = $7, updated_at = $8
		WHERE org_id = $9 AND id = $10`,
		after.Name, nameKey(after.Name), string(after.Kind), string(after.Origin), after.Description, encodeList(after.Requirements),
		nullDate(after.ReviewDate), after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityInterestedParty, before.ID, before, after)
}

// DeleteInterestedParty removes a party.
func DeleteInterestedParty(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.InterestedParty) error {
	return interestedParties.remove(ctx, tx, scope, before, before.ID, "the interested party is still referenced")
}
