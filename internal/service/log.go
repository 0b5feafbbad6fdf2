package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// logTileCache is how many tiles the process keeps (each about 16 KiB with
// its inner nodes): 4096 tiles cover the proofs of a million-leaf log.
const logTileCache = 4096

// logState is the service's side of the tamper-evident log: the signing
// key, the tile cache shared by every organization's log, and counters.
type logState struct {
	mu     sync.Mutex
	master *ledger.MasterKey
	keys   map[string]*ledger.OrgKey // by origin
	cache  *ledger.Cache
	signMu sync.Mutex // one signature at a time in this process

	// The deployment's log identity (SetLogIdentity): the origin prefix
	// of new logs, whether the operator configured it, and the verifier
	// keys given outside the database, by origin.
	prefix           string
	prefixConfigured bool
	verifierKeys     map[string]string

	alerts      prometheus.Counter
	signed      prometheus.Counter
	signRefused prometheus.Counter
	refused     prometheus.Gauge

	witnessKick chan struct{} // wakes the witness submitter
}

func newLogState() *logState {
	return &logState{
		keys:        map[string]*ledger.OrgKey{},
		witnessKick: make(chan struct{}, 1),
		cache:       ledger.NewCache(logTileCache),
		alerts: prometheus.NewCounter(prometheus.CounterOpts{Name: "aims_log_tamper_alerts_total",
			Help: "Records found not to match the tamper-evident log (each finding once)."}),
		signed: prometheus.NewCounter(prometheus.CounterOpts{Name: "aims_log_checkpoints_signed_total",
			Help: "Checkpoints signed by this process."}),
		signRefused: prometheus.NewCounter(prometheus.CounterOpts{Name: "aims_log_sign_refused_total",
			Help: "Checkpoints not signed because the log was not consistent with the last one signed, or the key differs."}),
		refused: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aims_log_refused_organizations",
			Help: "Organizations whose tamper-evident log is refused (missing, changed, or keyed or named otherwise than configured): their writes answer 503 until 'aims log rebuild'."}),
	}
}

// SetLogKey gives the service the deployment's log key, so that it signs
// checkpoints. Without one it seals and serves the log but signs nothing.
func (s *Service) SetLogKey(k *ledger.MasterKey) {
	s.tlog.mu.Lock()
	defer s.tlog.mu.Unlock()
	s.tlog.master = k
	s.tlog.keys = map[string]*ledger.OrgKey{}
}

// LogCollectors returns the log's Prometheus counters, for /metrics.
func (s *Service) LogCollectors() []prometheus.Collector {
	return []prometheus.Collector{s.tlog.alerts, s.tlog.signed, s.tlog.signRefused, s.tlog.refused}
}

// errNoLogKey says this process cannot sign.
var errNoLogKey = &aims.Error{Kind: aims.KindUnavailable,
	Message: "this aims process has no log key, so it signs no checkpoints: run 'aims serve' (it creates one) or set AIMS_LOG_KEY"}

// orgKey derives (and remembers) the signing key of the log with origin.
func (s *Service) orgKey(origin string) (*ledger.OrgKey, error) {
	s.tlog.mu.Lock()
	defer s.tlog.mu.Unlock()
	if s.tlog.master == nil {
		return nil, errNoLogKey
	}
	if k := s.tlog.keys[origin]; k != nil {
		return k, nil
	}
	k, err := s.tlog.master.ForOrigin(origin)
	if err != nil {
		return nil, err
	}
	s.tlog.keys[origin] = k
	return k, nil
}

// logOrigin returns the origin of the organization's log: the one pinned by
// its first checkpoint, else the one this deployment gives it.
func (s *Service) logOrigin(ctx context.Context, head *store.LogHead) (string, error) {
	if head.Origin != "" {
		return head.Origin, nil
	}
	return s.newLogOrigin(ctx, head.OrgID)
}

