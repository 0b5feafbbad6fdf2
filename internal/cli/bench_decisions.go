package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/cputime"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// decisionBench holds the settings of `aims bench ingest` and `aims bench
// authorization`.
type decisionBench struct {
	logBench
	clients  int
	duration time.Duration
	batch    int
	batchers int
	rate     int
	url      string
	token    string
	system   string
	profile  string
	systems  int  // authorization: gateways asked in the steady mix
	versions int  // authorization: approved model versions per system
	changes  int  // authorization: suspensions and revocations during a run
	baseline bool // authorization: the same load on GET /healthz after each run
}

// benchTarget is a server to load: in-process on loopback, or given.
type benchTarget struct {
	url, token, system string
	svc                *service.Service // in-process only
	operator           context.Context  // in-process only: acts as the host's operator
	served             *serverTimes     // in-process only: the server's own time per authorization answer
	close              func()
}

// serverTimes records how long the server took over each authorization
// answer, from the request handed to it to the answer written: the
// answer's own cost, apart from the client's timers and the network.
type serverTimes struct {
	mu sync.Mutex
	ms []float64
}

func (t *serverTimes) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		if strings.HasSuffix(r.URL.Path, "/authorization") {
			d := float64(time.Since(start).Microseconds()) / 1000
			t.mu.Lock()
			t.ms = append(t.ms, d)
			t.mu.Unlock()
		}
	})
}

// take returns the times recorded since the last take.
func (t *serverTimes) take() []float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	ms := t.ms
	t.ms = nil
	return ms
}

func (p *Program) benchIngestCommand() *cobra.Command {
	b := &decisionBench{logBench: logBench{p: p}}
	c := &cobra.Command{
		Use:   "ingest",
		Short: "Measure decision ingestion over HTTP: single events from many clients, and NDJSON batches",
		Long: "Start aims on loopback over a fresh SQLite database (synchronous=FULL: every acknowledged event is\n" +
			"durable) or PostgreSQL (--postgres-url), then post single decision events from --clients concurrent\n" +
			"clients for --duration, and NDJSON batches of --batch events from --batchers clients. Reports, as\n" +
			"medians of --runs runs: events per second and latency p50/p99 for single events, events per second\n" +
			"for batches. With --url, --token and --system it loads a running 'aims serve' instead.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return b.ingest(c.Context()) },
	}
	b.flags(c)
	c.Flags().IntVar(&b.clients, "clients", 64, "concurrent clients posting one event at a time")
	c.Flags().IntVar(&b.batch, "batch", 1000, "events per NDJSON batch")
	c.Flags().IntVar(&b.batchers, "batchers", 4, "concurrent clients posting batches")
	return c
}

func (b *decisionBench) flags(c *cobra.Command) {
	c.Flags().IntVar(&b.runs, "runs", 3, "runs (the median is reported)")
	c.Flags().DurationVar(&b.duration, "duration", 10*time.Second, "length of each run")
	c.Flags().StringVar(&b.pgURL, "postgres-url", "", "measure on PostgreSQL (a scratch schema, dropped afterwards) instead of SQLite")
	c.Flags().StringVar(&b.dir, "dir", "", "directory for the temporary databases (default: a new temp dir)")
	c.Flags().StringVar(&b.url, "url", "", "load this running aims instead (with --token and --system)")
	c.Flags().StringVar(&b.token, "token", "", "API token for --url (decisions:write and authorization:read)")
	c.Flags().StringVar(&b.system, "system", "", "AI system id for --url")
	c.Flags().StringVar(&b.profile, "cpuprofile", "", "write a CPU profile of the run to this file")
	_ = c.Flags().MarkHidden("cpuprofile")
}

