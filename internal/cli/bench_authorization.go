package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/gate"
)

func (p *Program) benchAuthorizationCommand() *cobra.Command {
	b := &decisionBench{logBench: logBench{p: p}}
	c := &cobra.Command{
		Use:   "authorization",
		Short: "Measure GET /api/v1/systems/{id}/authorization at a fixed request rate, and the answer right after a change",
		Long: "Start aims on loopback (or load --url with --token and --system) with --systems gateways, each with its own\n" +
			"token limited to its system and --versions approved model versions, and ask whether a system and a model\n" +
			"version may act, --rate times a second for --duration, open loop, spread over every gateway and version\n" +
			"(no warm cache: the first answer for each is a miss). Each request is timed from when it was due, so\n" +
			"neither a slow answer nor a late timer can hide the requests queued behind it; the timer's own lateness\n" +
			"is reported too. Gates are in force: the organization defines its validation gate (metrics meet their\n" +
			"acceptance criteria, a validation report of the version), every system has a criterion, and each gateway\n" +
			"also asks about a candidate version that misses it, which must be answered no with the gate's reason.\n" +
			"Meanwhile --changes times a system is suspended or a gateway's token revoked, and the\n" +
			"time from the commit to the first right answer (no, or 401) is reported apart, with any stale answers.\n" +
			"In-process, the server's own time over each answer is reported too (from the request handed to the\n" +
			"handler to the answer written): the answer's cost apart from the client's timers and loopback. With\n" +
			"--baseline, each run is followed by the same load on GET /healthz (a fixed \"ok\"), the floor this\n" +
			"machine, the HTTP stack and the client's timers set for any answer. Reports medians of --runs runs.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return b.authorization(c.Context()) },
	}
	b.flags(c)
	c.Flags().IntVar(&b.rate, "rate", 2000, "requests per second")
	c.Flags().IntVar(&b.clients, "clients", 64, "most requests in flight at once")
	c.Flags().IntVar(&b.systems, "systems", 50, "gateways (systems, one token each) asked in the steady mix")
	c.Flags().IntVar(&b.versions, "versions", 4, "approved model versions per system")
	c.Flags().IntVar(&b.changes, "changes", 20, "suspensions and token revocations during each run (in-process only)")
	c.Flags().BoolVar(&b.baseline, "baseline", false, "after each run, send the same load to GET /healthz and report it beside")
	return c
}

// authzGateway is one gateway of the mix: its token, its system and the
// model versions it asks about.
type authzGateway struct {
	token, tokenID, system string
	versions               []string
	// blocked is a candidate version that has not passed its validation
	// gate: the answer must be no, with the gate's reason.
	blocked string
}

// authzMix is what the authorization benchmark asks about: gateways in the
// steady mix, and others that are suspended or revoked during the run (so
// that the steady mix always expects yes).
type authzMix struct {
	steady, changed []authzGateway
}