// logVerifier returns the verifier of the organization's log: derived from
// this process's key when it has one (and checked against the pinned one),
// else the pinned one.
func (s *Service) logVerifier(ctx context.Context, head *store.LogHead) (*ledger.OrgKey, error) {
	origin, err := s.logOrigin(ctx, head)
	if errors.Is(err, errNoLogKey) && head.VerifierKey != "" {
		v, err := ledger.ParseVerifierKey(head.VerifierKey)
		if err != nil {
			return nil, err
		}
		return &ledger.OrgKey{Verifier: v, VerifierKey: head.VerifierKey}, nil
	}
	if err != nil {
		return nil, err
	}
	k, err := s.orgKey(origin)
	if err != nil {
		return nil, err
	}
	if head.VerifierKey != "" && head.VerifierKey != k.VerifierKey {
		return nil, fmt.Errorf("the log of organization %s is signed with key %s, but this process holds %s: give every replica the same AIMS_LOG_KEY",
			head.OrgID, head.VerifierKey, k.VerifierKey)
	}
	return k, nil
}

// logSource reads a log's stored hashes.
type logSource struct {
	db   *store.DB
	head *store.LogHead
}

func (l logSource) Hashes(ctx context.Context, level int, from, to uint64) ([][]byte, error) {
	return store.ReadLogHashes(ctx, l.db, l.head, level, from, to)
}

// FullTile makes logSource a ledger.TileSource: full tiles come with their
// inner hashes, so a proof hashes nothing to read them.
func (l logSource) FullTile(ctx context.Context, level int, n uint64) ([][]byte, [][]byte, error) {
	return store.ReadLogTile(ctx, l.db, l.head, level, n)
}

// reader reads the log's tree at its head's size.
func (s *Service) reader(head *store.LogHead) *ledger.Reader {
	return ledger.NewReader(strconv.FormatInt(head.LogID, 10), head.Size, logSource{s.db, head}, s.tlog.cache)
}

// authorizeLog checks that the caller may read the log of the organization
// named by slug (the caller's own; empty means the caller's) and returns
// its head. Another organization's log is not found.
func (s *Service) authorizeLog(ctx context.Context, slug string) (aims.Scope, *store.LogHead, error) {
	scope, p, err := authz.Authorize(ctx, authz.ReadLog, "read the tamper-evident log")
	if err != nil {
		return aims.Scope{}, nil, err
	}
	if slug != "" && slug != p.OrgSlug {
		return aims.Scope{}, nil, aims.ErrNotFound("log")
	}
	head, err := store.FindLogHead(ctx, s.db, scope)
	if err != nil {
		return aims.Scope{}, nil, err
	}
	return scope, head, nil
}

// LogCheckpoint returns the latest signed checkpoint of the caller's
// organization's log (c2sp.org/tlog-checkpoint), signing one first when
// none exists yet.
func (s *Service) LogCheckpoint(ctx context.Context, slug string) ([]byte, error) {
	head, err := s.publishedLog(ctx, slug)
	if err != nil {
		return nil, err
	}
	cp, err := store.LatestLogCheckpoint(ctx, s.db, head)
	if aims.IsKind(err, aims.KindNotFound) {
		cp, err = s.signLog(ctx, head.OrgID)
	}
	if err != nil {
		return nil, err
	}
	return s.withCosignatures(ctx, head, cp)
}

// publishedLog is authorizeLog for the checkpoint and the hash tiles, which
// an organization may publish (log settings, public_checkpoints): a caller
// who may not read the log still gets them when the organization opted in.
// Entry bundles and proofs stay behind authorizeLog.
func (s *Service) publishedLog(ctx context.Context, slug string) (*store.LogHead, error) {
	_, head, err := s.authorizeLog(ctx, slug)
	if err == nil || slug == "" {
		return head, err
	}
	if !aims.IsKind(err, aims.KindUnauthenticated) && !aims.IsKind(err, aims.KindNotFound) && !aims.IsKind(err, aims.KindForbidden) {
		return nil, err
	}
	org, ferr := store.FindOrganizationBySlug(ctx, s.db, slug)
	if ferr != nil {
		return nil, err
	}
	if set, ferr := store.FindLogSettings(ctx, s.db, org.ID); ferr != nil || !set.PublicCheckpoints {
		return nil, err
	}
	return store.FindLogHead(ctx, s.db, systemScope(org.ID, "published checkpoint"))
}

