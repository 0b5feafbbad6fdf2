package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// suppliers is the supplier register's table.
var suppliers = register{table: "suppliers", noun: "supplier", entity: aims.EntitySupplier}

// CreateSupplier adds a supplier to the organization in scope.
func CreateSupplier(ctx context.Context, tx *Tx, scope aims.Scope, s *aims.Supplier) error {
	s.ID = newID()
	s.CreatedAt, s.UpdatedAt = tx.now, tx.now
	err := suppliers.insert(ctx, tx, s.Name, `
		INSERT INTO suppliers (id, org_id, name, name_key, supplies, contact, website, assessment_notes,
			criticality, review_interval_days, last_review_on, commitments, answers, diligence_evidence, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		s.ID, scope.OrgID(), s.Name, nameKey(s.Name), encodeList(s.Supplies), s.Contact, s.Website, s.AssessmentNotes,
		string(s.Criticality), s.ReviewIntervalDays, nullDate(s.LastReviewOn), encodeList(s.Commitments), encodeList(s.Answers),
		s.DiligenceEvidence, s.CreatedAt, s.UpdatedAt)
	if err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntitySupplier, s.ID, s)
}

// supplierColumns and supplierFrom make supplierSelect; a list puts its count between them.
const supplierColumns = `
	SELECT sp.id, sp.name, sp.supplies, sp.contact, sp.website, sp.assessment_notes,
		sp.criticality, sp.review_interval_days, sp.last_review_on, sp.commitments, sp.answers, sp.diligence_evidence,
		sp.created_at, sp.updated_at,
		(SELECT COUNT(*) FROM ai_systems s WHERE s.supplier_id = sp.id)`

const supplierFrom = `
	FROM suppliers sp`

const supplierSelect = supplierColumns + supplierFrom

func scanSupplier(sc interface{ Scan(...any) error }, extra ...any) (*aims.Supplier, error) {
	var s aims.Supplier
	var supplies, criticality, commitments, answers string
	var lastReview sql.NullTime
	dest := []any{&s.ID, &s.Name, &supplies, &s.Contact, &s.Website, &s.AssessmentNotes,
		&criticality, &s.ReviewIntervalDays, &lastReview, &commitments, &answers, &s.DiligenceEvidence,
		&s.CreatedAt, &s.UpdatedAt, &s.SystemCount}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	s.Criticality, s.LastReviewOn = aims.SupplierCriticality(criticality), scanDate(lastReview)
	if err := decodeList(commitments, &s.Commitments); err != nil {
		return nil, err
	}
	if err := decodeList(answers, &s.Answers); err != nil {
		return nil, err
	}
	return &s, decodeList(supplies, &s.Supplies)
}

// FindSupplierByID returns one supplier of the organization in scope.
func FindSupplierByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Supplier, error) {
	s, err := scanSupplier(q.queryer().QueryRowContext(ctx, supplierSelect+` WHERE sp.org_id = $1 AND sp.id = $2`, scope.OrgID(), id))
	return s, suppliers.one(err)
}

// FindSupplierByName returns the supplier with this name, any case.
func FindSupplierByName(ctx context.Context, q Querier, scope aims.Scope, name string) (*aims.Supplier, error) {
	s, err := scanSupplier(q.queryer().QueryRowContext(ctx, supplierSelect+` WHERE sp.org_id = $1 AND sp.name_key = $2`, scope.OrgID(), nameKey(name)))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("supplier %q", name))
	}
	return s, nil
}

// FindSuppliers lists the suppliers of the organization in scope by name.
func FindSuppliers(ctx context.Context, q Querier, scope aims.Scope, f aims.SupplierFilter) ([]*aims.Supplier, int, error) {
	return findPage(ctx, q, "suppliers", supplierColumns+`
		, (SELECT COUNT(*) FROM suppliers c WHERE c.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR c.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR c.supplies LIKE $3 ESCAPE '\'))`+supplierFrom+`
		WHERE sp.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR sp.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR sp.supplies LIKE $3 ESCAPE '\')
		ORDER BY sp.name_key, sp.id
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), likePattern(f.Search), memberOf(f.Supplies)}, f.Page,
		func(sc scanner, total *int) (*aims.Supplier, error) { return scanSupplier(sc, total) })
}

// ListSuppliers returns every supplier of the organization in scope by
// name, for bulk work that looks suppliers up by name.
func ListSuppliers(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.Supplier, error) {
	rows, err := q.queryer().QueryContext(ctx, supplierSelect+` WHERE sp.org_id = $1 ORDER BY sp.name_key, sp.id`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.Supplier
	for rows.Next() {
		s, err := scanSupplier(rows)
		if err != nil {
			return nil, fmt.Errorf("list suppliers: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// UpdateSupplier writes after over before.
func UpdateSupplier(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Supplier) error {
	after.UpdatedAt = tx.now
	err := suppliers.update(ctx, tx, after.Name, `
		UPDATE suppliers SET name = $1, name_key = $2, supplies = $3, contact = $4, website = $5,
			assessment_notes = $6, updated_at = $7, criticality = $8, review_interval_days = $9, last_review_on = $10,
			commitments = $11, answers = $12, diligence_evidence = $13
		WHERE org_id = $14 AND id = $15`,
		after.Name, nameKey(after.Name), encodeList(after.Supplies), after.Contact, after.Website, after.AssessmentNotes,
		after.UpdatedAt, string(after.Criticality), after.ReviewIntervalDays, nullDate(after.LastReviewOn),
		encodeList(after.Commitments), encodeList(after.Answers), after.DiligenceEvidence, scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntitySupplier, before.ID, before, after)
}

// DeleteSupplier removes a supplier that no system or dataset names.
func DeleteSupplier(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Supplier) error {
	return suppliers.remove(ctx, tx, scope, before, before.ID,
		fmt.Sprintf("AI systems or datasets name supplier %q: change them first", before.Name))
}
