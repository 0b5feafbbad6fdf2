package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
)

// ScratchPostgres makes a fresh, empty schema in the PostgreSQL database at
// baseURL, named prefix and random hex, and returns a URL that works in it
// and a function that drops it. Benchmarks use it, so that they never write
// into a schema that holds anyone's data.
func ScratchPostgres(ctx context.Context, baseURL, prefix string) (string, func() error, error) {
	admin, err := sql.Open("pgx", baseURL)
	if err != nil {
		return "", nil, fmt.Errorf("open postgres: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop := func() error {
		defer admin.Close()
		_, err := admin.ExecContext(context.WithoutCancel(ctx), `DROP SCHEMA `+schema+` CASCADE`)
		return err
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		_ = drop()
		return "", nil, fmt.Errorf("parse database URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}
