package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// LogIdentity is how this deployment names its logs and what it knows of
// them from outside the database (docs/ledger.md, "Keys and checkpoints").
type LogIdentity struct {
	// Prefix is the origin prefix of new logs (a log's origin is
	// PREFIX/log/SLUG); empty means the log key's name.
	Prefix string
	// Configured says Prefix was set by the operator (AIMS_LOG_ORIGIN or
	// AIMS_BASE_URL): a log pinned to another origin is then refused.
	Configured bool
	// VerifierKeys are the verifier keys of the organizations' logs given
	// outside the database (AIMS_LOG_VERIFIER_KEYS, ..._FILE); a log whose
	// origin names one of them must be pinned to it.
	VerifierKeys []string
}

// SetLogIdentity gives the service the deployment's log identity. It fails
// on a verifier key that is not name+hash+base64.
func (s *Service) SetLogIdentity(id LogIdentity) error {
	keys := map[string]string{}
	for _, k := range id.VerifierKeys {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		v, err := ledger.ParseVerifierKey(k)
		if err != nil {
			return err
		}
		if other, ok := keys[v.Name()]; ok && other != k {
			return fmt.Errorf("two verifier keys are configured for the log %s: keep the one 'aims log key' printed", v.Name())
		}
		keys[v.Name()] = k
	}
	s.tlog.mu.Lock()
	defer s.tlog.mu.Unlock()
	s.tlog.prefix, s.tlog.prefixConfigured, s.tlog.verifierKeys = strings.TrimSuffix(id.Prefix, "/"), id.Configured, keys
	return nil
}

// originPrefix returns the origin prefix of new logs, and whether the
// operator configured it.
func (s *Service) originPrefix() (string, bool, error) {
	s.tlog.mu.Lock()
	defer s.tlog.mu.Unlock()
	switch {
	case s.tlog.prefix != "":
		return s.tlog.prefix, s.tlog.prefixConfigured, nil
	case s.tlog.master != nil:
		return s.tlog.master.Name(), false, nil
	}
	return "", false, errNoLogKey
}

// configuredKey returns the verifier key configured for the log with
// origin, or "".
func (s *Service) configuredKey(origin string) string {
	s.tlog.mu.Lock()
	defer s.tlog.mu.Unlock()
	return s.tlog.verifierKeys[origin]
}

// newLogOrigin is the origin the organization's current log takes when it
// pins one: from the origin prefix, its slug and its generation.
func (s *Service) newLogOrigin(ctx context.Context, orgID string) (string, error) {
	prefix, _, err := s.originPrefix()
	if err != nil {
		return "", err
	}
	org, err := store.FindOrganizationByID(ctx, s.db, orgID)
	if err != nil {
		return "", err
	}
	mark, err := store.FindLogMark(ctx, s.db, orgID)
	if err != nil {
		return "", err
	}
	generation := 1
	if mark != nil {
		generation = mark.Generation
	}
	return ledger.LogOrigin(prefix, org.Slug, generation), nil
}

// logProblem says what is wrong with one organization's log, or "" when
// nothing is: a log missing where records exist, a head that is not the
// log its mark names or lost its leaves or its pinned key, a pinned key
// other than the one configured, an origin other than the one configured.
func (s *Service) logProblem(f *store.LogFacts) string {
	prefix, configured, err := s.originPrefix()
	generation := 1
	if f.Mark != nil {
		generation = f.Mark.Generation
	}
	expected := ""
	if err == nil {
		expected = ledger.LogOrigin(prefix, f.Slug, generation)
	}
	h := f.Head
	if h == nil {
		switch {
		case f.Mark != nil && f.Mark.OpenedAt != nil:
			return fmt.Sprintf("its log (log %d, opened %s) has no head any more: the log's tables were changed",
				f.Mark.LogID, f.Mark.OpenedAt.Format("2006-01-02T15:04:05Z"))
		case f.Mark == nil && (f.AuditEvents || f.Decisions):
			return "it has audit events or decisions but neither a log nor the mark that one was opened: the log's tables were changed"
		case expected != "" && s.configuredKey(expected) != "":
			return fmt.Sprintf("a verifier key is configured for its log %s, but the log does not exist: the log's tables were changed", expected)
		}
		return ""
	}
	switch {
	case f.Mark == nil || f.Mark.LogID != h.LogID:
		marked := int64(0)
		if f.Mark != nil {
			marked = f.Mark.LogID
		}
		return fmt.Sprintf("its log's head (log %d) is not the log its mark names (log %d): the log's tables were changed", h.LogID, marked)
	case h.Size > 0 && !f.FirstLeaf:
		return fmt.Sprintf("its log's head has %d entries but leaf 0 is not stored: the log's tables were changed", h.Size)
	case h.Size > 0 && !f.LastLeaf:
		return fmt.Sprintf("its log's head has %d entries but leaf %d is not stored: the log's tables were changed", h.Size, h.Size-1)
	case f.HasCheckpoints && h.VerifierKey == "":
		return "its log has signed checkpoints but no pinned verifier key: the log's head was changed"
	}
	if h.Origin != "" {
		if k := s.configuredKey(h.Origin); k != "" && k != h.VerifierKey {
			return fmt.Sprintf("its log %s is pinned to verifier key %s in the database, but the key configured for it (AIMS_LOG_VERIFIER_KEYS) is %s: the pinned key was changed",
				h.Origin, h.VerifierKey, k)
		}
		if configured && expected != "" && h.Origin != expected {
			return fmt.Sprintf("its log's origin is %s, but this deployment's configuration names it %s: a log cannot change its origin (its checkpoints name it). Set AIMS_LOG_ORIGIN=%s to keep the log, or start a new log under the new origin with 'aims log rebuild'",
				h.Origin, expected, originPrefixOf(h.Origin, f.Slug))
		}
	}
	return ""
}

