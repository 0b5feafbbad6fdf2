package store

import (
	"strings"
	"testing"
)

// TestInsertSQLKeepsEachColumnList: two writers of one table that name
// different columns get each their own statement (an import after a bulk
// seed of the same table once wrote a person's name into another column).
func TestInsertSQLKeepsEachColumnList(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		tx := &Tx{db: &DB{dialect: d}}
		a := tx.insertSQL("people", "id, org_id, name", 3, 2)
		b := tx.insertSQL("people", "id, org_id, department, name", 4, 2)
		if !strings.Contains(a, "(id, org_id, name)") || !strings.Contains(b, "(id, org_id, department, name)") {
			t.Errorf("%v: statements\n%s\n%s", d, a, b)
		}
	}
}
