package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

func (p *Program) benchCommand() *cobra.Command {
	c := &cobra.Command{Use: "bench", Short: "Measure performance on this machine"}
	c.AddCommand(p.benchLogCommand(), p.benchIngestCommand(), p.benchAuthorizationCommand(), p.benchLineageCommand(), p.benchCheckCommand())
	return c
}

// logBench holds the settings of `aims bench log`.
type logBench struct {
	p        *Program
	leaves   int
	batch    int
	runs     int
	writes   int
	proofs   int
	pgURL    string
	dir      string
	quiet    *slog.Logger
	masterSK string
}

func (p *Program) benchLogCommand() *cobra.Command {
	b := &logBench{p: p}
	c := &cobra.Command{
		Use:   "log",
		Short: "Measure the tamper-evident log: appends, proofs, restart, verify, sealing cost",
		Long: "Build a log of --leaves entries in a temporary SQLite database (and PostgreSQL with\n" +
			"--postgres-url, in a schema of its own, dropped afterwards) and report, as medians of\n" +
			"--runs runs: appends per second through the log's API in batches, inclusion and\n" +
			"consistency proof latency (p50, p99), time to be ready to append after a restart,\n" +
			"'aims log verify --full' time, and what sealing adds to an audited API create.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return b.run(c.Context()) },
	}
	c.Flags().IntVar(&b.leaves, "leaves", 1_000_000, "leaves in the log")
	c.Flags().IntVar(&b.batch, "batch", 1000, "leaves per transaction")
	c.Flags().IntVar(&b.runs, "runs", 3, "runs of each measurement (the median is reported)")
	c.Flags().IntVar(&b.writes, "writes", 1000, "API creates per run, sealed and unsealed each")
	c.Flags().IntVar(&b.proofs, "proofs", 20000, "proofs of each kind measured per run")
	c.Flags().StringVar(&b.pgURL, "postgres-url", os.Getenv("AIMS_TEST_POSTGRES_URL"), "PostgreSQL to measure too (default $AIMS_TEST_POSTGRES_URL)")
	c.Flags().StringVar(&b.dir, "dir", "", "directory for the temporary databases (default: a new temp dir)")
	return c
}

func (b *logBench) out(format string, args ...any) { fmt.Fprintf(b.p.Stdout, format+"\n", args...) }

func (b *logBench) run(ctx context.Context) error {
	b.quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
	if b.dir == "" {
		d, err := os.MkdirTemp("", "aims-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		b.dir = d
	}
	sk, err := ledger.GenerateMasterKey("bench.invalid")
	if err != nil {
		return err
	}
	b.masterSK = sk
	host, _ := os.Hostname()
	b.out("aims bench log: %d leaves, batches of %d, %d runs; %s/%s, %d CPUs, host %s", b.leaves, b.batch, b.runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), host)

	var rates []float64
	var last string
	for i := range b.runs {
		path := filepath.Join(b.dir, fmt.Sprintf("append-%d.db", i))
		rate, err := b.appendRate(ctx, store.Options{SQLitePath: path})
		if err != nil {
			return err
		}
		rates = append(rates, rate)
		if last != "" {
			os.Remove(last)
		}
		last = path
	}
	b.out("append, SQLite:      median %8.0f leaves/s  (runs: %s)", median(rates), fmtList(rates, "%.0f"))
	if b.pgURL != "" {
		rates = rates[:0]
		for range b.runs {
			rate, err := b.postgresRate(ctx)
			if err != nil {
				return err
			}
			rates = append(rates, rate)
		}
		b.out("append, PostgreSQL:  median %8.0f leaves/s  (runs: %s)", median(rates), fmtList(rates, "%.0f"))
	}
	if err := b.readSide(ctx, last); err != nil {
		return err
	}
	return b.sealingCost(ctx)
}

// openBench opens a database with an organization and returns a service
// and an operator context in it.
func (b *logBench) openBench(ctx context.Context, opts store.Options, slug string) (*store.DB, *service.Service, context.Context, error) {
	db, err := store.Open(ctx, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	if err := db.WarmReaders(ctx); err != nil { // as aims serve does
		db.Close()
		return nil, nil, nil, err
	}
	svc := service.New(db, b.quiet)
	mk, _ := ledger.ParseMasterKey(b.masterSK)
	svc.SetLogKey(mk)
	org, err := svc.ResolveOrganization(ctx, slug)
	if aims.IsKind(err, aims.KindNotFound) || err == service.ErrNoOrganization {
		org, _, err = svc.BootstrapUser(ctx, service.Bootstrap{OrgSlug: slug, Email: "bench@" + slug + ".invalid", Name: "Bench",
			Role: aims.RoleAdmin, Password: "bench-password-1", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "bench"}})
	}
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return db, svc, service.OperatorContext(ctx, org, "bench"), nil
}

