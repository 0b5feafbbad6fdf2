package service

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// Group commit: events posted at the same time (64 gateways posting one
// event each) share one transaction and one fsync. One committer goroutine
// takes the waiting jobs, stores and seals them together, commits, and only
// then answers each: no event is acknowledged before it is durable.

// commitGroupMax bounds the events of one transaction; a larger NDJSON
// batch is split into jobs of this size.
const commitGroupMax = 2000

// commitLinger is the longest the committer waits for more events before
// it commits a group: a little latency for many fewer transactions.
const commitLinger = 2 * time.Millisecond

// decisionState is the service's side of decision events.
type decisionState struct {
	mu       sync.Mutex
	maxSkew  time.Duration
	announce AuthorizationAnnouncer

	start sync.Once
	jobs  chan *decisionJob

	ingested    *prometheus.CounterVec
	duplicates  prometheus.Counter
	rejected    *prometheus.CounterVec
	mqttInvalid prometheus.Counter
	groupSize   prometheus.Histogram
	commitTime  prometheus.Histogram

	// For `aims bench ingest`: group commits, their events, and the time
	// their transactions took.
	groups, grouped, busy atomic.Int64
}

func newDecisionState() *decisionState {
	return &decisionState{
		maxSkew: DefaultDecisionMaxSkew,
		jobs:    make(chan *decisionJob, 4096),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aims_decisions_stored_total",
			Help: "Decision events stored and sealed, by channel (http, mqtt, cli)."}, []string{"via"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{Name: "aims_decisions_duplicates_total",
			Help: "Decision events received again (same source and seq) and answered with their first index."}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aims_decisions_rejected_total",
			Help: "Decision events refused as invalid, by channel."}, []string{"via"}),
		mqttInvalid: prometheus.NewCounter(prometheus.CounterOpts{Name: "aims_mqtt_invalid_messages_total",
			Help: "MQTT messages on a decisions topic that were not a valid decision event (logged and dropped)."}),
		groupSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "aims_decisions_commit_group_size",
			Help: "Decision events per transaction (group commit).", Buckets: prometheus.ExponentialBuckets(1, 4, 7)}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "aims_decisions_commit_seconds",
			Help:    "Time of one group commit's transaction, from its first statement to the end of its commit.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12)}),
	}
}

// DecisionCollectors returns the decision counters, for /metrics.
func (s *Service) DecisionCollectors() []prometheus.Collector {
	d := s.decisions
	return []prometheus.Collector{d.ingested, d.duplicates, d.rejected, d.mqttInvalid, d.groupSize, d.commitTime}
}

// DecisionCommitStats says how many group commits have run, with how many
// events in all, and how long their transactions took in all.
func (s *Service) DecisionCommitStats() (groups, events int64, busy time.Duration) {
	d := s.decisions
	return d.groups.Load(), d.grouped.Load(), time.Duration(d.busy.Load())
}

// CountInvalidMQTT counts an MQTT message that was not a decision event.
func (s *Service) CountInvalidMQTT() { s.decisions.mqttInvalid.Inc() }

// decisionJob is one caller's events, waiting for the committer.
type decisionJob struct {
	scope aims.Scope
	items []*store.NewDecision
	done  chan error
}

// commitDecisions stores and seals items (all of scope's organization) and
// returns once they are durable, or the error that kept them out.
func (s *Service) commitDecisions(ctx context.Context, scope aims.Scope, items []*store.NewDecision, via string) error {
	if len(items) == 0 {
		return nil
	}
	d := s.decisions
	d.start.Do(func() { go s.runDecisionCommitter() })
	var jobs []*decisionJob
	for rest := items; len(rest) > 0; {
		n := min(len(rest), commitGroupMax)
		job := &decisionJob{scope: scope, items: rest[:n], done: make(chan error, 1)}
		select {
		case d.jobs <- job:
		case <-ctx.Done():
			return ctx.Err()
		}
		jobs = append(jobs, job)
		rest = rest[n:]
	}
	var err error
	for _, j := range jobs {
		select {
		case e := <-j.done:
			if e != nil && err == nil {
				err = e
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err != nil {
		return err
	}
	dups := 0
	for _, nd := range items {
		if nd.Duplicate {
			dups++
		}
	}
	d.ingested.WithLabelValues(via).Add(float64(len(items) - dups))
	d.duplicates.Add(float64(dups))
	return nil
}

// runDecisionCommitter commits waiting jobs, as many together as are
// waiting (up to commitGroupMax events), one transaction at a time.
func (s *Service) runDecisionCommitter() {
	d := s.decisions
	answered := 0 // events answered by the last commit
	for job := range d.jobs {
		group, n := []*decisionJob{job}, len(job.items)
		// Take what waits, then linger for the callers the last commit
		// answered: they are sending their next events, and one
		// transaction for all of them costs one fsync. Lingering stops
		// as soon as as many events wait as that commit answered (or
		// after commitLinger): no fixed wait when the group is full.
		var linger *time.Timer
	gather:
		for n < commitGroupMax {
			select {
			case j := <-d.jobs:
				group = append(group, j)
				n += len(j.items)
				continue
			default:
			}
			if n >= answered {
				break
			}
			if linger == nil {
				linger = time.NewTimer(commitLinger)
			}
			select {
			case j := <-d.jobs:
				group = append(group, j)
				n += len(j.items)
			case <-linger.C:
				break gather
			}
		}
		if linger != nil {
			linger.Stop()
		}
		d.groupSize.Observe(float64(n))
		answered = n
		t0 := time.Now()
		err := s.storeDecisionGroup(group)
		took := time.Since(t0)
		d.commitTime.Observe(took.Seconds())
		d.groups.Add(1)
		d.grouped.Add(int64(n))
		d.busy.Add(int64(took))
		if err != nil && len(group) > 1 {
			// One job's failure must not fail the others: commit each alone.
			for _, j := range group {
				j.done <- s.storeDecisionGroup([]*decisionJob{j})
			}
			continue
		}
		for _, j := range group {
			j.done <- err
		}
	}
}

// storeDecisionGroup stores the jobs' events in one transaction, by
// organization in a fixed order (log heads are locked in that order).
func (s *Service) storeDecisionGroup(group []*decisionJob) error {
	byOrg := map[string][]*store.NewDecision{}
	scopes := map[string]aims.Scope{}
	for _, j := range group {
		org := j.scope.OrgID()
		byOrg[org] = append(byOrg[org], j.items...)
		if _, ok := scopes[org]; !ok {
			scopes[org] = j.scope
		}
	}
	orgs := make([]string, 0, len(byOrg))
	for org := range byOrg {
		orgs = append(orgs, org)
	}
	slices.Sort(orgs)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		for _, org := range orgs {
			if err := store.StoreDecisions(ctx, tx, scopes[org], byOrg[org]); err != nil {
				return err
			}
		}
		return nil
	})
}
