package store

import (
	"context"
	"fmt"
)

// DemoCredential is a demo account's password, kept so that every start in
// demo mode can print it. Only the demo organization's accounts are ever
// written here; they guard nothing of value.
type DemoCredential struct {
	Email    string
	Role     string
	Password string
}

// SaveDemoCredentials records the demo accounts' passwords, replacing those
// recorded before. Passwords are not governance records, and must not be
// copied into the audit trail, so this write has no audit event.
func SaveDemoCredentials(ctx context.Context, tx *Tx, creds []DemoCredential) error {
	for _, c := range creds {
		_, err := tx.tx.ExecContext(ctx, `
			INSERT INTO demo_credentials (email, role, password) VALUES ($1, $2, $3)
			ON CONFLICT (email) DO UPDATE SET role = excluded.role, password = excluded.password`,
			c.Email, c.Role, c.Password)
		if err != nil {
			return fmt.Errorf("save demo credentials: %w", mapError(err))
		}
	}
	return nil
}

// FindDemoCredentials lists the recorded demo accounts, by email.
func FindDemoCredentials(ctx context.Context, q Querier) ([]DemoCredential, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT email, role, password FROM demo_credentials ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("find demo credentials: %w", mapError(err))
	}
	defer rows.Close()
	var out []DemoCredential
	for rows.Next() {
		var c DemoCredential
		if err := rows.Scan(&c.Email, &c.Role, &c.Password); err != nil {
			return nil, fmt.Errorf("find demo credentials: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