// benchEntries makes a batch of audit-event-like entries (about 400 bytes).
func benchEntries(n, start int) []store.Leaf {
	leaves := make([]store.Leaf, n)
	for i := range leaves {
		ev := &aims.AuditEvent{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", start+i), OccurredAt: time.Now(),
			Actor:  aims.Actor{Kind: aims.ActorToken, UserID: "0190aaaa-0000-7000-8000-000000000001", TokenID: "0190aaaa-0000-7000-8000-000000000002", Label: "gateway@plant.example (token edge-7)"},
			Action: aims.ActionCreate, EntityType: "decision", EntityID: fmt.Sprintf("0190bbbb-0000-7000-8000-%012d", start+i), EntityLabel: "setpoint 41.2 %",
			After: []byte(fmt.Sprintf(`{"n":%d}`, start+i)), RequestID: "bench"}
		e, _ := ledger.EncodeAuditEvent("0190cccc-0000-7000-8000-000000000003", ev)
		leaves[i] = store.Leaf{Entry: e}
	}
	return leaves
}

func (b *logBench) appendRate(ctx context.Context, opts store.Options) (float64, error) {
	db, svc, octx, err := b.openBench(ctx, opts, "bench")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	batches := make([][]store.Leaf, 0, 16)
	for i := 0; i < 16; i++ {
		batches = append(batches, benchEntries(b.batch, i*b.batch))
	}
	start := time.Now()
	for done := 0; done < b.leaves; done += b.batch {
		if _, err := svc.AppendLogEntries(octx, batches[(done/b.batch)%len(batches)][:min(b.batch, b.leaves-done)]); err != nil {
			return 0, err
		}
	}
	return float64(b.leaves) / time.Since(start).Seconds(), nil
}

// postgresRate measures appends in a schema of its own, dropped afterwards.
func (b *logBench) postgresRate(ctx context.Context) (float64, error) {
	u, drop, err := store.ScratchPostgres(ctx, b.pgURL, "aims_bench_")
	if err != nil {
		return 0, err
	}
	defer drop()
	return b.appendRate(ctx, store.Options{DatabaseURL: u})
}

// readSide measures proofs, restart and offline verification on the log
// built last.
func (b *logBench) readSide(ctx context.Context, path string) error {
	var cold50, cold99, incl50, incl99, cons50, cons99, restarts, verifies, exports []float64
	for run := range b.runs {
		start := time.Now()
		db, svc, octx, err := b.openBench(ctx, store.Options{SQLitePath: path}, "bench")
		if err != nil {
			return err
		}
		if _, err := svc.AppendLogEntries(octx, benchEntries(1, b.leaves+run)); err != nil {
			db.Close()
			return err
		}
		restarts = append(restarts, time.Since(start).Seconds()*1000)
		size := uint64(b.leaves)
		rng := rand.New(rand.NewPCG(1, uint64(run)))
		measure := func(n int, fn func() error) ([]float64, error) {
			ds := make([]float64, 0, n)
			for range n {
				t := time.Now()
				if err := fn(); err != nil {
					return nil, err
				}
				ds = append(ds, float64(time.Since(t).Microseconds()))
			}
			return ds, nil
		}
		inclusion := func() error {
			_, err := svc.LogInclusionProof(octx, rng.Uint64N(size), size)
			return err
		}
		// Cold: the first proofs after the restart, each tile read from
		// the database once.
		ds, err := measure(min(b.proofs, 2000), inclusion)
		if err != nil {
			db.Close()
			return err
		}
		cold50, cold99 = append(cold50, percentile(ds, 50)), append(cold99, percentile(ds, 99))
		// Warm: a server that has served a while holds the tiles (its
		// cache of 4,096 tiles holds a million-leaf log).
		for i := uint64(0); i < size; i += ledger.TileWidth {
			if _, err := svc.LogInclusionProof(octx, i, size); err != nil {
				db.Close()
				return err
			}
		}
		if ds, err = measure(b.proofs, inclusion); err != nil {
			db.Close()
			return err
		}
		incl50, incl99 = append(incl50, percentile(ds, 50)), append(incl99, percentile(ds, 99))
		ds, err = measure(b.proofs, func() error {
			n := 2 + rng.Uint64N(size-1)
			_, err := svc.LogConsistencyProof(octx, 1+rng.Uint64N(n-1), n)
			return err
		})
		if err != nil {
			db.Close()
			return err
		}
		cons50, cons99 = append(cons50, percentile(ds, 50)), append(cons99, percentile(ds, 99))
		dir := filepath.Join(b.dir, fmt.Sprintf("export-%d", run))
		start = time.Now()
		_, err = svc.ExportLog(octx, dir, nil)
		if err != nil {
			db.Close()
			return err
		}
		exports = append(exports, time.Since(start).Seconds())
		vkey, err := svc.LogVerifierKey(octx)
		db.Close()
		if err != nil {
			return err
		}
		v, _ := ledger.ParseVerifierKey(vkey)
		start = time.Now()
		if _, err := ledger.VerifyBundle(ctx, dir, v, ledger.VerifyOptions{Full: true}); err != nil {
			return err
		}
		verifies = append(verifies, time.Since(start).Seconds())
		os.RemoveAll(dir)
	}
	b.out("inclusion proof:     median p50 %6.0f µs, p99 %6.0f µs at %d leaves, tiles cached (runs p99: %s)", median(incl50), median(incl99), b.leaves, fmtList(incl99, "%.0f"))
	b.out("  just restarted:    median p50 %6.0f µs, p99 %6.0f µs, tiles read from the database (runs p99: %s)", median(cold50), median(cold99), fmtList(cold99, "%.0f"))
	b.out("consistency proof:   median p50 %6.0f µs, p99 %6.0f µs (runs p99: %s)", median(cons50), median(cons99), fmtList(cons99, "%.0f"))
	b.out("restart, ready:      median %6.0f ms to open, migrate and append 1 leaf (runs: %s)", median(restarts), fmtList(restarts, "%.0f"))
	b.out("export:              median %6.2f s (runs: %s)", median(exports), fmtList(exports, "%.2f"))
	b.out("verify --full:       median %6.2f s over %d entries (runs: %s)", median(verifies), b.leaves, fmtList(verifies, "%.2f"))
	return nil
}