// mix builds the gateways on an in-process target; a target given by --url
// is asked about its one system and version 2.0.
func (b *decisionBench) mix(t *benchTarget) (*authzMix, error) {
	if t.svc == nil {
		return &authzMix{steady: []authzGateway{{token: t.token, system: t.system, versions: []string{"2.0"}}}}, nil
	}
	ctx, svc := t.operator, t.svc
	members, _, err := svc.FindMembers(ctx, aims.MemberFilter{})
	if err != nil || len(members) == 0 {
		return nil, fmt.Errorf("bench member: %v", err)
	}
	if err := svc.PutGateDefinition(ctx, benchValidationGate); err != nil {
		return nil, fmt.Errorf("bench gate definition: %w", err)
	}
	gateway := func(n int) (authzGateway, error) {
		s := &aims.AISystem{Name: fmt.Sprintf("Line %d optimizer", n), Purpose: "Benchmark", OwnerID: members[0].ID,
			OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer}, LifecycleStage: aims.StageDeployed,
			Autonomy: aims.AutonomyHumanOverride, InScope: true}
		if err := svc.CreateSystem(ctx, s); err != nil {
			return authzGateway{}, err
		}
		g := authzGateway{system: s.ID}
		for v := range max(b.versions, 1) {
			mv := &aims.ModelVersion{SystemID: s.ID, Version: fmt.Sprintf("%d.%d.0", v+1, n%10),
				Digest: fmt.Sprintf("%032x%032x", n, v), Status: aims.ModelApproved}
			if err := svc.CreateReleasedModelVersion(ctx, mv, benchApproval); err != nil {
				return authzGateway{}, err
			}
			g.versions = append(g.versions, mv.Version)
		}
		if err := svc.CreateAcceptanceCriterion(ctx, s.ID, &aims.AcceptanceCriterion{Metric: "mae", Comparison: aims.CompareLE,
			Threshold: 0.35, Unit: "kg/t"}); err != nil {
			return authzGateway{}, err
		}
		rc := &aims.ModelVersion{SystemID: s.ID, Version: fmt.Sprintf("9.%d.0-rc1", n%10), Digest: fmt.Sprintf("%032x%032x", n, 999)}
		if err := svc.CreateModelVersion(ctx, rc); err != nil {
			return authzGateway{}, err
		}
		if err := svc.RecordValidationMetric(ctx, s.ID, rc.ID, &aims.ValidationMetric{Name: "mae", Value: 0.41, Unit: "kg/t"}); err != nil {
			return authzGateway{}, err
		}
		g.blocked = rc.Version
		secret, tok, err := svc.CreateToken(ctx, aims.NewToken{UserID: members[0].ID, Name: fmt.Sprintf("gateway %d", n),
			Scopes: []string{aims.ScopeDecisionsWrite, aims.ScopeAuthorizationRead}, Systems: []string{s.ID}})
		if err != nil {
			return authzGateway{}, err
		}
		g.token, g.tokenID = secret, tok.ID
		return g, nil
	}
	m := &authzMix{}
	for n := range max(b.systems, 1) + b.changes {
		g, err := gateway(n)
		if err != nil {
			return nil, err
		}
		if n < max(b.systems, 1) {
			m.steady = append(m.steady, g)
		} else {
			m.changed = append(m.changed, g)
		}
	}
	return m, nil
}

// benchValidationGate is the organization's validation gate in the
// benchmark: the metrics meet their criteria and a validation report of
// this very version is attached.
var benchValidationGate = gate.Definition{Gate: gate.VersionValidation, Checks: []gate.Check{{Kind: gate.CheckMetrics},
	{Kind: gate.CheckEvidence, EvidenceKinds: []string{"validation-report"}, OfThisVersion: true}}}

// authzRun is what one run measured.
type authzRun struct {
	p50, p99, p999, rate, lateness99 float64
	server50, server99               float64   // the server's own time (in-process)
	afterSuspension, afterRevocation []float64 // ms from the commit to the first right answer
	stale                            int       // answers that did not yet reflect a change
}