// LogTile returns hash tile n of level with width w (c2sp.org/tlog-tiles).
func (s *Service) LogTile(ctx context.Context, slug string, level int, n uint64, w int) ([]byte, error) {
	head, err := s.publishedLog(ctx, slug)
	if err != nil {
		return nil, err
	}
	r := s.reader(head)
	if r.TileWidth(level, n) < w {
		return nil, aims.ErrNotFound("tile")
	}
	return r.Tile(ctx, level, n, w)
}

// LogEntryBundle returns entry bundle n with width w (c2sp.org/tlog-tiles).
func (s *Service) LogEntryBundle(ctx context.Context, slug string, n uint64, w int) ([]byte, error) {
	_, head, err := s.authorizeLog(ctx, slug)
	if err != nil {
		return nil, err
	}
	if s.reader(head).TileWidth(0, n) < w {
		return nil, aims.ErrNotFound("entry bundle")
	}
	from := n * ledger.TileWidth
	entries, err := store.ReadLogEntries(ctx, s.db, head, from, from+uint64(w))
	if err != nil {
		return nil, err
	}
	if len(entries) != w {
		return nil, fmt.Errorf("log %d has %d of the %d entries of bundle %d", head.LogID, len(entries), w, n)
	}
	return ledger.MarshalBundle(entries)
}

// InclusionProof proves that a leaf is in a tree (RFC 6962 2.1.1).
type InclusionProof struct {
	Index    uint64   `json:"index"`
	Size     uint64   `json:"size"`
	LeafHash []byte   `json:"leaf_hash" doc:"The leaf's hash, SHA-256(0x00 || entry), base64"`
	Hashes   [][]byte `json:"hashes" nullable:"false" doc:"The inclusion proof, base64 hashes from the leaf's sibling up"`
	Root     []byte   `json:"root" doc:"The root of the tree of this size, base64: compare it with a signed checkpoint's"`
}

// ConsistencyProof proves that one tree extends another (RFC 6962 2.1.2).
type ConsistencyProof struct {
	Old     uint64   `json:"old"`
	New     uint64   `json:"new"`
	Hashes  [][]byte `json:"hashes" nullable:"false" doc:"The consistency proof, base64 hashes"`
	OldRoot []byte   `json:"old_root"`
	NewRoot []byte   `json:"new_root"`
}

func badParam(field, format string, args ...any) error {
	return &aims.Error{Kind: aims.KindBadRequest, Message: fmt.Sprintf(format, args...),
		Fields: []aims.FieldError{{Field: field, Detail: fmt.Sprintf(format, args...)}}}
}

// LogInclusionProof proves that leaf index is in the tree of size leaves
// of the caller's organization's log.
func (s *Service) LogInclusionProof(ctx context.Context, index, size uint64) (*InclusionProof, error) {
	_, head, err := s.authorizeLog(ctx, "")
	if err != nil {
		return nil, err
	}
	switch {
	case index >= size:
		return nil, badParam("index", "index %d must be less than size %d", index, size)
	case size > head.Size:
		return nil, badParam("size", "size %d is beyond the log, which has %d entries", size, head.Size)
	}
	r := s.reader(head)
	hashes, err := r.InclusionProof(ctx, index, size)
	if err != nil {
		return nil, err
	}
	root, err := r.Root(ctx, size)
	if err != nil {
		return nil, err
	}
	leaf, err := r.NodeHash(ctx, 0, index)
	if err != nil {
		return nil, err
	}
	// A proof that does not verify means damaged storage: refuse it rather
	// than hand it out.
	if err := ledger.VerifyInclusion(index, size, leaf, hashes, root); err != nil {
		s.tlog.cache.Forget(strconv.FormatInt(head.LogID, 10))
		return nil, fmt.Errorf("inclusion proof of %d in %d does not verify: %w", index, size, err)
	}
	if hashes == nil {
		hashes = [][]byte{}
	}
	return &InclusionProof{Index: index, Size: size, LeafHash: leaf, Hashes: hashes, Root: root}, nil
}

