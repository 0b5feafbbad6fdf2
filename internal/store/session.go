package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// SessionStore keeps web sessions in the database, so that every replica
// sees the same sessions and a restart signs nobody out. It satisfies
// scs.CtxStore. Session writes are bookkeeping, not governance records, so
// they bypass the audit trail.
type SessionStore struct {
	db *DB
}

// Sessions returns the session store of db.
func (db *DB) Sessions() *SessionStore { return &SessionStore{db: db} }

// FindCtx returns a live session's data.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.reader.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, token, s.db.Now()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return data, true, nil
}

// CommitCtx stores a session.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.writer.ExecContext(ctx, `
		INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, b, expiry.UTC().Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// DeleteCtx ends a session.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.endTokens(ctx, []string{token})
}

// Find is FindCtx without a context.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes expired sessions and returns how many.
func (s *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	now := s.db.Now()
	res, err := s.db.writer.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	// What the person saw of an ended session goes too (a note younger
	// than a minute may belong to a session not yet committed).
	if _, err := s.db.writer.ExecContext(ctx, `DELETE FROM session_info WHERE started_at < $1 AND token NOT IN (SELECT token FROM sessions)`,
		now.Add(-time.Minute)); err != nil {
		return 0, fmt.Errorf("delete expired session notes: %w", err)
	}
	return res.RowsAffected()
}

// CleanupLoop deletes expired sessions every interval until ctx ends.
func (s *SessionStore) CleanupLoop(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.DeleteExpired(ctx); err != nil {
				slog.WarnContext(ctx, "session cleanup failed", "err", err)
			} else if n > 0 {
				slog.DebugContext(ctx, "deleted expired sessions", "count", n)
			}
		}
	}
}

// NoteSession records what the person sees of the session token: who,
// where from, with what browser, signed in how. Bookkeeping, not audited.
func (s *SessionStore) NoteSession(ctx context.Context, token, userID, orgID, userAgent, address, method string) error {
	now := s.db.Now()
	if len(userAgent) > 500 {
		userAgent = userAgent[:500]
	}
	_, err := s.db.writer.ExecContext(ctx, `
		INSERT INTO session_info (id, token, user_id, org_id, user_agent, address, method, started_at, last_seen_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
		ON CONFLICT (token) DO UPDATE SET user_id = excluded.user_id, org_id = excluded.org_id, last_seen_at = excluded.last_seen_at`,
		newID(), token, userID, orgID, userAgent, address, method, now)
	if err != nil {
		return fmt.Errorf("note session: %w", mapError(err))
	}
	return nil
}

// SeenSession stamps the session's last use.
func (s *SessionStore) SeenSession(ctx context.Context, token, address string) error {
	_, err := s.db.writer.ExecContext(ctx, `UPDATE session_info SET last_seen_at = $1, address = $2 WHERE token = $3`, s.db.Now(), address, token)
	if err != nil {
		return fmt.Errorf("session seen: %w", mapError(err))
	}
	return nil
}

// SessionRow is a live session of a person, with its token (kept inside
// the server: pages name a session by ID).
type SessionRow struct {
	ID, Token, OrgID, UserAgent, Address, Method string
	StartedAt, LastSeenAt                        time.Time
}

// FindUserSessions lists the live sessions of userID, latest first.
func (s *SessionStore) FindUserSessions(ctx context.Context, userID string) ([]SessionRow, error) {
	rows, err := s.db.reader.QueryContext(ctx, `
		SELECT i.id, i.token, i.org_id, i.user_agent, i.address, i.method, i.started_at, i.last_seen_at
		FROM session_info i JOIN sessions s ON s.token = i.token
		WHERE i.user_id = $1 AND s.expiry > $2
		ORDER BY i.last_seen_at DESC, i.id`, userID, s.db.Now())
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", mapError(err))
	}
	defer rows.Close()
	var out []SessionRow
	for rows.Next() {
		var r SessionRow
		if err := rows.Scan(&r.ID, &r.Token, &r.OrgID, &r.UserAgent, &r.Address, &r.Method, &r.StartedAt, &r.LastSeenAt); err != nil {
			return nil, fmt.Errorf("find sessions: %w", err)
		}
		r.StartedAt, r.LastSeenAt = r.StartedAt.UTC(), r.LastSeenAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// EndUserSession ends the session id of userID; false when it has none
// such.
func (s *SessionStore) EndUserSession(ctx context.Context, userID, id string) (bool, error) {
	var token string
	err := s.db.reader.QueryRowContext(ctx, `SELECT token FROM session_info WHERE id = $1 AND user_id = $2`, id, userID).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("end session: %w", mapError(err))
	}
	return true, s.endTokens(ctx, []string{token})
}

// EndMemberSessions ends every session of userID in orgID and returns how
// many there were.
func (s *SessionStore) EndMemberSessions(ctx context.Context, orgID, userID string) (int, error) {
	return s.endSelected(ctx, `SELECT token FROM session_info WHERE org_id = $1 AND user_id = $2`, orgID, userID)
}

// EndPasswordSessions ends the sessions in orgID begun with a password,
// except those of the account with email keep (the break-glass admin), and
// returns how many there were: an organization that turns local passwords
// off admits nobody on an old password sign-in either.
func (s *SessionStore) EndPasswordSessions(ctx context.Context, orgID, keep string) (int, error) {
	return s.endSelected(ctx, `
		SELECT i.token FROM session_info i
		WHERE i.org_id = $1 AND i.method = 'password'
		  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = i.user_id AND u.email = $2)`, orgID, keep)
}

// endSelected ends the sessions whose tokens query selects and returns
// how many there were.
func (s *SessionStore) endSelected(ctx context.Context, query string, args ...any) (int, error) {
	rows, err := s.db.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("end sessions: %w", mapError(err))
	}
	var tokens []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return 0, err
		}
		tokens = append(tokens, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return len(tokens), s.endTokens(ctx, tokens)
}

func (s *SessionStore) endTokens(ctx context.Context, tokens []string) error {
	for _, t := range tokens {
		if _, err := s.db.writer.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, t); err != nil {
			return fmt.Errorf("end session: %w", mapError(err))
		}
		if _, err := s.db.writer.ExecContext(ctx, `DELETE FROM session_info WHERE token = $1`, t); err != nil {
			return fmt.Errorf("end session: %w", mapError(err))
		}
	}
	return nil
}

// RecordSessionsEnded records in the audit trail that an admin ended the
// n sessions of member m.
func RecordSessionsEnded(ctx context.Context, tx *Tx, scope aims.Scope, m *aims.Member, n int) error {
	return tx.record(ctx, scope, aims.ActionUpdate, aims.EntityMember, m.ID, m.Email, nil, map[string]any{"sessions_ended": n})
}