// sealingCost times API creates through SQLite with and without sealing,
// interleaved so that both see the same machine.
func (b *logBench) sealingCost(ctx context.Context) error {
	var overheads, sealedMs, plainMs []float64
	for run := range b.runs {
		type target struct {
			srv    *httptest.Server
			db     *store.DB
			token  string
			lat    []float64
			prefix string
		}
		var ts [2]*target
		for i, unsealed := range []bool{false, true} {
			path := filepath.Join(b.dir, fmt.Sprintf("api-%d-%v.db", run, unsealed))
			db, svc, octx, err := b.openBench(ctx, store.Options{SQLitePath: path, Unsealed: unsealed}, "api")
			if err != nil {
				return err
			}
			members, _, err := svc.FindMembers(octx, aims.MemberFilter{})
			if err != nil || len(members) == 0 {
				db.Close()
				return fmt.Errorf("bench member: %v", err)
			}
			secret, _, err := svc.CreateToken(octx, aims.NewToken{UserID: members[0].ID, Name: "bench"})
			if err != nil {
				db.Close()
				return err
			}
			srv := httptest.NewServer(server.New(server.Config{Version: "bench"}, svc, b.quiet).Handler())
			ts[i] = &target{srv: srv, db: db, token: secret, prefix: fmt.Sprintf("r%d-%v-", run, unsealed)}
		}
		for i := range b.writes {
			for _, t := range ts {
				body := fmt.Sprintf(`{"name":"%s%d","purpose":"Benchmark system","operator_roles":["deployer"],"lifecycle_stage":"development","autonomy":"advisory","impact_domains":["quality"]}`, t.prefix, i)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, t.srv.URL+"/api/v1/systems", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+t.token)
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := t.srv.Client().Do(req)
				if err != nil {
					return err
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					return fmt.Errorf("create system: status %d", resp.StatusCode)
				}
				t.lat = append(t.lat, float64(time.Since(start).Microseconds()))
			}
		}
		for _, t := range ts {
			t.srv.Close()
			t.db.Close()
		}
		s, u := median(ts[0].lat), median(ts[1].lat)
		sealedMs, plainMs = append(sealedMs, s/1000), append(plainMs, u/1000)
		overheads = append(overheads, (s/u-1)*100)
	}
	b.out("audited API create:  median %.2f ms sealed, %.2f ms unsealed: sealing adds %.1f%% (runs: %s)",
		median(sealedMs), median(plainMs), median(overheads), fmtList(overheads, "%.1f%%"))
	return nil
}

func median(xs []float64) float64 { return percentile(xs, 50) }

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

func fmtList(xs []float64, f string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf(f, x)
	}
	return strings.Join(parts, ", ")
}
