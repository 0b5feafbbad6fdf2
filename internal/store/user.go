package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// Membership is one organization a user belongs to, for choosing where to
// sign in.
type Membership struct {
	Org      aims.Organization
	Role     aims.Role
	Disabled bool
}

// CreateUser adds an account. Accounts are global (one email, one password)
// and reach organizations through memberships; the audit event goes to the
// organization in scope, without the password hash.
func CreateUser(ctx context.Context, tx *Tx, scope aims.Scope, u *aims.User, passwordHash string) error {
	u.ID = newID()
	u.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.Email, u.Name, passwordHash, u.CreatedAt)
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: "an account with this email already exists", Fields: []aims.FieldError{{Field: "email", Detail: "is already in use"}}}
	}
	if err != nil {
		return fmt.Errorf("create user: %w", mapError(err))
	}
	return tx.record(ctx, scope, aims.ActionCreate, aims.EntityUser, u.ID, u.Email, nil, u)
}

// FindUserByEmail returns an account and its password hash. It reads across
// tenants: sign-in happens before any organization is known.
func FindUserByEmail(ctx context.Context, q Querier, email string) (*aims.User, string, error) {
	return scanUser(q.queryer().QueryRowContext(ctx, `SELECT id, email, name, created_at, last_login_at, session_epoch, password_hash FROM users WHERE email = $1`, email))
}

// FindUserByID returns an account and its password hash.
func FindUserByID(ctx context.Context, q Querier, id string) (*aims.User, string, error) {
	return scanUser(q.queryer().QueryRowContext(ctx, `SELECT id, email, name, created_at, last_login_at, session_epoch, password_hash FROM users WHERE id = $1`, id))
}

func scanUser(row *sql.Row) (*aims.User, string, error) {
	var u aims.User
	var last sql.NullTime
	var hash string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.CreatedAt, &last, &u.SessionEpoch, &hash); err != nil {
		return nil, "", notFound(err, "user")
	}
	u.CreatedAt = u.CreatedAt.UTC()
	u.LastLogin = scanTime(last)
	return &u, hash, nil
}

// CountUsers counts every account, to tell a first start.
func CountUsers(ctx context.Context, q Querier) (int, error) {
	var n int
	if err := q.queryer().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", mapError(err))
	}
	return n, nil
}

// SetPassword replaces a user's password hash and moves the account's
// session epoch on, which ends every web session begun before (u.SessionEpoch
// is set to the new epoch, for the session that made the change). The audit
// event, in each scope (one per organization the person belongs to), says
// that the password changed, never what it is.
func SetPassword(ctx context.Context, tx *Tx, scopes []aims.Scope, u *aims.User, passwordHash string) error {
	err := tx.tx.QueryRowContext(ctx, `UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1 WHERE id = $2 RETURNING session_epoch`,
		passwordHash, u.ID).Scan(&u.SessionEpoch)
	if errors.Is(err, sql.ErrNoRows) {
		return aims.ErrNotFound("user")
	}
	if err != nil {
		return fmt.Errorf("set password: %w", mapError(err))
	}
	change := map[string]string{"password": "changed"}
	for _, scope := range scopes {
		if err := tx.record(ctx, scope, aims.ActionUpdate, aims.EntityUser, u.ID, u.Email, nil, change); err != nil {
			return err
		}
	}
	return nil
}

