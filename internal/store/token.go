package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// TokenOwner is what authentication learns from a token: the token, its
// user, and the user's role in the token's organization.
type TokenOwner struct {
	Token    aims.Token
	OrgID    string
	OrgSlug  string
	OrgName  string
	User     aims.User
	Role     aims.Role
	Disabled bool
}

// CreateToken stores a new token's hash. The secret never reaches the store.
func CreateToken(ctx context.Context, tx *Tx, scope aims.Scope, t *aims.Token, hash string) error {
	t.ID = newID()
	t.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO api_tokens (id, org_id, user_id, name, prefix, hash, created_at, expires_at, scopes, systems)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, scope.OrgID(), t.UserID, t.Name, t.Prefix, hash, t.CreatedAt, optTime(t.ExpiresAt), strings.Join(t.Scopes, " "), strings.Join(t.Systems, " "))
	if err != nil {
		return fmt.Errorf("create token: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityToken, t.ID, t)
}

// FindTokenByHash authenticates a bearer token. It reads across tenants: the
// token itself says which organization it belongs to.
func FindTokenByHash(ctx context.Context, q Querier, hash string) (*TokenOwner, error) {
	var o TokenOwner
	var last, exp, rev, ulast sql.NullTime
	var role, scopes, systems string
	err := q.queryer().QueryRowContext(ctx, `
		SELECT t.id, t.user_id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at, t.revoked_at, t.scopes, t.systems,
			o.id, o.slug, o.name, u.id, u.email, u.name, u.created_at, u.last_login_at, m.role, m.disabled
		FROM api_tokens t
		JOIN organizations o ON o.id = t.org_id
		JOIN users u ON u.id = t.user_id
		JOIN memberships m ON m.org_id = t.org_id AND m.user_id = t.user_id
		WHERE t.hash = $1`, hash).Scan(
		&o.Token.ID, &o.Token.UserID, &o.Token.Name, &o.Token.Prefix, &o.Token.CreatedAt, &last, &exp, &rev, &scopes, &systems,
		&o.OrgID, &o.OrgSlug, &o.OrgName, &o.User.ID, &o.User.Email, &o.User.Name, &o.User.CreatedAt, &ulast, &role, &o.Disabled)
	if err != nil {
		return nil, notFound(err, "token")
	}
	o.Token.CreatedAt = o.Token.CreatedAt.UTC()
	o.Token.LastUsedAt, o.Token.ExpiresAt, o.Token.RevokedAt = scanTime(last), scanTime(exp), scanTime(rev)
	o.Token.UserEmail = o.User.Email
	o.User.LastLogin = scanTime(ulast)
	o.Role = aims.Role(role)
	o.Token.Scopes = strings.Fields(scopes)
	o.Token.Systems = strings.Fields(systems)
	return &o, nil
}

// TouchToken stamps a token's last use. Bookkeeping, not audited; callers
// throttle it so that a busy pipeline does not write on every request.
func TouchToken(ctx context.Context, tx *Tx, id string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, tx.now, id)
	if err != nil {
		return fmt.Errorf("touch token: %w", mapError(err))
	}
	return nil
}

const tokenColumns = `t.id, t.user_id, u.email, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at, t.revoked_at, t.scopes, t.systems`

func scanToken(sc interface{ Scan(...any) error }, extra ...any) (*aims.Token, error) {
	var t aims.Token
	var last, exp, rev sql.NullTime
	var scopes, systems string
	if err := sc.Scan(append([]any{&t.ID, &t.UserID, &t.UserEmail, &t.Name, &t.Prefix, &t.CreatedAt, &last, &exp, &rev, &scopes, &systems}, extra...)...); err != nil {
		return nil, err
	}
	t.Scopes = strings.Fields(scopes)
	t.Systems = strings.Fields(systems)
	t.CreatedAt = t.CreatedAt.UTC()
	t.LastUsedAt, t.ExpiresAt, t.RevokedAt = scanTime(last), scanTime(exp), scanTime(rev)
	return &t, nil
}

// FindTokenByID returns one token of the organization in scope.
func FindTokenByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Token, error) {
	t, err := scanToken(q.queryer().QueryRowContext(ctx, `
		SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.org_id = $1 AND t.id = $2`, scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "token")
	}
	return t, nil
}

// FindTokens lists the tokens of the organization in scope, newest first.
func FindTokens(ctx context.Context, q Querier, scope aims.Scope, f aims.TokenFilter) ([]*aims.Token, int, error) {
	return findPage(ctx, q, "tokens", `
		SELECT `+tokenColumns+`, COUNT(*) OVER ()
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR t.user_id = $2)
			AND ($3 OR t.revoked_at IS NULL)
		ORDER BY t.created_at DESC, t.id DESC
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), opt(f.UserID), f.IncludeRevoked}, f.Page,
		func(sc scanner, total *int) (*aims.Token, error) { return scanToken(sc, total) })
}

// RevokeToken marks a token revoked; it stops working at once.
func RevokeToken(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Token) (*aims.Token, error) {
	after := *before
	now := tx.now
	after.RevokedAt = &now
	res, err := tx.tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL`,
		now, scope.OrgID(), before.ID)
	if err != nil {
		return nil, fmt.Errorf("revoke token: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, aims.Errorf(aims.KindConflict, "the token is already revoked")
	}
	return &after, tx.recordUpdate(ctx, scope, aims.EntityToken, before.ID, before, &after)
}
