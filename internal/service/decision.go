package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// Decision events (ISO/IEC 42001 A.6.2.8; EU AI Act Art. 12 and 26(6)):
// an AI system's gateway posts what it did, and each event is sealed as a
// leaf of the organization's log in the transaction that stores it. Events
// arriving together share one transaction (decision_commit.go).

// Ingestion channels, as /metrics counts them.
const (
	ViaHTTP = "http"
	ViaMQTT = "mqtt"
	ViaCLI  = "cli"
)

// MaxDecisionBatchLines bounds one NDJSON batch.
const MaxDecisionBatchLines = 100_000

// DefaultDecisionMaxSkew is the clock skew beyond which an event is
// flagged when no other bound is configured.
const DefaultDecisionMaxSkew = time.Minute

// SetDecisionMaxSkew sets the clock skew (between a source's time and the
// time aims received the event) beyond which events are flagged.
func (s *Service) SetDecisionMaxSkew(d time.Duration) {
	s.decisions.mu.Lock()
	defer s.decisions.mu.Unlock()
	if d > 0 {
		s.decisions.maxSkew = d
	}
}

// decisionRecorder holds what checking one system's events needs.
type decisionRecorder struct {
	scope    aims.Scope
	st       *store.SystemAuthz
	received time.Time
	maxSkew  time.Duration
}

// decisionRecorder authorizes the caller to record decisions of systemID
// (another organization's system is not found) and loads its model
// versions from the cache.
func (s *Service) decisionRecorder(ctx context.Context, systemID string) (*decisionRecorder, error) {
	scope, _, err := authz.AuthorizeSystem(ctx, authz.RecordDecisions, systemID, "record decisions of this AI system")
	if err != nil {
		return nil, err
	}
	st, err := s.systemAuthz(ctx, scope, systemID)
	if err != nil {
		return nil, err
	}
	s.decisions.mu.Lock()
	skew := s.decisions.maxSkew
	s.decisions.mu.Unlock()
	return &decisionRecorder{scope: scope, st: st, received: s.db.Now(), maxSkew: skew}, nil
}

// prepare checks one event and makes the decision to store: the model
// version resolved (an unknown one is stored and flagged: the record of
// what ran matters most when it was not registered), the clock skew, the
// salt and the salted digest of the payload as received.
func (r *decisionRecorder) prepare(raw []byte) (*store.NewDecision, error) {
	raw = bytes.TrimSpace(raw)
	ev, err := aims.ParseDecisionEvent(raw)
	if err != nil {
		return nil, err
	}
	d := &aims.Decision{SystemID: r.st.SystemID, ModelVersion: ev.ModelVersion, Source: ev.Source, Seq: *ev.Seq,
		SourceTime: ev.SourceTime.UTC().Truncate(time.Microsecond), ReceivedAt: r.received, Human: ev.HumanAction()}
	if v := findVersion(r.st, ev.ModelVersion); v != nil {
		d.ModelVersionID = v.ID
	} else {
		d.UnknownModelVersion = true
	}
	skew := d.ReceivedAt.Sub(d.SourceTime)
	d.SkewMS = skew.Milliseconds()
	d.ClockSkew = skew > r.maxSkew || -skew > r.maxSkew
	d.Salt = make([]byte, ledger.SaltSize)
	_, _ = rand.Read(d.Salt)
	d.Payload = raw
	d.PayloadDigest = ledger.SaltedDigest(d.Salt, raw)
	nd := &store.NewDecision{D: d, Inputs: ev.Inputs}
	// Here, on the caller's goroutine, rather than on the committer's.
	if err := nd.Prepare(r.scope.OrgID()); err != nil {
		return nil, err
	}
	return nd, nil
}

func ackOf(line int, nd *store.NewDecision) aims.DecisionAck {
	a := aims.DecisionAck{Line: line, ID: nd.D.ID, LogIndex: nd.D.LogIndex, Duplicate: nd.Duplicate}
	if !nd.Duplicate {
		a.ClockSkew, a.UnknownModelVersion = nd.D.ClockSkew, nd.D.UnknownModelVersion
	}
	return a
}

// RecordDecision stores one decision event (raw JSON) of an AI system and
// seals it in the log; the answer is sent once the event is durable. An
// event sent again (same source and seq) gets its first answer.
func (s *Service) RecordDecision(ctx context.Context, systemID string, raw []byte, via string) (*aims.DecisionAck, error) {
	r, err := s.decisionRecorder(ctx, systemID)
	if err != nil {
		return nil, err
	}
	nd, err := r.prepare(raw)
	if err != nil {
		s.decisions.rejected.WithLabelValues(via).Inc()
		return nil, err
	}
	if err := s.commitDecisions(ctx, r.scope, []*store.NewDecision{nd}, via); err != nil {
		return nil, err
	}
	a := ackOf(0, nd)
	return &a, nil
}

// RecordDecisionBatch stores the events of an NDJSON body, one per line:
// every good line is stored and acknowledged with its log index, every bad
// line is reported with its number and reason, and stores nothing.
func (s *Service) RecordDecisionBatch(ctx context.Context, systemID string, body []byte, via string) (*aims.DecisionBatchResult, error) {
	r, err := s.decisionRecorder(ctx, systemID)
	if err != nil {
		return nil, err
	}
	res := &aims.DecisionBatchResult{Acks: []aims.DecisionAck{}, Errors: []aims.DecisionLineError{}}
	var good []*store.NewDecision
	var lines []int
	line := 0
	for rest := body; len(rest) > 0; {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte{'\n'})
		line++
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		if len(good)+len(res.Errors) >= MaxDecisionBatchLines {
			return nil, aims.Errorf(aims.KindTooLarge, "a batch has at most %d events: split it", MaxDecisionBatchLines)
		}
		nd, err := r.prepare(l)
		if err != nil {
			res.Errors = append(res.Errors, lineError(line, err))
			continue
		}
		good = append(good, nd)
		lines = append(lines, line)
	}
	res.Rejected = len(res.Errors)
	s.decisions.rejected.WithLabelValues(via).Add(float64(res.Rejected))
	if err := s.commitDecisions(ctx, r.scope, good, via); err != nil {
		return nil, err
	}
	for i, nd := range good {
		res.Acks = append(res.Acks, ackOf(lines[i], nd))
		if nd.Duplicate {
			res.Duplicates++
		} else {
			res.Stored++
		}
	}
	return res, nil
}

func lineError(line int, err error) aims.DecisionLineError {
	le := aims.DecisionLineError{Line: line, Detail: err.Error()}
	if ae, ok := err.(*aims.Error); ok {
		le.Detail, le.Fields = ae.Message, ae.Fields
	}
	if len(le.Fields) > 0 {
		le.Detail = fmt.Sprintf("line %d: %s", line, describeFields(le.Fields))
	}
	return le
}

func describeFields(fs []aims.FieldError) string {
	var b bytes.Buffer
	for i, f := range fs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field + " " + f.Detail)
	}
	return b.String()
}

// SystemContext returns ctx acting as aims itself in org, for work no
// person asked for at that moment (the MQTT bridge, demo data): an admin,
// named label in the audit trail.
func SystemContext(ctx context.Context, org *aims.Organization, label string) context.Context {
	p := authz.Operator(org, label)
	p.Kind = aims.ActorSystem
	return authz.WithPrincipal(ctx, p)
}