// originPrefixOf is the prefix of origin, the origin of the log of slug.
func originPrefixOf(origin, slug string) string {
	if i := strings.LastIndex(origin, "/log/"+slug); i > 0 {
		return origin[:i]
	}
	return origin
}

// GuardLogs checks that every organization's log is whole and the one
// configured: 'aims serve' runs it before it writes anything, then every
// minute with the checker. A log found broken is refused (writes to it
// answer 503 and name 'aims log rebuild'; reads go on; other organizations
// are not affected), and why is logged as an error when the refusal is new
// or its reason changed; a log found whole again (rebuilt, say) is allowed.
// It returns the problems found.
func (s *Service) GuardLogs(ctx context.Context) ([]LogFinding, error) {
	facts, err := store.ReadLogFacts(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []LogFinding
	for _, f := range facts {
		problem := s.logProblem(f)
		if problem == "" {
			s.db.AllowLog(f.OrgID)
			continue
		}
		if s.db.LogRefusal(f.OrgID) == problem {
			out = append(out, LogFinding{OrgID: f.OrgID, Detail: "the log is refused: " + problem, key: "identity"})
			continue
		}
		s.db.RefuseLog(f.OrgID, problem)
		s.log.ErrorContext(ctx, "tamper-evident log refused: this organization's changes are not recorded until an operator runs 'aims log rebuild'",
			"org", f.Slug, "reason", problem)
		out = append(out, LogFinding{OrgID: f.OrgID, Detail: "the log is refused: " + problem, key: "identity"})
	}
	s.tlog.refused.Set(float64(len(out)))
	return out, nil
}

// logIdentityFindings is what 'aims log check' reports of the logs'
// identity: the problems GuardLogs refuses a log for, without refusing.
func (s *Service) logIdentityFindings(ctx context.Context, orgID string) ([]LogFinding, error) {
	facts, err := store.ReadLogFacts(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []LogFinding
	for _, f := range facts {
		if orgID != "" && f.OrgID != orgID {
			continue
		}
		if problem := s.logProblem(f); problem != "" {
			out = append(out, LogFinding{OrgID: f.OrgID, Detail: fmt.Sprintf("organization %s: %s", f.Slug, problem), key: "identity"})
		}
	}
	return out, nil
}

// logRefused returns the error of signing (or writing to) a refused log,
// or nil.
func (s *Service) logRefused(orgID string) error {
	if reason := s.db.LogRefusal(orgID); reason != "" {
		return store.LogRefusedError(reason)
	}
	return nil
}

// LogKeyInfo is one organization's log as 'aims log key' lists it.
type LogKeyInfo struct {
	Slug        string
	Origin      string
	VerifierKey string
	Pinned      bool // false: no checkpoint signed yet; the key this process would pin
}

// LogVerifierKeys lists every organization's log origin and verifier key
// (the pinned one, else the one this process would pin), for the host's
// operator ('aims log key'), like CheckLogs; no HTTP route reaches it.
func (s *Service) LogVerifierKeys(ctx context.Context) ([]LogKeyInfo, error) {
	facts, err := store.ReadLogFacts(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []LogKeyInfo
	for _, f := range facts {
		if f.Head != nil && f.Head.VerifierKey != "" {
			out = append(out, LogKeyInfo{Slug: f.Slug, Origin: f.Head.Origin, VerifierKey: f.Head.VerifierKey, Pinned: true})
			continue
		}
		origin, err := s.newLogOrigin(ctx, f.OrgID)
		if err != nil {
			return nil, err
		}
		k, err := s.orgKey(origin)
		if err != nil {
			return nil, err
		}
		out = append(out, LogKeyInfo{Slug: f.Slug, Origin: origin, VerifierKey: k.VerifierKey})
	}
	return out, nil
}
