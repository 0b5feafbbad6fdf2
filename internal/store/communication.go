package store

import (
	"context"
	"database/sql"

	"github.com/aimsproject/aims/internal/aims"
)

// communications is the communication plan's table (ISO/IEC 42001 7.4, A.8).
var communications = register{table: "communications", noun: "communication", entity: aims.EntityCommunication, field: "subject"}

// CreateCommunication adds an entry to the organization's plan.
func CreateCommunication(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.Communication) error {
	c.ID = newID()
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	err := communications.insert(ctx, tx, c.Subject, `
		INSERT INTO communications (id, org_id, subject, name_key, audience_kind, audience, channel, cadence, first_due,
			responsible_id, records, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		c.ID, scope.OrgID(), c.Subject, nameKey(c.Subject), string(c.AudienceKind), c.Audience, c.Channel, string(c.Cadence),
		nullDate(c.FirstDue), nullString(c.ResponsibleID), encodeList(c.Records), c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityCommunication, c.ID, c)
}

const communicationColumns = `
	SELECT cm.id, cm.subject, cm.audience_kind, cm.audience, cm.channel, cm.cadence, cm.first_due,
		COALESCE(cm.responsible_id, ''), COALESCE(u.name, ''), cm.records, cm.created_at, cm.updated_at`

const communicationFrom = `
	FROM communications cm
	LEFT JOIN users u ON u.id = cm.responsible_id`

func scanCommunication(sc scanner, extra ...any) (*aims.Communication, error) {
	var c aims.Communication
	var kind, cadence, records string
	var first sql.NullTime
	dest := []any{&c.ID, &c.Subject, &kind, &c.Audience, &c.Channel, &cadence, &first, &c.ResponsibleID, &c.ResponsibleName,
		&records, &c.CreatedAt, &c.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.AudienceKind, c.Cadence = aims.Audience(kind), aims.CommunicationCadence(cadence)
	c.FirstDue = scanDate(first)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, decodeList(records, &c.Records)
}

// FindCommunicationByID returns one entry of the organization's plan.
func FindCommunicationByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Communication, error) {
	c, err := scanCommunication(q.queryer().QueryRowContext(ctx, communicationColumns+communicationFrom+
		` WHERE cm.org_id = $1 AND cm.id = $2`, scope.OrgID(), id))
	return c, communications.one(err)
}

// FindCommunications lists the organization's plan by subject. The
// overdue filter is the service's: it needs the day.
func FindCommunications(ctx context.Context, q Querier, scope aims.Scope, f aims.CommunicationFilter) ([]*aims.Communication, int, error) {
	return findPage(ctx, q, "communications", communicationColumns+`
		, (SELECT COUNT(*) FROM communications c WHERE c.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR c.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR c.audience_kind = $3))`+communicationFrom+`
		WHERE cm.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR cm.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR cm.audience_kind = $3)
		`+registerOrder("cm", f.Sort, `cm.name_key, cm.id`, nil)+`
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), likePattern(f.Search), opt(f.AudienceKind)}, f.Page,
		func(sc scanner, total *int) (*aims.Communication, error) { return scanCommunication(sc, total) })
}

// UpdateCommunication writes after over before.
func UpdateCommunication(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Communication) error {
	after.UpdatedAt = tx.now
	err := communications.update(ctx, tx, after.Subject, `
		UPDATE communications SET subject = $1, name_key = $2, audience_kind = $3, audience = $4, channel = $5, cadence = $6,
			first_due = $7, responsible_id = $8, records = $9, updated_at = $10
		WHERE org_id = $11 AND id = $12`,
		after.Subject, nameKey(after.Subject), string(after.AudienceKind), after.Audience, after.Channel, string(after.Cadence),
		nullDate(after.FirstDue), nullString(after.ResponsibleID), encodeList(after.Records), after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityCommunication, before.ID, before, after)
}

// DeleteCommunication removes an entry of the plan with its records.
func DeleteCommunication(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Communication) error {
	return communications.remove(ctx, tx, scope, before, before.ID, "the communication is still referenced")
}