// LogConsistencyProof proves that the caller's organization's tree of new
// leaves extends its tree of old leaves.
func (s *Service) LogConsistencyProof(ctx context.Context, old, new uint64) (*ConsistencyProof, error) {
	_, head, err := s.authorizeLog(ctx, "")
	if err != nil {
		return nil, err
	}
	switch {
	case old > new:
		return nil, badParam("old", "old %d must not be greater than new %d", old, new)
	case old == 0:
		return nil, badParam("old", "old must be at least 1: every tree extends the empty one")
	case new > head.Size:
		return nil, badParam("new", "new %d is beyond the log, which has %d entries", new, head.Size)
	}
	r := s.reader(head)
	hashes, err := r.ConsistencyProof(ctx, old, new)
	if err != nil {
		return nil, err
	}
	oldRoot, err := r.Root(ctx, old)
	if err != nil {
		return nil, err
	}
	newRoot, err := r.Root(ctx, new)
	if err != nil {
		return nil, err
	}
	if err := ledger.VerifyConsistency(old, new, hashes, oldRoot, newRoot); err != nil {
		s.tlog.cache.Forget(strconv.FormatInt(head.LogID, 10))
		return nil, fmt.Errorf("consistency proof %d→%d does not verify: %w", old, new, err)
	}
	if hashes == nil {
		hashes = [][]byte{}
	}
	return &ConsistencyProof{Old: old, New: new, Hashes: hashes, OldRoot: oldRoot, NewRoot: newRoot}, nil
}

// AuditEventProof returns the c2sp.org/tlog-proof of one audit event of
// the caller's organization: its index, inclusion proof, a signed
// checkpoint, and its entry, so the record can be handed to a third party.
func (s *Service) AuditEventProof(ctx context.Context, id string) ([]byte, error) {
	scope, head, err := s.authorizeLog(ctx, "")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindAuditEventByID(ctx, s.db, scope, id); err != nil {
		return nil, err
	}
	return s.recordProof(ctx, head, id)
}

// recordProof builds the tlog-proof of the leaf sealing record ref, with the
// latest checkpoint, signing a newer one when the latest does not hold it.
func (s *Service) recordProof(ctx context.Context, head *store.LogHead, ref string) ([]byte, error) {
	index, entry, err := store.FindLogLeafByRef(ctx, s.db, head, ref)
	if err != nil {
		return nil, err
	}
	return s.leafProof(ctx, head, index, entry)
}

// leafProof builds the tlog-proof of leaf index (holding entry), with the
// latest checkpoint, signing a newer one when the latest does not hold it.
func (s *Service) leafProof(ctx context.Context, head *store.LogHead, index uint64, entry []byte) ([]byte, error) {
	cp, err := store.LatestLogCheckpoint(ctx, s.db, head)
	if aims.IsKind(err, aims.KindNotFound) || (err == nil && cp.Size <= index) {
		cp, err = s.signLog(ctx, head.OrgID)
		if errors.Is(err, errNoLogKey) {
			return nil, aims.Errorf(aims.KindUnavailable, "no signed checkpoint holds this record yet: try again in a few seconds")
		}
	}
	if err != nil {
		return nil, err
	}
	if head.Size < cp.Size {
		if head, err = store.FindLogHead(ctx, s.db, systemScope(head.OrgID, "aims log")); err != nil {
			return nil, err
		}
	}
	hashes, err := s.reader(head).InclusionProof(ctx, index, cp.Size)
	if err != nil {
		return nil, err
	}
	if err := ledger.VerifyInclusion(index, cp.Size, ledger.LeafHash(entry), hashes, cp.Root); err != nil {
		return nil, fmt.Errorf("proof of leaf %d does not verify against checkpoint %d: %w", index, cp.Size, err)
	}
	return ledger.RecordProof{Index: index, Hashes: hashes, Checkpoint: cp.Note, Entry: entry}.Marshal()
}

// systemScope is aims' own scope in one organization, for background work
// on its log (signing, checking); label names the job in the audit trail.
func systemScope(orgID, label string) aims.Scope {
	p := &authz.Principal{OrgID: orgID, Role: aims.RoleAdmin, Email: label, Operator: true, Kind: aims.ActorSystem}
	scope, _, err := authz.Authorize(authz.WithPrincipal(context.Background(), p), authz.ReadLog, "work on the log")
	if err != nil {
		panic(err) // an operator is an admin: this cannot fail
	}
	return scope
}
