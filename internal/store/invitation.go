package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

const invitationColumns = `id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at`

func scanInvitation(sc interface{ Scan(...any) error }, extra ...any) (*aims.Invitation, error) {
	var i aims.Invitation
	var role string
	var accepted, revoked sql.NullTime
	if err := sc.Scan(append([]any{&i.ID, &i.Email, &role, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt, &accepted, &revoked}, extra...)...); err != nil {
		return nil, err
	}
	i.Role = aims.Role(role)
	i.CreatedAt, i.ExpiresAt = i.CreatedAt.UTC(), i.ExpiresAt.UTC()
	i.AcceptedAt, i.RevokedAt = scanTime(accepted), scanTime(revoked)
	return &i, nil
}

// CreateInvitation stores an invitation to the organization in scope, with
// the digest of its link's secret; an earlier pending invitation of the
// same email to the organization is revoked (one link works at a time).
func CreateInvitation(ctx context.Context, tx *Tx, scope aims.Scope, inv *aims.Invitation, tokenHash string) error {
	rows, err := tx.tx.QueryContext(ctx, `
		UPDATE invitations SET revoked_at = $1
		WHERE org_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL
		RETURNING `+invitationColumns, tx.now, scope.OrgID(), inv.Email)
	if err != nil {
		return fmt.Errorf("revoke earlier invitations: %w", mapError(err))
	}
	var replaced []*aims.Invitation
	for rows.Next() {
		old, err := scanInvitation(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("revoke earlier invitations: %w", err)
		}
		replaced = append(replaced, old)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("revoke earlier invitations: %w", mapError(err))
	}
	for _, old := range replaced {
		before := *old
		before.RevokedAt = nil
		if err := tx.recordUpdate(ctx, scope, aims.EntityInvitation, old.ID, &before, old); err != nil {
			return err
		}
	}
	inv.ID = newID()
	inv.CreatedAt = tx.now
	_, err = tx.tx.ExecContext(ctx, `
		INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		inv.ID, scope.OrgID(), inv.Email, string(inv.Role), tokenHash, inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt.UTC().Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("create invitation: %w", mapError(err))
	}
	rec := *inv
	rec.URL = "" // the secret is never recorded
	return tx.recordCreate(ctx, scope, aims.EntityInvitation, inv.ID, &rec)
}

// FindInvitations lists the invitations of the organization in scope,
// newest first.
func FindInvitations(ctx context.Context, q Querier, scope aims.Scope, page aims.Page) ([]*aims.Invitation, int, error) {
	return findPage(ctx, q, "invitations", `
		SELECT `+invitationColumns+`, COUNT(*) OVER ()
		FROM invitations WHERE org_id = $1
		ORDER BY created_at DESC, id
		LIMIT $2 OFFSET $3`,
		[]any{scope.OrgID()}, page,
		func(sc scanner, total *int) (*aims.Invitation, error) { return scanInvitation(sc, total) })
}

// FindInvitationByID returns one invitation of the organization in scope.
func FindInvitationByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Invitation, error) {
	i, err := scanInvitation(q.queryer().QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE org_id = $1 AND id = $2`,
		scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "invitation")
	}
	return i, nil
}

// FindInvitationByToken returns the invitation whose link secret has the
// digest tokenHash, and its organization's id. It reads across tenants:
// the person following the link belongs to no organization yet.
func FindInvitationByToken(ctx context.Context, q Querier, tokenHash string) (*aims.Invitation, string, error) {
	var orgID string
	i, err := scanInvitation(q.queryer().QueryRowContext(ctx, `SELECT `+invitationColumns+`, org_id FROM invitations WHERE token_hash = $1`,
		tokenHash), &orgID)
	if err != nil {
		return nil, "", notFound(err, "invitation")
	}
	return i, orgID, nil
}

// MarkInvitation records that a pending invitation of the organization in
// scope was accepted or revoked. An invitation no longer pending is a
// conflict, so that of two parallel acceptances one wins.
func MarkInvitation(ctx context.Context, tx *Tx, scope aims.Scope, inv *aims.Invitation, accepted bool) (*aims.Invitation, error) {
	col := "revoked_at"
	if accepted {
		col = "accepted_at"
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE invitations SET `+col+` = $1
		WHERE org_id = $2 AND id = $3 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1`,
		tx.now, scope.OrgID(), inv.ID)
	if err != nil {
		return nil, fmt.Errorf("update invitation: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, aims.Errorf(aims.KindConflict, "the invitation for %s is no longer pending (accepted, revoked or expired)", inv.Email)
	}
	after := *inv
	now := tx.now
	if accepted {
		after.AcceptedAt = &now
	} else {
		after.RevokedAt = &now
	}
	return &after, tx.recordUpdate(ctx, scope, aims.EntityInvitation, inv.ID, inv, &after)
}
