package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// supplierQuestions is the due-diligence questionnaire's table.
var supplierQuestions = register{table: "supplier_questions", noun: "question", entity: aims.EntitySupplierQuestion, field: "question"}

// CreateSupplierQuestion adds a question to the questionnaire of the
// organization in scope.
func CreateSupplierQuestion(ctx context.Context, tx *Tx, scope aims.Scope, q *aims.SupplierQuestion) error {
	q.ID = newID()
	q.CreatedAt, q.UpdatedAt = tx.now, tx.now
	err := supplierQuestions.insert(ctx, tx, q.Question, `
		INSERT INTO supplier_questions (id, org_id, question, question_key, answer_type, weight, guidance, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		q.ID, scope.OrgID(), q.Question, nameKey(q.Question), string(q.AnswerType), q.Weight, q.Guidance, q.CreatedAt, q.UpdatedAt)
	if err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntitySupplierQuestion, q.ID, q)
}

const supplierQuestionSelect = `
	SELECT id, question, answer_type, weight, guidance, created_at, updated_at`

func scanSupplierQuestion(sc interface{ Scan(...any) error }, extra ...any) (*aims.SupplierQuestion, error) {
	var q aims.SupplierQuestion
	var at string
	if err := sc.Scan(append([]any{&q.ID, &q.Question, &at, &q.Weight, &q.Guidance, &q.CreatedAt, &q.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	q.AnswerType, q.CreatedAt, q.UpdatedAt = aims.AnswerType(at), q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	return &q, nil
}

// FindSupplierQuestionByID returns one question of the organization in scope.
func FindSupplierQuestionByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.SupplierQuestion, error) {
	v, err := scanSupplierQuestion(q.queryer().QueryRowContext(ctx, supplierQuestionSelect+`
		FROM supplier_questions WHERE org_id = $1 AND id = $2`, scope.OrgID(), id))
	return v, supplierQuestions.one(err)
}

// FindSupplierQuestions lists a page of the questionnaire, heaviest first.
func FindSupplierQuestions(ctx context.Context, q Querier, scope aims.Scope, f aims.SupplierQuestionFilter) ([]*aims.SupplierQuestion, int, error) {
	return findPage(ctx, q, "supplier questions", supplierQuestionSelect+`,
		(SELECT COUNT(*) FROM supplier_questions c WHERE c.org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR c.question_key LIKE $2 ESCAPE '\'))
		FROM supplier_questions
		WHERE org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR question_key LIKE $2 ESCAPE '\')
		ORDER BY weight DESC, question_key, id
		LIMIT $3 OFFSET $4`,
		[]any{scope.OrgID(), likePattern(f.Search)}, f.Page,
		func(sc scanner, total *int) (*aims.SupplierQuestion, error) { return scanSupplierQuestion(sc, total) })
}

// ListSupplierQuestions returns the whole questionnaire of the organization
// in scope, heaviest first, to score answers against.
func ListSupplierQuestions(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.SupplierQuestion, error) {
	rows, err := q.queryer().QueryContext(ctx, supplierQuestionSelect+`
		FROM supplier_questions WHERE org_id = $1 ORDER BY weight DESC, question_key, id`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("list supplier questions: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.SupplierQuestion{}
	for rows.Next() {
		v, err := scanSupplierQuestion(rows)
		if err != nil {
			return nil, fmt.Errorf("list supplier questions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// UpdateSupplierQuestion writes after over before.
func UpdateSupplierQuestion(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.SupplierQuestion) error {
	after.UpdatedAt = tx.now
	err := supplierQuestions.update(ctx, tx, after.Question, `
		UPDATE supplier_questions SET question = $1, question_key = $2, answer_type = $3, weight = $4, guidance = $5, updated_at = $6
		WHERE org_id = $7 AND id = $8`,
		after.Question, nameKey(after.Question), string(after.AnswerType), after.Weight, after.Guidance, after.UpdatedAt,
		scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntitySupplierQuestion, before.ID, before, after)
}

// DeleteSupplierQuestion removes a question; suppliers' answers to it stay
// in their records (and their audit trail) but no longer count.
func DeleteSupplierQuestion(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.SupplierQuestion) error {
	return supplierQuestions.remove(ctx, tx, scope, before, before.ID, "the question is still in use")
}