func (b *decisionBench) authorization(ctx context.Context) error {
	done, err := b.begin("authorization")
	if err != nil {
		return err
	}
	defer done()
	var p50s, p99s, p999s, rates, late, susp, revoke, srv50s, srv99s, base50s, base99s []float64
	stale := 0
	gateways, versions := 1, 1
	for run := range b.runs {
		t, err := b.target(ctx, run)
		if err != nil {
			return err
		}
		m, err := b.mix(t)
		var r authzRun
		var base authzRun
		if err == nil {
			gateways, versions = len(m.steady), len(m.steady[0].versions)
			r, err = b.fixedRate(t, m, false)
		}
		if err == nil && b.baseline {
			base, err = b.fixedRate(t, m, true)
		}
		t.close()
		if err != nil {
			return err
		}
		b.out("run %d: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, %.0f requests/s; timer lateness p99 %.3f ms", run+1, r.p50, r.p99, r.p999, r.rate, r.lateness99)
		if t.served != nil {
			b.out("run %d: the server's own time per answer: p50 %.3f ms, p99 %.3f ms", run+1, r.server50, r.server99)
			srv50s, srv99s = append(srv50s, r.server50), append(srv99s, r.server99)
		}
		if b.baseline {
			b.out("run %d: baseline GET /healthz at the same rate: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms; timer lateness p99 %.3f ms", run+1, base.p50, base.p99, base.p999, base.lateness99)
			base50s, base99s = append(base50s, base.p50), append(base99s, base.p99)
		}
		p50s, p99s, p999s, rates = append(p50s, r.p50), append(p99s, r.p99), append(p999s, r.p999), append(rates, r.rate)
		late = append(late, r.lateness99)
		susp, revoke = append(susp, r.afterSuspension...), append(revoke, r.afterRevocation...)
		stale += r.stale
	}
	b.out("authorization at %d requests/s over %d gateways × %d model versions and 1 blocked at its validation gate: median p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, %.0f requests/s reached (runs p99: %s ms); timer lateness p99 %.3f ms, included",
		b.rate, gateways, versions, median(p50s), median(p99s), median(p999s), median(rates), fmtList(p99s, "%.3f"), median(late))
	if len(srv99s) > 0 {
		b.out("the server's own time per answer: median p50 %.3f ms, p99 %.3f ms (runs p99: %s ms)", median(srv50s), median(srv99s), fmtList(srv99s, "%.3f"))
	}
	if b.baseline {
		b.out("baseline GET /healthz at %d requests/s, same client: median p50 %.3f ms, p99 %.3f ms (runs p99: %s ms)", b.rate, median(base50s), median(base99s), fmtList(base99s, "%.3f"))
	}
	if b.url != "" || b.changes == 0 {
		b.out("answer after a change: not measured (it needs aims in-process and --changes)")
		return nil
	}
	b.out("answer right after a suspension (%d): p50 %.3f ms, max %.3f ms; after a revoked token (%d): p50 %.3f ms, max %.3f ms; %d stale answers",
		len(susp), percentile(susp, 50), percentile(susp, 100), len(revoke), percentile(revoke, 50), percentile(revoke, 100), stale)
	return nil
}

// asker sends authorization requests (or, for the baseline, GET /healthz
// in their place).
type asker struct {
	cl       *http.Client
	url      string
	baseline bool
}

// ask asks whether g's system may act with version v, and returns the
// status and whether the answer was yes.
func (a asker) ask(g authzGateway, v string) (int, bool, error) {
	status, yes, _, err := a.askBody(g, v)
	return status, yes, err
}

// askBody is ask that returns the answer's body too.
func (a asker) askBody(g authzGateway, v string) (int, bool, []byte, error) {
	url := a.url + "/api/v1/systems/" + g.system + "/authorization"
	if v != "" {
		url += "?model_version=" + v
	}
	if a.baseline {
		url = a.url + "/healthz"
	}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+g.token)
	resp, err := a.cl.Do(req)
	if err != nil {
		return 0, false, nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.StatusCode == http.StatusOK && bytes.Contains(body, []byte(`"authorized":true`)), body, nil
}

