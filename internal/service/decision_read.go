package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

func validateDecisionFilter(f aims.DecisionFilter) error {
	var v aims.Validation
	if f.Human != "" && !f.Human.IsValid() {
		v.Add("human", "must be one of none, approved, overridden")
	}
	if f.Since != nil && f.Until != nil && !f.Until.After(*f.Since) {
		v.Add("until", "must be after since")
	}
	return v.Err()
}

// readSystemDecisions authorizes reading one system's decisions with perm.
func (s *Service) readSystemDecisions(ctx context.Context, perm authz.Permission, systemID, what string) (aims.Scope, error) {
	scope, _, _, err := s.readSystemDecisionsPayload(ctx, perm, systemID, what)
	return scope, err
}

// readSystemDecisionsPayload is readSystemDecisions that also tells
// whether the caller may read the payloads: with read_payload, or as the
// system's owner (a token limited to scopes never does).
func (s *Service) readSystemDecisionsPayload(ctx context.Context, perm authz.Permission, systemID, what string) (aims.Scope, *authz.Principal, bool, error) {
	scope, p, err := authz.AuthorizeSystem(ctx, perm, systemID, what)
	if err != nil {
		return scope, p, false, err
	}
	sys, err := store.FindSystemByID(ctx, s.db, scope, systemID)
	if err != nil {
		return scope, p, false, err
	}
	payload := p.Can(authz.ReadPayload) || (len(p.Scopes) == 0 && p.UserID != "" && p.UserID == sys.OwnerID)
	return scope, p, payload, nil
}

// FindDecisions lists the decisions of one AI system, newest first.
// The payloads are withheld from a caller without read_payload.
func (s *Service) FindDecisions(ctx context.Context, systemID string, f aims.DecisionFilter) ([]*aims.Decision, int, error) {
	scope, _, payload, err := s.readSystemDecisionsPayload(ctx, authz.Read, systemID, "read decisions")
	if err != nil {
		return nil, 0, err
	}
	if err := validateDecisionFilter(f); err != nil {
		return nil, 0, err
	}
	ds, n, err := store.FindDecisions(ctx, s.db, scope, systemID, f)
	if !payload {
		for _, d := range ds {
			d.WithholdPayload()
		}
	}
	return ds, n, err
}

// FindDecisionByID returns one decision of one AI system, with its payload
// and salt (unless erased) so that a reader can check the sealed digest;
// both are withheld from a caller without read_payload.
func (s *Service) FindDecisionByID(ctx context.Context, systemID, id string) (*aims.Decision, error) {
	scope, _, payload, err := s.readSystemDecisionsPayload(ctx, authz.Read, systemID, "read decisions")
	if err != nil {
		return nil, err
	}
	d, err := store.FindDecisionByID(ctx, s.db, scope, systemID, id)
	if err == nil && !payload {
		d.WithholdPayload()
	}
	return d, err
}

// DecisionProof returns the c2sp.org/tlog-proof of one decision: its log
// index, inclusion proof, a signed checkpoint and its entry.
func (s *Service) DecisionProof(ctx context.Context, systemID, id string) ([]byte, error) {
	scope, head, err := s.authorizeLog(ctx, "")
	if err != nil {
		return nil, err
	}
	d, err := store.FindDecisionByID(ctx, s.db, scope, systemID, id)
	if err != nil {
		return nil, err
	}
	// The decision names its leaf (decision leaves carry no ref).
	entries, err := store.ReadLogEntries(ctx, s.db, head, d.LogIndex, d.LogIndex+1)
	if err != nil {
		return nil, err
	}
	if len(entries) != 1 {
		return nil, fmt.Errorf("decision %s: its leaf %d is not in the log", d.ID, d.LogIndex)
	}
	return s.leafProof(ctx, head, d.LogIndex, entries[0])
}

