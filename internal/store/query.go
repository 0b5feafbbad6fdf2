package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aimsproject/aims/internal/aims"
)

// Building and running queries: the one placeholder builder, IN lists in
// chunks, pages with their total, and LIKE patterns.

// preview lists up to five names, and how many more there are.
func preview(names []string) string {
	if len(names) <= 5 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:5], ", "), len(names)-5)
}

// collect runs a query of one text column.
func collect(ctx context.Context, q Querier, dst *[]string, query string, args ...any) error {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		*dst = append(*dst, s)
	}
	return rows.Err()
}

// chunkSize bounds the ids of one IN list (SQLite allows 32,766
// parameters; PostgreSQL 65,535).
const chunkSize = 500

// eachChunk calls fn with ids in chunks of at most chunkSize.
func eachChunk(ids []string, fn func([]string) error) error {
	for c := range slices.Chunk(ids, chunkSize) {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// marks writes n placeholders from $first on: "$3,$4,$5".
func marks(first, n int) string { return placeholders(first, n, 1, false, "", false) }

// placeholders is the one placeholder builder: rows rows of cols
// parameters numbered from $first, each row in parentheses when paren is
// set ("($1,$2),($3,$4)"), else one list ("$1,$2,$3"). cast, when set,
// casts each to that type (PostgreSQL types a VALUES list before a join).
// question writes SQLite's plain ? (numbered in order) instead of $N:
// SQLite looks $N names up in a list, which costs quadratic time in a
// statement of a thousand parameters.
func placeholders(first, rows, cols int, paren bool, cast string, question bool) string {
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		if paren {
			b.WriteByte('(')
		}
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			p := "?"
			if !question {
				p = "$" + strconv.Itoa(first+r*cols+c)
			}
			if cast != "" {
				p = "CAST(" + p + " AS " + cast + ")"
			}
			b.WriteString(p)
		}
		if paren {
			b.WriteByte(')')
		}
	}
	return b.String()
}

func anySlice(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// inChunks runs the query text(n) for args in chunks of fixed sizes (each
// statement prepared once), calling scan for every row. Keys of two values
// come in even chunks.
func (tx *Tx) inChunks(ctx context.Context, args []int64, text func(n int) string, scan func(*sql.Rows) error) error {
	for rest := args; len(rest) > 0; {
		n := 1
		for _, c := range []int{256, 64, 16, 2, 1} {
			if len(rest) >= c {
				n = c
				break
			}
		}
		vals := make([]any, n)
		for i, v := range rest[:n] {
			vals[i] = v
		}
		if err := tx.queryEach(ctx, text(n), vals, scan); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// queryEach runs query with args in the transaction, calling scan for
// every row.
func (tx *Tx) queryEach(ctx context.Context, query string, args []any, scan func(*sql.Rows) error) error {
	var rows *sql.Rows
	var err error
	if stmt := tx.db.prepared(query); stmt != nil {
		rows, err = tx.tx.StmtContext(ctx, stmt).QueryContext(ctx, args...)
	} else {
		rows, err = tx.tx.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := scan(rows); err != nil {
			rows.Close()
			return err
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}

var marksCache sync.Map // "dialect/rows/cols/cast" -> SQL

// marks returns rows parenthesized groups of cols placeholders when cols > 1
// ("($1,$2),($3,$4)"), or a plain list ("$1,$2,$3") when cols is 1; cast names a
// type to cast each to (PostgreSQL types a VALUES list before the join).
func (tx *Tx) marks(rows, cols int, cast string) string {
	key := string(tx.db.dialect) + "/" + strconv.Itoa(rows) + "/" + strconv.Itoa(cols) + "/" + cast
	if s, ok := marksCache.Load(key); ok {
		return s.(string)
	}
	s := placeholders(1, rows, cols, cols > 1, cast, false)
	marksCache.Store(key, s)
	return s
}

// likePattern makes a case-insensitive "contains" pattern for LIKE ... ESCAPE
// '\' out of a search string; the columns it is compared with hold
// folded keys (nameKey), so both databases answer the same.
func likePattern(s string) any {
	s = nameKey(s)
	if s == "" {
		return nil
	}
	return "%" + likeEscape(s) + "%"
}

// lowerPattern is likePattern for columns compared lowercased (LOWER(name),
// an email), not folded: "straße" must still find "Straße" there.
func lowerPattern(s string) any {
	s = strings.ToLower(aims.CleanText(s))
	if s == "" {
		return nil
	}
	return "%" + likeEscape(s) + "%"
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// likeEscape escapes LIKE's wildcards for ESCAPE '\'.
func likeEscape(s string) string { return likeEscaper.Replace(s) }

// limitOffset returns a normalized page's LIMIT and OFFSET arguments.
func limitOffset(p aims.Page) (int, int) {
	p = p.Normalize()
	return p.Limit, p.Offset
}

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
