package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/aimsproject/aims/internal/aims"
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