// EraseDecisionPayload erases a decision's payload and salt on request
// (personal data, GDPR Art. 17): the decision keeps what the log seals of
// it (time, source, sequence, model version, whether a person acted) and
// its tag names; the log still verifies. The erasure is an audit event.
func (s *Service) EraseDecisionPayload(ctx context.Context, systemID, id, reason string) (*aims.Decision, error) {
	scope, p, err := authz.AuthorizeSystem(ctx, authz.Erase, systemID, "erase decision payloads")
	if err != nil {
		return nil, err
	}
	var v aims.Validation
	reason = strings.TrimSpace(reason)
	v.Required("reason", reason)
	v.MaxLen("reason", reason, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *aims.Decision
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindDecisionByID(ctx, tx, scope, systemID, id)
		if err != nil {
			return err
		}
		out, err = store.EraseDecisionPayload(ctx, tx, scope, before, p.Actor().Label+": "+reason)
		return err
	})
	if err != nil {
		return nil, err
	}
	// The erasure stands; what the files may still hold is a warning.
	if err := s.db.ScrubAfterErasure(ctx); err != nil {
		s.log.Warn("the erased payload may stay in the database's write-ahead log until the next checkpoint",
			"decision", id, "err", err)
	}
	return out, nil
}

// DecisionOverrides counts one system's decisions per day over the last
// days days, with how many a person overrode or approved (the operator
// view's override rate).
func (s *Service) DecisionOverrides(ctx context.Context, systemID string, days int) ([]aims.OverrideBucket, error) {
	scope, err := s.readSystemDecisions(ctx, authz.Read, systemID, "read decisions")
	if err != nil {
		return nil, err
	}
	since := s.db.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-days)
	counted, err := store.DecisionDays(ctx, s.db, scope, systemID, since)
	if err != nil {
		return nil, err
	}
	out := make([]aims.OverrideBucket, days)
	for i := range out {
		out[i].Start = since.AddDate(0, 0, i)
	}
	for _, b := range counted {
		if i := int(b.Start.Sub(since) / (24 * time.Hour)); i >= 0 && i < days {
			out[i] = b
		}
	}
	return out, nil
}

// DecisionCSVColumns are the columns of a decision export.
var DecisionCSVColumns = []string{"id", "source_time", "received_at", "skew_ms", "clock_skew", "model_version", "model_version_id",
	"unknown_model_version", "source", "seq", "human", "human_by", "human_at", "output_value", "output_unit", "inputs", "attributes",
	"log_index", "payload_digest", "erased_at"}

// ExportDecisionsCSV writes the decisions of one system that f selects
// (no paging), oldest first, one row each; inputs and attributes as JSON.
// The columns drawn from the payload (who acted, output, inputs,
// attributes) stay empty for a caller without read_payload.
func (s *Service) ExportDecisionsCSV(ctx context.Context, w io.Writer, systemID string, f aims.DecisionFilter) error {
	scope, _, payload, err := s.readSystemDecisionsPayload(ctx, authz.Export, systemID, "export decisions")
	if err != nil {
		return err
	}
	if err := validateDecisionFilter(f); err != nil {
		return err
	}
	cw, err := newCSVExport(w, DecisionCSVColumns)
	if err != nil {
		return err
	}
	err = store.EachDecision(ctx, s.db, scope, systemID, f, func(d *aims.Decision) error {
		if !payload {
			d.WithholdPayload()
		}
		return cw.Write(decisionRecord(d))
	})
	if err != nil {
		return err
	}
	return cw.Close()
}

func decisionRecord(d *aims.Decision) []string {
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	var by, at, value, unit, inputs, attrs, erased string
	if ev := d.Event(); ev != nil {
		if ev.Human != nil {
			by = ev.Human.By
			if ev.Human.At != nil {
				at = ts(*ev.Human.At)
			}
		}
		if ev.Output != nil {
			value, unit = jsonCell(ev.Output.Value), ev.Output.Unit
		}
		if len(ev.Inputs) > 0 {
			b, _ := json.Marshal(ev.Inputs)
			inputs = string(b)
		}
		if len(ev.Attributes) > 0 {
			b, _ := json.Marshal(ev.Attributes)
			attrs = string(b)
		}
	}
	if d.ErasedAt != nil {
		erased = ts(*d.ErasedAt)
	}
	return []string{d.ID, ts(d.SourceTime), ts(d.ReceivedAt), strconv.FormatInt(d.SkewMS, 10), strconv.FormatBool(d.ClockSkew),
		d.ModelVersion, d.ModelVersionID, strconv.FormatBool(d.UnknownModelVersion), d.Source,
		strconv.FormatInt(d.Seq, 10), string(d.Human), by, at, value, unit, inputs, attrs,
		strconv.FormatUint(d.LogIndex, 10), d.PayloadDigest, erased}
}

// jsonCell writes a JSON scalar for a spreadsheet: numbers as they are,
// strings unquoted.
func jsonCell(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