// fixedRate sends b.rate requests a second over the steady mix, each timed
// from when it was due (open loop), while changes happen beside it; with
// baseline, GET /healthz in their place, with no changes.
func (b *decisionBench) fixedRate(t *benchTarget, m *authzMix, baseline bool) (authzRun, error) {
	a := asker{cl: benchClient(b.clients + 1), url: t.url, baseline: baseline}
	var r authzRun
	// Warm the connections only: the answers for the gateways and versions
	// are left for the run, whose first ask of each is a miss.
	for range 20 {
		if _, _, err := a.ask(m.steady[0], ""); err != nil {
			return r, err
		}
	}
	total := int(b.duration.Seconds() * float64(b.rate))
	interval := time.Second / time.Duration(b.rate)
	lat := make([]float64, total)
	late := make([]float64, 0, total)
	var lateMu sync.Mutex
	var firstErr atomic.Value
	var wg sync.WaitGroup
	if t.served != nil {
		t.served.take() // only the run's answers
	}
	start := time.Now()
	if t.svc != nil && len(m.changed) > 0 && !baseline {
		wg.Go(func() {
			if err := b.changeAll(t, a, m, start, &r); err != nil {
				firstErr.CompareAndSwap(nil, err)
			}
		})
	}
	n := len(m.steady)
	for w := range b.clients {
		wg.Go(func() {
			var prevDone time.Time
			var myLate []float64
			for i := w; i < total; i += b.clients {
				due := start.Add(time.Duration(i) * interval)
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
				}
				if prevDone.Before(due) {
					// The worker was free when the request fell due: any
					// delay before it is sent is the timer's.
					myLate = append(myLate, float64(time.Since(due).Microseconds())/1000)
				}
				g := m.steady[(i*7919)%n]
				k := (i / n) % (len(g.versions) + 1)
				if g.blocked == "" {
					k %= len(g.versions)
				}
				var status int
				var yes bool
				var err error
				switch {
				case baseline:
					status, _, err = a.ask(g, "")
					if err == nil && status != http.StatusOK {
						err = fmt.Errorf("GET /healthz: status %d", status)
					}
				case k < len(g.versions):
					status, yes, err = a.ask(g, g.versions[k])
					if err == nil && !yes {
						err = fmt.Errorf("authorization of %s: status %d, not authorized", g.system, status)
					}
				default:
					var body []byte
					status, yes, body, err = a.askBody(g, g.blocked)
					if err == nil && (status != http.StatusOK || yes || !bytes.Contains(body, []byte("does not meet mae"))) {
						err = fmt.Errorf("authorization of %s %s, blocked at its validation gate: status %d, %s; want no with the gate's reason", g.system, g.blocked, status, body)
					}
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				prevDone = time.Now()
				lat[i] = float64(prevDone.Sub(due).Microseconds()) / 1000
			}
			lateMu.Lock()
			late = append(late, myLate...)
			lateMu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	if e, ok := firstErr.Load().(error); ok {
		return r, e
	}
	r.p50, r.p99, r.p999 = percentile(lat, 50), percentile(lat, 99), percentile(lat, 99.9)
	r.rate, r.lateness99 = float64(total)/elapsed, percentile(late, 99)
	if t.served != nil && !baseline {
		served := t.served.take()
		r.server50, r.server99 = percentile(served, 50), percentile(served, 99)
	}
	return r, nil
}

// changeAll suspends a system or revokes a gateway's token at even times
// through the run, and times from each commit to the first answer that
// reflects it.
func (b *decisionBench) changeAll(t *benchTarget, a asker, m *authzMix, start time.Time, r *authzRun) error {
	step := b.duration / time.Duration(len(m.changed)+1)
	for k, g := range m.changed {
		time.Sleep(time.Until(start.Add(time.Duration(k+1) * step)))
		suspend := k%2 == 0
		var err error
		if suspend {
			_, err = t.svc.SuspendSystem(t.operator, g.system, aims.NewSuspension{Reason: "bench: drift alarm"})
		} else {
			_, err = t.svc.RevokeToken(t.operator, g.tokenID)
		}
		if err != nil {
			return err
		}
		committed := time.Now()
		for {
			status, yes, err := a.ask(g, g.versions[0])
			if err != nil {
				return err
			}
			right := (suspend && status == http.StatusOK && !yes) || (!suspend && status == http.StatusUnauthorized)
			if right {
				break
			}
			r.stale++
			if time.Since(committed) > 5*time.Second {
				what := map[bool]string{true: "suspension", false: "revoked token"}[suspend]
				return fmt.Errorf("authorization of %s still answers %d %s 5 s after a %s", g.system, status,
					strings.TrimSpace(map[bool]string{true: "yes", false: "no"}[yes]), what)
			}
			time.Sleep(time.Millisecond)
		}
		ms := float64(time.Since(committed).Microseconds()) / 1000
		if suspend {
			r.afterSuspension = append(r.afterSuspension, ms)
		} else {
			r.afterRevocation = append(r.afterRevocation, ms)
		}
	}
	return nil
}
