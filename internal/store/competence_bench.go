package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// CompetenceBenchSpec sizes the organization the competence benchmarks
// read (issue 16: 50,000 people, 200,000 training records, 1,000 systems).
// One role, "Validation lead", is held by HoldersPerSystem people for each
// system and requires three competences, one only for safety systems.
// SystemIDs, when given, are the systems the role is held for instead of
// Systems new ones (a benchmark that seeds its inventory first).
type CompetenceBenchSpec struct {
	People, Records, Systems, HoldersPerSystem int
	SystemIDs                                  []string
}

// SeedCompetenceBench fills the organization in scope with spec's records in
// bulk, without audit events (a benchmark's fixture, not governance
// records), and returns the benchmarked role's id. ownerID is a member who
// owns every system.
func SeedCompetenceBench(ctx context.Context, db *DB, scope aims.Scope, ownerID string, spec CompetenceBenchSpec) (string, error) {
	roleID := newID()
	err := db.Transact(ctx, func(tx *Tx) error {
		now := tx.now
		var args []any
		systems := spec.SystemIDs
		if systems == nil {
			systems = make([]string, spec.Systems)
		}
		for i := range systems {
			if spec.SystemIDs != nil {
				break
			}
			systems[i] = newID()
			domains := `["quality"]`
			if i%4 == 0 {
				domains = `["quality","safety"]`
			}
			name := fmt.Sprintf("Bench system %05d", i)
			args = append(args, systems[i], scope.OrgID(), name, nameKey(name), "Benchmark", ownerID, `["deployer"]`, "deployed",
				"advisory", domains, `[]`, true, `[]`, now, now)
		}
		if len(args) > 0 {
			if _, err := tx.insertRows(ctx, "ai_systems", `id, org_id, name, name_key, purpose, owner_id, operator_roles, lifecycle_stage,
				autonomy, impact_domains, techniques, in_scope, tags, created_at, updated_at`, 15, args, ""); err != nil {
				return err
			}
		}
		people := make([]string, spec.People)
		args = args[:0]
		for i := range people {
			people[i] = newID()
			name := fmt.Sprintf("Person %06d", i)
			args = append(args, people[i], scope.OrgID(), name, nameKey(name), fmt.Sprintf("Dept %d", i%40), nameKey(fmt.Sprintf("Dept %d", i%40)), true, now, now)
		}
		if _, err := tx.insertRows(ctx, "people", `id, org_id, name, name_key, department, department_key, active, created_at, updated_at`, 9, args, ""); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO aims_roles (id, org_id, name, name_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			roleID, scope.OrgID(), "Validation lead", nameKey("Validation lead"), now, now); err != nil {
			return mapError(err)
		}
		args = args[:0]
		for _, c := range []struct {
			competence, domain string
			months             int
		}{{"ML validation", "", 36}, {"Statistics refresher", "", 24}, {"Functional safety", "safety", 0}} {
			args = append(args, newID(), scope.OrgID(), roleID, c.domain, c.competence, nameKey(c.competence), c.months, now, now)
		}
		if _, err := tx.insertRows(ctx, "competence_requirements", `id, org_id, role_id, impact_domain, competence, competence_key, valid_months,
			created_at, updated_at`, 9, args, ""); err != nil {
			return err
		}
		args = args[:0]
		for i, s := range systems {
			for h := range spec.HoldersPerSystem {
				p := people[(i*spec.HoldersPerSystem+h)%len(people)]
				args = append(args, newID(), scope.OrgID(), roleID, p, s, now, now)
			}
		}
		if _, err := tx.insertRows(ctx, "role_assignments", `id, org_id, role_id, person_id, system_id, created_at, updated_at`, 7, args, ""); err != nil {
			return err
		}
		args = args[:0]
		competences := []string{"ML validation", "Statistics refresher", "Functional safety", "First aid", "Forklift"}
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range spec.Records {
			c := competences[i%len(competences)]
			done := day.AddDate(0, 0, i%700)
			args = append(args, newID(), scope.OrgID(), people[(i*7)%len(people)], c, nameKey(c), done, now, now)
			if len(args) >= 8*20_000 {
				if _, err := tx.insertRows(ctx, "training_records", `id, org_id, person_id, competence, competence_key, completed_on, created_at, updated_at`, 8, args, ""); err != nil {
					return err
				}
				args = args[:0]
			}
		}
		if _, err := tx.insertRows(ctx, "training_records", `id, org_id, person_id, competence, competence_key, completed_on, created_at, updated_at`, 8, args, ""); err != nil {
			return err
		}
		return refreshCurrent(ctx, tx, scope.OrgID(), nil)
	})
	if err != nil {
		return "", err
	}
	return roleID, analyzeBench(ctx, db, "training_records", "training_current", "people", "role_assignments", "ai_systems", "competence_requirements")
}

// analyzeBench gives the planner the statistics (and, on PostgreSQL, the
// visibility map that index-only scans need) that autovacuum would gather
// on a live database after a bulk load of the given tables.
func analyzeBench(ctx context.Context, db *DB, tables ...string) error {
	stmt := `ANALYZE`
	if db.dialect == Postgres {
		stmt = `VACUUM (ANALYZE) ` + strings.Join(tables, ", ")
	}
	if _, err := db.writer.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("analyze the benchmark's tables: %w", mapError(err))
	}
	return nil
}