// SetUserName renames an account. A person is one account in every
// organization they belong to, so the change is recorded in each scope
// given (one per organization, each sealed in that organization's log).
func SetUserName(ctx context.Context, tx *Tx, scopes []aims.Scope, u *aims.User, name string) (*aims.User, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET name = $1 WHERE id = $2`, name, u.ID)
	if err != nil {
		return nil, fmt.Errorf("rename user: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, aims.ErrNotFound("user")
	}
	before := map[string]string{"name": u.Name}
	after := map[string]string{"name": name}
	for _, scope := range scopes {
		if err := tx.record(ctx, scope, aims.ActionUpdate, aims.EntityUser, u.ID, u.Email, before, after); err != nil {
			return nil, err
		}
	}
	out := *u
	out.Name = name
	return &out, nil
}

// TouchLogin stamps a user's last sign-in. It is bookkeeping, not a change to
// a governance record, so it is not audited.
func TouchLogin(ctx context.Context, tx *Tx, userID string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, tx.now, userID)
	if err != nil {
		return fmt.Errorf("touch login: %w", mapError(err))
	}
	return nil
}

// FindMembershipsOfUser lists the organizations a user belongs to.
func FindMembershipsOfUser(ctx context.Context, q Querier, userID string) ([]Membership, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT o.id, o.slug, o.name, o.created_at, m.role, m.disabled
		FROM memberships m JOIN organizations o ON o.id = m.org_id
		WHERE m.user_id = $1 ORDER BY o.slug`, userID)
	if err != nil {
		return nil, fmt.Errorf("memberships of user: %w", mapError(err))
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		var role string
		if err := rows.Scan(&m.Org.ID, &m.Org.Slug, &m.Org.Name, &m.Org.CreatedAt, &role, &m.Disabled); err != nil {
			return nil, fmt.Errorf("memberships of user: %w", err)
		}
		m.Role = aims.Role(role)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddMember gives a user a role in the organization in scope.
func AddMember(ctx context.Context, tx *Tx, scope aims.Scope, u *aims.User, role aims.Role) (*aims.Member, error) {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO memberships (org_id, user_id, role, disabled, created_at) VALUES ($1, $2, $3, $4, $5)`,
		scope.OrgID(), u.ID, string(role), false, tx.now)
	if isUniqueViolation(err) {
		return nil, &aims.Error{Kind: aims.KindConflict, Message: u.Email + " is already a member of this organization", Fields: []aims.FieldError{{Field: "email", Detail: "is already a member"}}}
	}
	if err != nil {
		return nil, fmt.Errorf("add member: %w", mapError(err))
	}
	m := &aims.Member{User: *u, Role: role, JoinedAt: tx.now}
	if err := tx.recordCreate(ctx, scope, aims.EntityMember, u.ID, m); err != nil {
		return nil, err
	}
	// Every member account has a person (7.2).
	if _, err := EnsurePersonForMember(ctx, tx, scope, u); err != nil {
		return nil, fmt.Errorf("add member: %w", err)
	}
	return m, nil
}

const memberColumns = `u.id, u.email, u.name, u.created_at, u.last_login_at, m.role, m.disabled, m.created_at`

func scanMember(sc interface{ Scan(...any) error }, extra ...any) (*aims.Member, error) {
	var m aims.Member
	var last sql.NullTime
	var role string
	dest := append([]any{&m.ID, &m.Email, &m.Name, &m.CreatedAt, &last, &role, &m.Disabled, &m.JoinedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	m.JoinedAt = m.JoinedAt.UTC()
	m.LastLogin = scanTime(last)
	m.Role = aims.Role(role)
	return &m, nil
}

// FindMemberByID returns a member of the organization in scope; a user of
// another organization is not found.
func FindMemberByID(ctx context.Context, q Querier, scope aims.Scope, userID string) (*aims.Member, error) {
	m, err := scanMember(q.queryer().QueryRowContext(ctx, `
		SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 AND m.user_id = $2`, scope.OrgID(), userID))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return m, nil
}

// FindMemberByEmail returns a member of the organization in scope by email.
func FindMemberByEmail(ctx context.Context, q Querier, scope aims.Scope, email string) (*aims.Member, error) {
	m, err := scanMember(q.queryer().QueryRowContext(ctx, `
		SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 AND u.email = $2`, scope.OrgID(), email))
	if err != nil {
		return nil, notFound(err, "user "+email)
	}
	return m, nil
}

// FindMembers lists the members of the organization in scope.
func FindMembers(ctx context.Context, q Querier, scope aims.Scope, f aims.MemberFilter) ([]*aims.Member, int, error) {
	return findPage(ctx, q, "members", `
		SELECT `+memberColumns+`, COUNT(*) OVER ()
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR LOWER(u.name) LIKE $2 ESCAPE '\' OR u.email LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR m.role = $3)
		ORDER BY u.name, u.email
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), lowerPattern(f.Search), opt(f.Role)}, f.Page,
		func(sc scanner, total *int) (*aims.Member, error) { return scanMember(sc, total) })
}

// ListMembers returns every member of the organization in scope, enabled or
// not, by email; bulk work (an inventory import) looks owners up in it
// instead of asking once per row.
func ListMembers(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.Member, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 ORDER BY u.email`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("list members: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("list members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// UpdateMember writes a member's role and disabled flag: what belongs to
// the membership. The account (name, password) is the person's, changed
// with SetUserName and SetPassword.
func UpdateMember(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Member) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE memberships SET role = $1, disabled = $2 WHERE org_id = $3 AND user_id = $4`,
		string(after.Role), after.Disabled, scope.OrgID(), after.ID)
	if err != nil {
		return fmt.Errorf("update member: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("user")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityMember, after.ID, before, after)
}

// CountAdmins counts the enabled admins of the organization in scope, so that
// the last one cannot be demoted or disabled.
func CountAdmins(ctx context.Context, q Querier, scope aims.Scope) (int, error) {
	var n int
	err := q.queryer().QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin' AND NOT disabled`, scope.OrgID()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count admins: %w", mapError(err))
	}
	return n, nil
}
