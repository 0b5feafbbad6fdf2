package store

import (
	"context"
	"database/sql"

	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// TOTP is an account's second factor as stored: the sealed secret, when a
// first code confirmed it, and the time step of the last code accepted.
type TOTP struct {
	UserID      string
	Secret      string
	ConfirmedAt *time.Time
	LastStep    int64
}

// FindTOTP returns the account's second factor, or not found.
func FindTOTP(ctx context.Context, q Querier, userID string) (*TOTP, error) {
	t := &TOTP{UserID: userID}
	var confirmed sql.NullTime
	err := q.queryer().QueryRowContext(ctx, `SELECT secret, confirmed_at, last_step FROM user_totp WHERE user_id = $1`, userID).
		Scan(&t.Secret, &confirmed, &t.LastStep)
	if err != nil {
		return nil, notFound(err, "second factor")
	}
	t.ConfirmedAt = scanTime(confirmed)
	return t, nil
}

// ClaimTOTP is FindTOTP holding the row until tx ends, so that two
// requests with the same code cannot both pass.
func ClaimTOTP(ctx context.Context, tx *Tx, userID string) (*TOTP, error) {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE user_totp SET last_step = last_step WHERE user_id = $1`, userID); err != nil {
		return nil, fmt.Errorf("claim second factor: %w", mapError(err))
	}
	return FindTOTP(ctx, tx, userID)
}

// StartTOTP stores a new, unconfirmed secret for the account, replacing
// an unconfirmed one; the account's recovery codes are replaced too.
// Recorded in every organization of the account (scopes), without the
// secret.
func StartTOTP(ctx context.Context, tx *Tx, userID, sealed string, codeHashes []string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = $1 AND confirmed_at IS NULL`, userID); err != nil {
		return fmt.Errorf("start second factor: %w", mapError(err))
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO user_totp (user_id, secret, last_step, created_at) VALUES ($1, $2, 0, $3)`, userID, sealed, tx.now)
	if isUniqueViolation(err) {
		return aims.Errorf(aims.KindConflict, "a second factor is set up already: remove it first")
	}
	if err != nil {
		return fmt.Errorf("start second factor: %w", mapError(err))
	}
	return ReplaceRecoveryCodes(ctx, tx, userID, codeHashes)
}

// ReplaceRecoveryCodes sets the account's recovery codes (hashes), dropping the old ones.
func ReplaceRecoveryCodes(ctx context.Context, tx *Tx, userID string, hashes []string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("recovery codes: %w", mapError(err))
	}
	for _, h := range hashes {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return fmt.Errorf("recovery codes: %w", mapError(err))
		}
	}
	return nil
}

// UseTOTPStep records the step of a code accepted; confirming marks an
// enrolment done. The audit event goes to every organization in scopes.
func UseTOTPStep(ctx context.Context, tx *Tx, scopes []aims.Scope, u *aims.User, step int64, confirm bool) error {
	q := `UPDATE user_totp SET last_step = $1 WHERE user_id = $2`
	args := []any{step, u.ID}
	if confirm {
		q = `UPDATE user_totp SET last_step = $1, confirmed_at = $3 WHERE user_id = $2`
		args = append(args, tx.now)
	}
	if _, err := tx.tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("use second factor: %w", mapError(err))
	}
	if !confirm {
		return nil
	}
	for _, sc := range scopes {
		if err := tx.record(ctx, sc, aims.ActionUpdate, aims.EntityUser, u.ID, u.Email, nil, map[string]any{"second_factor": "enrolled"}); err != nil {
			return err
		}
	}
	return nil
}

// UseRecoveryCode spends a recovery code of the account; false when it is
// not one of its unused codes.
func UseRecoveryCode(ctx context.Context, tx *Tx, userID, hash string) (bool, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`, tx.now, userID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", mapError(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CountRecoveryCodes counts the account's unused recovery codes.
func CountRecoveryCodes(ctx context.Context, q Querier, userID string) (int, error) {
	var n int
	if err := q.queryer().QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", mapError(err))
	}
	return n, nil
}

// RemoveTOTP deletes the account's second factor and recovery codes, and
// records it in every organization in scopes.
func RemoveTOTP(ctx context.Context, tx *Tx, scopes []aims.Scope, u *aims.User) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = $1`, u.ID)
	if err != nil {
		return fmt.Errorf("remove second factor: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("second factor")
	}
	if err := ReplaceRecoveryCodes(ctx, tx, u.ID, nil); err != nil {
		return err
	}
	for _, sc := range scopes {
		if err := tx.record(ctx, sc, aims.ActionUpdate, aims.EntityUser, u.ID, u.Email, nil, map[string]any{"second_factor": "removed"}); err != nil {
			return err
		}
	}
	return nil
}
