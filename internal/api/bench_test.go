package api_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// The performance target: with 10,000 AI systems and 50,000 model
// versions in SQLite, a filtered list page and a system detail are each
// served in under 10 ms (median, server side). Run
//
//	go test ./internal/api -run '^$' -bench . -count 5
//
// and compare medians (benchstat). Seeding takes a while the first time a
// benchmark runs; it is done once per test process.
const (
	benchSystems  = 10_000
	benchVersions = 5 // per system: 50,000 in all
	// benchListQuery is a filtered list page: deployed systems whose name
	// contains "model" (about 400 of 10,000), 50 to a page.
	benchListQuery = "lifecycle_stage=deployed&q=model&limit=50"
)

var bench struct {
	once    sync.Once
	dir     string
	env     *apiEnv
	systems []string
	err     error
}

// benchEnv returns the seeded server, shared by every benchmark of the
// process.
func benchEnv(b *testing.B) *apiEnv {
	b.Helper()
	bench.once.Do(func() {
		start := time.Now()
		bench.dir, bench.err = os.MkdirTemp("", "aims-bench-")
		if bench.err != nil {
			return
		}
		ctx := context.Background()
		// Not storetest.OpenSQLite: its cleanup would close the database
		// when the first benchmark ends.
		db, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(bench.dir, "aims.db")})
		if err != nil {
			bench.err = err
			return
		}
		if _, err := db.Migrate(ctx); err != nil {
			bench.err = err
			return
		}
		bench.env = newAPIEnv(b, db)
		o := bench.env.orgs["a"]
		bench.systems = o.SeedInventory(b, db, o.Admin.ID, benchSystems, benchVersions)
		b.Logf("seeded %d systems and %d model versions in %v", benchSystems, benchSystems*benchVersions, time.Since(start).Round(time.Millisecond))
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.env
}

// removeBenchData deletes the seeded database when the tests end.
func removeBenchData() {
	if bench.env != nil {
		bench.env.db.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
}

// benchGet serves GET url, as the viewer's token, b.N times; each must
// answer 200: a route that answers 404 or anything else fails the
// benchmark, so that a broken route cannot drop a figure silently.
func benchGet(b *testing.B, url func(i int) string) {
	e := benchEnv(b)
	token := e.orgs["a"].tokens[aims.RoleViewer]
	if res := e.do(b, request{method: http.MethodGet, url: url(0), token: token}); res.Code != http.StatusOK {
		b.Fatalf("GET %s: status %d; body: %s", url(0), res.Code, res.Body)
	}
	i := 0
	for b.Loop() {
		i++
		if res := e.do(b, request{method: http.MethodGet, url: url(i), token: token}); res.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", url(i), res.Code)
		}
	}
}

// BenchmarkSystemList serves the filtered inventory page.
func BenchmarkSystemList(b *testing.B) {
	b.Run("api", func(b *testing.B) {
		benchGet(b, func(int) string { return "/api/v1/systems?" + benchListQuery })
	})
	b.Run("web", func(b *testing.B) {
		benchGet(b, func(int) string { return "/systems?" + benchListQuery })
	})
}

// BenchmarkSystemDetail serves one system, then its model versions, taking
// systems from across the inventory.
func BenchmarkSystemDetail(b *testing.B) {
	id := func(i int) string { return bench.systems[(i*7919)%len(bench.systems)] }
	b.Run("api", func(b *testing.B) {
		benchGet(b, func(i int) string { return "/api/v1/systems/" + id(i) })
	})
	b.Run("api-model-versions", func(b *testing.B) {
		benchGet(b, func(i int) string { return "/api/v1/systems/" + id(i) + "/model-versions" })
	})
	b.Run("web", func(b *testing.B) {
		benchGet(b, func(i int) string { return "/systems/" + id(i) })
	})
}
