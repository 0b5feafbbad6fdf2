package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/cputime"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// checkBench holds the settings of `aims bench check`.
type checkBench struct {
	logBench
	entries int
	profile string
}

func (p *Program) benchCheckCommand() *cobra.Command {
	b := &checkBench{logBench: logBench{p: p}}
	c := &cobra.Command{
		Use:   "check",
		Short: "Measure 'aims log check' over a log of decisions and the demo's records",
		Long: "Load the demo organization (its records, whose current state the check compares with\n" +
			"their sealed state) into a temporary SQLite database (PostgreSQL with --postgres-url, in a\n" +
			"schema of its own, dropped afterwards), ingest decisions until its log holds --entries\n" +
			"entries, sign a checkpoint, and time a full 'aims log check' --runs times (the median is\n" +
			"reported).",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return b.run(c.Context()) },
	}
	c.Flags().IntVar(&b.entries, "entries", 1_000_000, "entries in the log")
	c.Flags().IntVar(&b.runs, "runs", 3, "runs of the check (the median is reported)")
	c.Flags().StringVar(&b.pgURL, "postgres-url", "", "measure on this PostgreSQL instead of SQLite")
	c.Flags().StringVar(&b.dir, "dir", "", "directory for the temporary database (default: a new temp dir)")
	c.Flags().StringVar(&b.profile, "cpuprofile", "", "write a CPU profile of the checks to this file")
	_ = c.Flags().MarkHidden("cpuprofile")
	return c
}

func (b *checkBench) run(ctx context.Context) error {
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
	opts, where := store.Options{SQLitePath: filepath.Join(b.dir, "check.db")}, "SQLite"
	if b.pgURL != "" {
		u, drop, err := store.ScratchPostgres(ctx, b.pgURL, "aims_bench_")
		if err != nil {
			return err
		}
		defer func() { _ = drop() }()
		opts, where = store.Options{DatabaseURL: u}, "PostgreSQL"
	}
	host, _ := os.Hostname()
	b.out("aims bench check: %d entries, %s, %d runs; %s/%s, %d CPUs, host %s", b.entries, where, b.runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), host)
	db, err := store.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	svc := service.New(db, b.quiet)
	mk, _ := ledger.ParseMasterKey(b.masterSK)
	svc.SetLogKey(mk)
	start := time.Now()
	if _, err := demo.Ensure(ctx, svc); err != nil {
		return err
	}
	org, err := svc.ResolveOrganization(ctx, demo.Slug)
	if err != nil {
		return err
	}
	octx := service.OperatorContext(ctx, org, "bench")
	_, system, err := benchGateway(octx, svc)
	if err != nil {
		return err
	}
	size, err := b.logSize(ctx, db, org.ID)
	if err != nil {
		return err
	}
	var sb strings.Builder
	at := time.Now().Add(-time.Hour)
	for seq := 0; size < uint64(b.entries); {
		sb.Reset()
		n := min(1000, b.entries-int(size))
		for range n {
			fmt.Fprintf(&sb, `{"model_version":"2.0","source":"bench","seq":%d,"source_time":%q,"inputs":{"TT-101 torque":%d.5,"MT-301 moisture":12},"output":{"value":%d,"unit":"%%"}}`+"\n",
				seq, at.Add(time.Duration(seq)*time.Millisecond).UTC().Format(time.RFC3339Nano), 40+seq%5, 40+seq%7)
			seq++
		}
		res, err := svc.RecordDecisionBatch(octx, system, []byte(sb.String()), "bench")
		if err != nil {
			return err
		}
		if res.Stored != n {
			return fmt.Errorf("stored %d of %d decisions", res.Stored, n)
		}
		size += uint64(n)
	}
	if err := svc.SignGrownLogs(ctx); err != nil {
		return err
	}
	b.out("built in %s", time.Since(start).Round(time.Second))
	stop := func() {}
	if b.profile != "" {
		f, err := os.Create(b.profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		stop = func() { pprof.StopCPUProfile(); f.Close() }
	}
	defer stop()
	var secs, cpus []float64
	for range b.runs {
		t, cpu0 := time.Now(), cputime.Process()
		rep, err := svc.CheckLogs(ctx, service.LogCheckOptions{OrgID: org.ID})
		if err != nil {
			return err
		}
		if len(rep.Findings) > 0 {
			return fmt.Errorf("the check found %d mismatches on untouched data: %s", len(rep.Findings), rep.Findings[0].Detail)
		}
		secs, cpus = append(secs, time.Since(t).Seconds()), append(cpus, (cputime.Process()-cpu0).Seconds())
		b.out("  check: %d leaves, %d decisions, %d current records in %.1f s (CPU %.1f s)",
			rep.Leaves, rep.Decisions, rep.Records, secs[len(secs)-1], cpus[len(cpus)-1])
	}
	b.out("log check, %s:  median %.1f s, CPU %.1f s  (runs: %s)", where, median(secs), median(cpus), fmtList(secs, "%.1f"))
	return nil
}

func (b *checkBench) logSize(ctx context.Context, db *store.DB, orgID string) (uint64, error) {
	heads, err := store.ListLogHeads(ctx, db)
	if err != nil {
		return 0, err
	}
	for _, h := range heads {
		if h.OrgID == orgID {
			return h.Size, nil
		}
	}
	return 0, fmt.Errorf("the organization has no log")
}
