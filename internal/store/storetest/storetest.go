// Package storetest opens the databases every store test runs on: a temp
// SQLite file always, and PostgreSQL when AIMS_TEST_POSTGRES_URL is set (each
// test in a schema of its own, dropped afterwards). With
// AIMS_TEST_REQUIRE_POSTGRES=1 (as CI sets it) a missing URL fails the test
// instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// PostgresURLEnv names the variable that points the tests at a PostgreSQL
// server, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const PostgresURLEnv = "AIMS_TEST_POSTGRES_URL"

// RequirePostgresEnv, when "1", turns a missing PostgreSQL into a failure.
const RequirePostgresEnv = "AIMS_TEST_REQUIRE_POSTGRES"

// Run runs fn once per database, as subtests named "sqlite" and "postgres".
func Run(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenPostgres(t))
	})
}

// OpenSQLite returns a migrated database in a temp file.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(t.TempDir(), "aims.db")})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// PostgresURL returns a URL to a fresh, empty schema (dropped when the test
// ends), or skips the test when no server is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		if os.Getenv(RequirePostgresEnv) == "1" {
			t.Fatalf("%s is not set but %s=1: PostgreSQL tests must run", PostgresURLEnv, RequirePostgresEnv)
		}
		t.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)", PostgresURLEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "aims_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		if _, err := a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	qs := u.Query()
	qs.Set("search_path", schema)
	u.RawQuery = qs.Encode()
	return u.String()
}

// OpenPostgres returns a migrated database in a fresh schema, or skips.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DatabaseURL: PostgresURL(t)})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db
}

// Fixture is an organization with one admin member, for tests.
type Fixture struct {
	Org   *aims.Organization
	Admin *aims.Member
	Scope aims.Scope
}

// NewOrg creates an organization with an admin member, and returns a scope
// acting as that admin.
func NewOrg(t testing.TB, db *store.DB, slug string) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{Org: &aims.Organization{ID: store.NewID(), Slug: slug, Name: "Org " + slug}}
	err := db.Transact(ctx, func(tx *store.Tx) error {
		scope := aims.NewTenantScope(f.Org.ID, aims.Actor{Kind: aims.ActorSystem, Label: "test"})
		if err := store.CreateOrganization(ctx, tx, scope, f.Org); err != nil {
			return err
		}
		u := &aims.User{Email: "admin@" + slug + ".test", Name: "Admin " + slug}
		if err := store.CreateUser(ctx, tx, scope, u, ""); err != nil {
			return err
		}
		m, err := store.AddMember(ctx, tx, scope, u, aims.RoleAdmin)
		f.Admin = m
		return err
	})
	if err != nil {
		t.Fatalf("create org %s: %v", slug, err)
	}
	f.Scope = aims.NewTenantScope(f.Org.ID, aims.Actor{Kind: aims.ActorUser, UserID: f.Admin.ID, Label: f.Admin.Email})
	return f
}

// AddMember adds a user with role to the fixture's organization.
func (f *Fixture) AddMember(t testing.TB, db *store.DB, email string, role aims.Role) *aims.Member {
	t.Helper()
	ctx := context.Background()
	var m *aims.Member
	err := db.Transact(ctx, func(tx *store.Tx) error {
		u, _, err := store.FindUserByEmail(ctx, tx, email)
		if aims.IsKind(err, aims.KindNotFound) {
			u = &aims.User{Email: email, Name: email}
			err = store.CreateUser(ctx, tx, f.Scope, u, "")
		}
		if err != nil {
			return err
		}
		m, err = store.AddMember(ctx, tx, f.Scope, u, role)
		return err
	})
	if err != nil {
		t.Fatalf("add member %s: %v", email, err)
	}
	return m
}

// System returns a valid AI system owned by ownerID, to be changed as a test
// needs.
func System(name, ownerID string) *aims.AISystem {
	s := &aims.AISystem{
		Name: name, Purpose: "Test purpose", OwnerID: ownerID,
		OperatorRoles:  []aims.OperatorRole{aims.OperatorDeployer},
		LifecycleStage: aims.StageDevelopment, Autonomy: aims.AutonomyAdvisory,
		ImpactDomains: []aims.ImpactDomain{aims.DomainQuality}, InScope: true,
	}
	s.Normalize()
	return s
}

// MustCreateSystem stores s in the fixture's organization.
func (f *Fixture) MustCreateSystem(t testing.TB, db *store.DB, s *aims.AISystem) *aims.AISystem {
	t.Helper()
	ctx := context.Background()
	if err := db.Transact(ctx, func(tx *store.Tx) error { return store.CreateSystem(ctx, tx, f.Scope, s) }); err != nil {
		t.Fatalf("create system %s: %v", s.Name, err)
	}
	return s
}

// seedNames are the kinds of system SeedInventory names, so that a search by
// part of the name matches a realistic share of the inventory.
var seedNames = []string{"credit scoring model", "setpoint optimizer", "customer chatbot", "CV screening assistant",
	"predictive maintenance model", "demand forecaster", "anomaly detector"}

// SeedInventory adds systems AI systems owned by ownerID to the fixture's
// organization, each with versionsPerSystem model versions, in a few large
// transactions through the ordinary store functions (so each write has its
// audit event). Names, stages and autonomy vary independently; a deployed
// system's newest model version is deployed. It returns the systems' ids.
func (f *Fixture) SeedInventory(tb testing.TB, db *store.DB, ownerID string, systems, versionsPerSystem int) []string {
	tb.Helper()
	ctx := context.Background()
	stages, autonomy, domains := aims.LifecycleStageValues(), aims.AutonomyValues(), aims.ImpactDomainValues()
	ids := make([]string, 0, systems)
	const batch = 1000
	for start := 0; start < systems; start += batch {
		var made []string // a retried transaction starts again
		err := db.Transact(ctx, func(tx *store.Tx) error {
			made = made[:0]
			for i := start; i < min(start+batch, systems); i++ {
				s := System(fmt.Sprintf("%s %05d", seedNames[i%len(seedNames)], i), ownerID)
				s.LifecycleStage = stages[(i/len(seedNames))%len(stages)]
				s.Autonomy = autonomy[(i/3)%len(autonomy)]
				s.ImpactDomains = []aims.ImpactDomain{domains[i%len(domains)], domains[(i+4)%len(domains)]}
				s.Tags = []string{fmt.Sprintf("site-%d", i%20)}
				if err := store.CreateSystem(ctx, tx, f.Scope, s); err != nil {
					return err
				}
				made = append(made, s.ID)
				for v := range versionsPerSystem {
					m := &aims.ModelVersion{SystemID: s.ID, Version: fmt.Sprintf("1.%d", v), Status: aims.ModelValidated,
						Digest: fmt.Sprintf("%064x", i*versionsPerSystem+v), SourceURI: "s3://models/" + s.ID}
					if v == versionsPerSystem-1 && s.LifecycleStage == aims.StageDeployed {
						m.Status = aims.ModelDeployed
					}
					m.Normalize()
					if err := store.CreateModelVersion(ctx, tx, f.Scope, m); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed inventory: %v", err)
		}
		ids = append(ids, made...)
	}
	return ids
}

// RawExec runs SQL on the database opts names through a connection of its
// own, outside aims, as someone with direct access to the database would:
// tamper-detection tests use it (after dropping a guard trigger, say).
func RawExec(t testing.TB, opts store.Options, query string) {
	t.Helper()
	driver, dsn := "sqlite", "file:"+opts.SQLitePath
	if opts.DatabaseURL != "" {
		driver, dsn = "pgx", opts.DatabaseURL
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("raw SQL %q: %v", query, err)
	}
}
