package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/google/uuid"
)

// newID returns a UUIDv7: unique, and ordered by creation time, which keeps
// B-tree inserts local.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// NewID returns a fresh record id, for records made outside the store.
func NewID() string { return newID() }

// opt turns an empty filter value into NULL, so that
// "(CAST($1 AS TEXT) IS NULL OR col = $1)" skips the condition.
func opt[T ~string](v T) any {
	if v == "" {
		return nil
	}
	return string(v)
}

// optBool turns a nil filter into NULL.
func optBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// optTime turns a nil time into NULL.
func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullString stores "" as NULL, for optional references.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullDate stores a nil date as NULL.
func nullDate(d *aims.Date) any {
	if d == nil || d.IsZero() {
		return nil
	}
	return d.Time
}

func scanDate(t sql.NullTime) *aims.Date {
	if !t.Valid {
		return nil
	}
	d := aims.DateOf(t.Time)
	return &d
}

func scanTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// encodeList stores a list as a JSON array in a TEXT column. Enum lists are
// filtered with LIKE '%"value"%', which is exact because enum values hold no
// quotes.
func encodeList[T any](list []T) string {
	if list == nil {
		return "[]"
	}
	b, err := json.Marshal(list)
	if err != nil {
		panic(fmt.Sprintf("store: encode list: %v", err))
	}
	return string(b)
}

func decodeList[T any](s string, dst *[]T) error {
	*dst = []T{}
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), dst); err != nil {
		return fmt.Errorf("decode list %q: %w", s, err)
	}
	return nil
}

// memberOf makes the LIKE pattern that finds value in a JSON list column.
func memberOf[T ~string](v T) any {
	if v == "" {
		return nil
	}
	return `%"` + likeEscape(string(v)) + `"%`
}

// nameKey is the folded name (NFKC casefold, aims.FoldKey) that unique
// indexes and searches use, so that "Credit scoring", "credit scoring" and
// "ＣＲＥＤＩＴ scoring" are one name on both databases.
func nameKey(name string) string { return aims.FoldKey(name) }

// limitOffset returns a normalized page's LIMIT and OFFSET arguments.
func limitOffset(p aims.Page) (int, int) {
	p = p.Normalize()
	return p.Limit, p.Offset
}

// timeOrZero returns *t, or the zero time, for a flag-and-value filter.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// NameKey is the form in which names are unique: trimmed, NFKC casefolded.
// Bulk work outside the store matches names with it.
func NameKey(name string) string { return nameKey(name) }

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// findPage runs a list query whose last two parameters are LIMIT and OFFSET
// and whose every row carries the total count (scan reads it into total). A
// page past the end has no row to carry the count, so then it asks again for
// the first row, so that callers always learn how many match.
func findPage[T any](ctx context.Context, q Querier, what, query string, args []any, page aims.Page,
	scan func(sc scanner, total *int) (T, error)) ([]T, int, error) {
	limit, offset := limitOffset(page)
	out, total, err := scanPage(ctx, q, what, query, slices.Concat(args, []any{limit, offset}), scan)
	if err == nil && len(out) == 0 && offset > 0 {
		_, total, err = scanPage(ctx, q, what, query, slices.Concat(args, []any{1, 0}), scan)
	}
	return out, total, err
}

func scanPage[T any](ctx context.Context, q Querier, what, query string, args []any,
	scan func(sc scanner, total *int) (T, error)) ([]T, int, error) {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find %s: %w", what, mapError(err))
	}
	defer rows.Close()
	out := []T{}
	total := 0
	for rows.Next() {
		v, err := scan(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("find %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find %s: %w", what, err)
	}
	return out, total, nil
}