// startProfile starts a CPU profile when asked, and returns its stop.
func (b *decisionBench) startProfile() (func(), error) {
	if b.profile == "" {
		return func() {}, nil
	}
	f, err := os.Create(b.profile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// begin prepares a measurement named name: the scratch directory, the
// header, the CPU profile when asked for; done stops the profile and, on a
// database of the bench's own, removes the directory.
func (b *decisionBench) begin(name string) (done func(), err error) {
	if err := b.prepare(); err != nil {
		return nil, err
	}
	removeDir := func() {}
	if b.url == "" {
		removeDir = func() { _ = os.RemoveAll(b.dir) }
	}
	b.header(name)
	stopProfile, err := b.startProfile()
	if err != nil {
		removeDir()
		return nil, err
	}
	return func() {
		stopProfile()
		removeDir()
	}, nil
}

// target starts aims on loopback over a fresh database with a deployed
// system, an approved model version 2.0 and a gateway token.
func (b *decisionBench) target(ctx context.Context, run int) (*benchTarget, error) {
	if b.url != "" {
		return &benchTarget{url: strings.TrimSuffix(b.url, "/"), token: b.token, system: b.system, close: func() {}}, nil
	}
	if err := b.prepare(); err != nil {
		return nil, err
	}
	opts := store.Options{SQLitePath: filepath.Join(b.dir, fmt.Sprintf("ingest-%d.db", run))}
	drop := func() {}
	if b.pgURL != "" {
		u, d, err := store.ScratchPostgres(ctx, b.pgURL, "aims_bench_")
		if err != nil {
			return nil, err
		}
		opts, drop = store.Options{DatabaseURL: u}, func() { _ = d() }
	}
	db, svc, octx, err := b.openBench(ctx, opts, "bench")
	if err != nil {
		drop()
		return nil, err
	}
	token, system, err := benchGateway(octx, svc)
	if err != nil {
		db.Close()
		drop()
		return nil, err
	}
	srvCtx, cancel := context.WithCancel(ctx)
	go svc.RunAuthzWatcher(srvCtx)
	served := &serverTimes{}
	srv := httptest.NewServer(served.wrap(server.New(server.Config{Version: "bench"}, svc, b.quiet).Handler()))
	return &benchTarget{url: srv.URL, token: token, system: system, svc: svc, operator: octx, served: served, close: func() {
		cancel()
		srv.Close()
		db.Close()
		drop()
		os.Remove(opts.SQLitePath)
	}}, nil
}

func (b *decisionBench) prepare() error {
	if b.quiet == nil {
		b.quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if b.dir == "" {
		d, err := os.MkdirTemp("", "aims-bench-")
		if err != nil {
			return err
		}
		b.dir = d
	}
	return nil
}

// benchGateway makes a deployed system with an approved model version and
// a gateway's token limited to it.
func benchGateway(ctx context.Context, svc *service.Service) (token, system string, err error) {
	s := &aims.AISystem{Name: "Setpoint optimizer", Purpose: "Benchmark", OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer},
		LifecycleStage: aims.StageDeployed, Autonomy: aims.AutonomyHumanOverride, InScope: true}
	members, _, err := svc.FindMembers(ctx, aims.MemberFilter{})
	if err != nil || len(members) == 0 {
		return "", "", fmt.Errorf("bench member: %v", err)
	}
	s.OwnerID = members[0].ID
	if err := svc.CreateSystem(ctx, s); err != nil {
		return "", "", err
	}
	if err := svc.CreateReleasedModelVersion(ctx, &aims.ModelVersion{SystemID: s.ID, Version: "2.0", Digest: strings.Repeat("ab", 32), Status: aims.ModelApproved}, benchApproval); err != nil {
		return "", "", err
	}
	token, _, err = svc.CreateToken(ctx, aims.NewToken{UserID: members[0].ID, Name: "gateway",
		Scopes: []string{aims.ScopeDecisionsWrite, aims.ScopeAuthorizationRead}, Systems: []string{s.ID}})
	return token, s.ID, err
}

func benchClient(conns int) *http.Client {
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
}

// groupStats starts counting the group commits of an in-process target and
// returns a function that describes them.
func (t *benchTarget) groupStats() func() string {
	if t.svc == nil {
		return func() string { return "group commits not measured (--url)" }
	}
	g0, e0, b0 := t.svc.DecisionCommitStats()
	start := time.Now()
	return func() string {
		g, e, busy := t.svc.DecisionCommitStats()
		g, e, busy = g-g0, e-e0, busy-b0
		if g == 0 {
			return "no group commit"
		}
		return fmt.Sprintf("group commits: %d events and %.2f ms each on average, the committer busy %.0f%% of the time",
			e/g, float64(busy.Microseconds())/1000/float64(g), 100*busy.Seconds()/time.Since(start).Seconds())
	}
}

// decisionsPath is where events are posted, under the target's URL.
func (t *benchTarget) decisionsPath() string { return "/api/v1/systems/" + t.system + "/decisions" }

// checkAnswer turns an answer other than 200 or 201 into an error.
func checkAnswer(status int, answer []byte, err error) error {
	if err != nil {
		return err
	}
	if status != http.StatusCreated && status != http.StatusOK {
		return fmt.Errorf("POST decisions: status %d %.300s", status, answer)
	}
	return nil
}

func (b *decisionBench) ingest(ctx context.Context) error {
	done, err := b.begin("ingest")
	if err != nil {
		return err
	}
	defer done()
	var rates, p50s, p99s, cpus, batchRates, batchCPUs []float64
	for run := range b.runs {
		t, err := b.target(ctx, run)
		if err != nil {
			return err
		}
		groups := t.groupStats()
		rate, p50, p99, cpu, err := b.singleEvents(t, run)
		if err == nil {
			b.out("run %d, single events: %.0f events/s, p99 %.1f ms, %.0f µs CPU/event; %s", run+1, rate, p99, cpu, groups())
			groups = t.groupStats()
			var br, bc float64
			br, bc, err = b.batches(t, run)
			batchRates, batchCPUs = append(batchRates, br), append(batchCPUs, bc)
			if err == nil {
				b.out("run %d, NDJSON batches: %.0f events/s, %.0f µs CPU/event; %s", run+1, br, bc, groups())
			}
		}
		t.close()
		if err != nil {
			return err
		}
		rates, p50s, p99s, cpus = append(rates, rate), append(p50s, p50), append(p99s, p99), append(cpus, cpu)
	}
	// CPU per event is this process's (the generator's too, when aims runs
	// in it): a rate limited by CPU shows it near cores / rate.
	b.out("single events, %d clients: median %7.0f events/s, p50 %5.1f ms, p99 %5.1f ms, %.0f µs CPU/event (runs: %s events/s; p99 %s ms)",
		b.clients, median(rates), median(p50s), median(p99s), median(cpus), fmtList(rates, "%.0f"), fmtList(p99s, "%.1f"))
	b.out("NDJSON batches of %d, %d clients: median %7.0f events/s, %.0f µs CPU/event (runs: %s)", b.batch, b.batchers, median(batchRates),
		median(batchCPUs), fmtList(batchRates, "%.0f"))
	return nil
}

func (b *decisionBench) header(what string) {
	host, _ := os.Hostname()
	db := "SQLite (WAL, synchronous=FULL)"
	if b.pgURL != "" {
		db = "PostgreSQL"
	}
	if b.url != "" {
		db = b.url
	}
	b.out("aims bench %s: %s, %d runs of %s; %s/%s, %d CPUs, host %s", what, db, b.runs, b.duration, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), host)
}

// singleEvents posts one event per request from b.clients clients, each
// on its own keep-alive connection, and measures from the request's write
// to its answer.
func (b *decisionBench) singleEvents(t *benchTarget, run int) (rate, p50, p99, cpuPerEvent float64, err error) {
	conns := make([]benchConn, b.clients)
	for i := range conns {
		if conns[i], err = newBenchConn(t, t.decisionsPath(), "application/json"); err != nil {
			return 0, 0, 0, 0, err
		}
		defer conns[i].close()
	}
	lat := make([][]float64, b.clients)
	var firstErr atomic.Value
	var n atomic.Int64
	cpu0 := cputime.Process()
	start := time.Now()
	stop := start.Add(b.duration)
	var wg sync.WaitGroup
	for i := range b.clients {
		wg.Go(func() {
			w := newEventWriter(fmt.Sprintf("gw-%d-%d", run, i))
			buf := make([]byte, 0, 512)
			l := make([]float64, 0, 1<<14)
			for seq := int64(0); ; seq++ {
				t0 := time.Now()
				if t0.After(stop) {
					break
				}
				buf = w.append(buf[:0], seq, t0)
				if err := checkAnswer(conns[i].post(buf)); err != nil {
					firstErr.CompareAndSwap(nil, err)
					break
				}
				l = append(l, float64(time.Since(t0).Microseconds())/1000)
			}
			lat[i] = l
			n.Add(int64(len(l)))
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cputime.Process()-cpu0
	if e, ok := firstErr.Load().(error); ok {
		return 0, 0, 0, 0, e
	}
	var all []float64
	for _, l := range lat {
		all = append(all, l...)
	}
	events := float64(n.Load())
	return events / elapsed.Seconds(), percentile(all, 50), percentile(all, 99), cpu.Seconds() * 1e6 / events, nil
}

// batches posts NDJSON batches of b.batch events from b.batchers clients.
func (b *decisionBench) batches(t *benchTarget, run int) (rate, cpuPerEvent float64, err error) {
	conns := make([]benchConn, b.batchers)
	for i := range conns {
		if conns[i], err = newBenchConn(t, t.decisionsPath(), "application/x-ndjson"); err != nil {
			return 0, 0, err
		}
		defer conns[i].close()
	}
	var n atomic.Int64
	var firstErr atomic.Value
	cpu0 := cputime.Process()
	start := time.Now()
	stop := start.Add(b.duration)
	var wg sync.WaitGroup
	for i := range b.batchers {
		wg.Go(func() {
			w := newEventWriter(fmt.Sprintf("batch-%d-%d", run, i))
			var body []byte
			for seq := int64(0); time.Now().Before(stop); {
				body = body[:0]
				now := time.Now()
				for range b.batch {
					body = append(w.append(body, seq, now), '\n')
					seq++
				}
				if err := checkAnswer(conns[i].post(body)); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				n.Add(int64(b.batch))
			}
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cputime.Process()-cpu0
	if e, ok := firstErr.Load().(error); ok {
		return 0, 0, e
	}
	events := float64(n.Load())
	return events / elapsed.Seconds(), cpu.Seconds() * 1e6 / events, nil
}

// benchApproval is the approval act recorded for the benchmarks' model
// versions, which stand in for models validated elsewhere.
var benchApproval = aims.ModelVersionApproval{Evidence: "benchmark fixture", AcceptanceCriteria: "none: a benchmark's stand-in model",
	Result: "not validated: load test only"}
