package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
)

// foldKeysVersion is the migration that recomputes every stored name key
// with nameKey's NFKC casefold, which replaced plain lowercasing. It is a Go
// migration because neither database can compute NFKC casefold in SQL; it
// runs once, in its own transaction, on both dialects alike.
const foldKeysVersion = 80

// foldedKeys lists each key column, the text it is derived from and the
// column(s) within which it is unique.
var foldedKeys = []struct{ table, source, key, within string }{
	{"suppliers", "name", "name_key", "org_id"},
	{"ai_systems", "name", "name_key", "org_id"},
	{"datasets", "name", "name_key", "org_id"},
	{"instruments", "name", "name_key", "org_id"},
	{"tags", "name", "name_key", "org_id"},
	{"features", "name", "name_key", "org_id"},
	{"model_versions", "version", "version_key", "system_id"},
	{"risks", "title", "title_key", "org_id"},
}

// GoMigrations is how many migrations are Go code rather than SQL files
// (both dialects have each), for a check that counts applied migrations.
const GoMigrations = 1

func foldKeysMigration() *goose.Migration {
	return goose.NewGoMigration(foldKeysVersion, &goose.GoFunc{RunTx: foldKeys}, nil)
}

// foldKeys rewrites the keys whose folded form differs. Two names that were
// distinct when lowercased but fold to one key ("Straße", "STRASSE") keep
// their old keys, and a warning names them, so that the migration never
// fails on data that was valid before it: rename one of them to resolve it.
func foldKeys(ctx context.Context, tx *sql.Tx) error {
	for _, k := range foldedKeys {
		type row struct{ id, within, old, new string }
		rows, err := tx.QueryContext(ctx, `SELECT id, `+k.within+`, `+k.source+`, `+k.key+` FROM `+k.table)
		if err != nil {
			return fmt.Errorf("fold %s keys: %w", k.table, err)
		}
		var all []row
		for rows.Next() {
			var r row
			var src string
			if err := rows.Scan(&r.id, &r.within, &src, &r.old); err != nil {
				rows.Close()
				return fmt.Errorf("fold %s keys: %w", k.table, err)
			}
			r.new = nameKey(src)
			all = append(all, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("fold %s keys: %w", k.table, err)
		}
		// Keys that stay: every unchanged row's, and both sides of a fold
		// collision.
		count := map[[2]string]int{}
		for _, r := range all {
			count[[2]string{r.within, r.new}]++
		}
		kept := map[[2]string]bool{}
		for _, r := range all {
			if r.new == r.old {
				kept[[2]string{r.within, r.old}] = true
			}
		}
		for _, r := range all {
			if r.new == r.old {
				continue
			}
			if k.table != "risks" && (count[[2]string{r.within, r.new}] > 1 || kept[[2]string{r.within, r.new}]) {
				slog.WarnContext(ctx, "a name is the same as another once folded: its old key is kept; rename one of them",
					"table", k.table, "id", r.id, "key", r.new)
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET `+k.key+` = $1 WHERE id = $2`, r.new, r.id); err != nil {
				return fmt.Errorf("fold %s key of %s: %w", k.table, r.id, err)
			}
		}
	}
	return nil
}
