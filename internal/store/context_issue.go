package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// contextIssues is the context issue register's table (ISO/IEC 42001 4.1).
var contextIssues = register{table: "context_issues", noun: "context issue", entity: aims.EntityContextIssue, field: "title"}

// CreateContextIssue adds an issue to the organization in scope.
func CreateContextIssue(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.ContextIssue) error {
	c.ID = newID()
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	err := contextIssues.insert(ctx, tx, c.Title, `
		INSERT INTO context_issues (id, org_id, title, name_key, category, origin, description, effect, relevance,
			relevance_reason, climate_change, objective_ids, review_date, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		c.ID, scope.OrgID(), c.Title, nameKey(c.Title), c.Category, string(c.Origin), c.Description, c.Effect, string(c.Relevance),
		c.Reason, c.Climate, encodeList(c.Objectives), nullDate(c.ReviewDate), c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return err
	}
	if err := writeIssueRisks(ctx, tx, scope, c); err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityContextIssue, c.ID, c)
}

// writeIssueRisks writes the issue's risk links and reads their names back,
// so that the audit trail names them.
func writeIssueRisks(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.ContextIssue) error {
	if err := writeLinks(ctx, tx, scope, "context_issue_risks", "issue_id", "risk_id", c.ID, c.Risks, "risks", "risk"); err != nil {
		return err
	}
	var err error
	c.Risks, err = issueRisks(ctx, tx, scope, c.ID)
	return err
}

func issueRisks(ctx context.Context, q Querier, scope aims.Scope, id string) ([]aims.LineageRef, error) {
	return refs(ctx, q, "risks of context issue", `SELECT r.id, 'R-' || r.number || ' ' || r.title
		FROM context_issue_risks ir JOIN risks r ON r.id = ir.risk_id
		WHERE ir.org_id = $1 AND ir.issue_id = $2 ORDER BY ir.position`, scope.OrgID(), id)
}

// contextIssueColumns and contextIssueFrom make contextIssueSelect; a list
// puts its count between them.
const contextIssueColumns = `
	SELECT ci.id, ci.title, ci.category, ci.origin, ci.description, ci.effect, ci.relevance, ci.relevance_reason,
		ci.climate_change, ci.objective_ids, ci.review_date, ci.created_at, ci.updated_at`

const contextIssueFrom = `
	FROM context_issues ci`

func scanContextIssue(sc scanner, extra ...any) (*aims.ContextIssue, error) {
	var c aims.ContextIssue
	var origin, relevance, objectives string
	var review sql.NullTime
	dest := []any{&c.ID, &c.Title, &c.Category, &origin, &c.Description, &c.Effect, &relevance, &c.Reason,
		&c.Climate, &objectives, &review, &c.CreatedAt, &c.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.Origin, c.Relevance = aims.IssueOrigin(origin), aims.Relevance(relevance)
	c.ReviewDate = scanDate(review)
	c.Risks = []aims.LineageRef{}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, decodeList(objectives, &c.Objectives)
}

// FindContextIssueByID returns one issue of the organization in scope with
// the risks that address it.
func FindContextIssueByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.ContextIssue, error) {
	c, err := scanContextIssue(q.queryer().QueryRowContext(ctx, contextIssueColumns+contextIssueFrom+
		` WHERE ci.org_id = $1 AND ci.id = $2`, scope.OrgID(), id))
	if err := contextIssues.one(err); err != nil {
		return nil, err
	}
	c.Risks, err = issueRisks(ctx, q, scope, id)
	return c, err
}

// FindContextIssues lists the issues of the organization in scope by
// title, each with the risks that address it.
func FindContextIssues(ctx context.Context, q Querier, scope aims.Scope, f aims.ContextIssueFilter) ([]*aims.ContextIssue, int, error) {
	const where = `
			AND (CAST($2 AS TEXT) IS NULL OR %[1]s.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR %[1]s.category = $3)
			AND (CAST($4 AS TEXT) IS NULL OR %[1]s.origin = $4)
			AND (CAST($5 AS TEXT) IS NULL OR %[1]s.relevance = $5)`
	out, total, err := findPage(ctx, q, "context issues", contextIssueColumns+`
		, (SELECT COUNT(*) FROM context_issues c WHERE c.org_id = $1`+fmt.Sprintf(where, "c")+`)`+contextIssueFrom+`
		WHERE ci.org_id = $1`+fmt.Sprintf(where, "ci")+`
		`+registerOrder("ci", f.Sort, `ci.name_key, ci.id`, reviewOrders("ci"))+`
		LIMIT $6 OFFSET $7`,
		[]any{scope.OrgID(), likePattern(f.Search), opt(f.Category), opt(f.Origin), opt(f.Relevance)}, f.Page,
		func(sc scanner, total *int) (*aims.ContextIssue, error) { return scanContextIssue(sc, total) })
	if err != nil {
		return nil, 0, err
	}
	for _, c := range out {
		if c.Risks, err = issueRisks(ctx, q, scope, c.ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// FindClimateIssue returns the id and title of the issue that answers the
// climate-change question, or "" when none does.
func FindClimateIssue(ctx context.Context, q Querier, scope aims.Scope) (id, title string, err error) {
	err = q.queryer().QueryRowContext(ctx, `SELECT id, title FROM context_issues WHERE org_id = $1 AND climate_change`,
		scope.OrgID()).Scan(&id, &title)
	if err == sql.ErrNoRows {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("find the climate issue: %w", mapError(err))
	}
	return id, title, nil
}

// UpdateContextIssue writes after over before.
func UpdateContextIssue(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.ContextIssue) error {
	after.UpdatedAt = tx.now
	err := contextIssues.update(ctx, tx, after.Title, `
		UPDATE context_issues SET title = $1, name_key = $2, category = $3, origin = $4, description = $5, effect = $6,
			relevance = $7, relevance_reason = $8, climate_change = $9, objective_ids = $10, review_date = $11, updated_at = $12
		WHERE org_id = $13 AND id = $14`,
		after.Title, nameKey(after.Title), after.Category, string(after.Origin), after.Description, after.Effect,
		string(after.Relevance), after.Reason, after.Climate, encodeList(after.Objectives), nullDate(after.ReviewDate),
		after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	if err := writeIssueRisks(ctx, tx, scope, after); err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityContextIssue, before.ID, before, after)
}

// DeleteContextIssue removes an issue (its risk links go with it).
func DeleteContextIssue(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.ContextIssue) error {
	return contextIssues.remove(ctx, tx, scope, before, before.ID, "the context issue is still referenced")
}

// FindContextCategories returns the organization's categories of context
// issues, or the default list (without an id) when it never set its own.
func FindContextCategories(ctx context.Context, q Querier, scope aims.Scope) (*aims.ContextCategories, error) {
	var c aims.ContextCategories
	var list string
	err := q.queryer().QueryRowContext(ctx, `SELECT id, categories, updated_at FROM context_categories WHERE org_id = $1`,
		scope.OrgID()).Scan(&c.ID, &list, &c.UpdatedAt)
	if err == sql.ErrNoRows {
		return &aims.ContextCategories{Categories: aims.DefaultContextCategories()}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find context categories: %w", mapError(err))
	}
	c.UpdatedAt = c.UpdatedAt.UTC()
	return &c, decodeList(list, &c.Categories)
}

// SaveContextCategories writes the organization's categories over before
// (the default list when before has no id).
func SaveContextCategories(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.ContextCategories) error {
	after.UpdatedAt = tx.now
	if before.ID == "" {
		after.ID = newID()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO context_categories (id, org_id, categories, updated_at) VALUES ($1, $2, $3, $4)`,
			after.ID, scope.OrgID(), encodeList(after.Categories), after.UpdatedAt); err != nil {
			return fmt.Errorf("save context categories: %w", mapError(err))
		}
		return tx.recordCreate(ctx, scope, aims.EntityContextCategories, after.ID, after)
	}
	after.ID = before.ID
	if _, err := tx.tx.ExecContext(ctx, `UPDATE context_categories SET categories = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`,
		encodeList(after.Categories), after.UpdatedAt, scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("save context categories: %w", mapError(err))
	}
	return tx.recordUpdate(ctx, scope, aims.EntityContextCategories, after.ID, before, after)
}
