package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/blob"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// Evidence (ISO/IEC 42001 7.5, every Annex A control): files and links
// with immutable revisions. A file's bytes go to the blob store first,
// streamed and hashed; only then is the revision written and sealed, so a
// store that is down (503), a file over the limit (413) or a digest that
// does not match (422) leaves no record.

// blobState is the service's blob store.
type blobState struct {
	once  sync.Once
	store *blob.Store
}

// SetBlobStore gives the service the blob store evidence files go to.
// Without one, files go to an in-memory store (tests and benchmarks).
func (s *Service) SetBlobStore(b *blob.Store) {
	s.blob.once.Do(func() {})
	s.blob.store = b
}

// BlobStore returns the blob store evidence files go to.
func (s *Service) BlobStore() *blob.Store {
	s.blob.once.Do(func() {
		if s.blob.store != nil {
			return
		}
		st, err := blob.Open(context.Background(), "mem://", blob.Options{})
		if err != nil {
			panic(err)
		}
		s.log.Warn("no blob store set: evidence files are kept in memory")
		s.blob.store = st
	})
	return s.blob.store
}

// EvidenceAdded is what adding evidence did: the evidence, its revision,
// and whether the revision is new (false: the same file or link was
// pushed with the same links before, and that revision is answered).
type EvidenceAdded struct {
	Evidence *aims.Evidence         `json:"evidence"`
	Revision *aims.EvidenceRevision `json:"revision"`
	Created  bool                   `json:"created"`
}

// AddEvidence adds a revision to a piece of evidence: the file read from
// body (nil for a link), with up's metadata. up names the evidence by id,
// or by kind and links (the evidence with the same kind and links gets the
// revision; none: a new piece of evidence). Idempotent: the same file (or
// link) pushed again answers the revision it made the first time.
func (s *Service) AddEvidence(ctx context.Context, up *aims.EvidenceUpload, body io.Reader) (*EvidenceAdded, error) {
	scope, p, err := authz.Authorize(ctx, authz.AddEvidence, "add evidence")
	if err != nil {
		return nil, err
	}
	up.Normalize()
	if err := up.Validate(body != nil); err != nil {
		return nil, err
	}
	if err := s.checkEvidenceTargets(ctx, scope, p, up); err != nil {
		return nil, err
	}
	rev := &aims.EvidenceRevision{Source: aims.SourceLink, URL: up.URL, MediaType: up.MediaType, FileName: up.FileName,
		EffectiveFrom: up.EffectiveFrom, EffectiveTo: up.EffectiveTo, ExpiresAt: up.ExpiresAt, Note: up.Note}
	if up.CollectedAt != nil {
		rev.CollectedAt = *up.CollectedAt
	}
	actor := scope.Actor()
	rev.CollectedBy, rev.CollectedToken, rev.CollectedByLabel = actor.UserID, actor.TokenID, actor.Label
	if body != nil {
		st, err := s.BlobStore().Put(ctx, body, up.Digest)
		if err != nil {
			return nil, s.blobError(err)
		}
		rev.Source, rev.Digest, rev.Size = aims.SourceFile, st.Digest, st.Size
		if rev.MediaType == "" {
			rev.MediaType = "application/octet-stream"
		}
	}
	var out *EvidenceAdded
	err = s.transact(ctx, func(tx *store.Tx) error {
		e, err := s.evidenceFor(ctx, tx, scope, up)
		if err != nil {
			return err
		}
		if e.Latest != nil && sameContent(e.Latest, rev) {
			out = &EvidenceAdded{Evidence: e, Revision: e.Latest}
			return nil
		}
		rev.EvidenceID = e.ID
		if err := store.CreateEvidenceRevision(ctx, tx, scope, rev); err != nil {
			return err
		}
		out = &EvidenceAdded{Evidence: e, Revision: rev, Created: true}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.Created {
		// Read back with its log index.
		if e, err := store.FindEvidenceByID(ctx, s.db, scope, out.Evidence.ID); err == nil {
			out.Evidence = e
			for _, r := range e.Revisions {
				if r.ID == out.Revision.ID {
					out.Revision = r
				}
			}
		}
	}
	s.fillFreshness(ctx, scope, out.Evidence)
	return out, nil
}

func sameContent(a, b *aims.EvidenceRevision) bool {
	if a.Source != b.Source {
		return false
	}
	if a.Source == aims.SourceFile {
		return a.Digest == b.Digest
	}
	return a.URL == b.URL
}

// evidenceFor finds the evidence up names, or makes it.
func (s *Service) evidenceFor(ctx context.Context, tx *store.Tx, scope aims.Scope, up *aims.EvidenceUpload) (*aims.Evidence, error) {
	if up.EvidenceID != "" {
		return store.FindEvidenceByID(ctx, tx, scope, up.EvidenceID)
	}
	e, err := store.FindEvidenceByLinkKey(ctx, tx, scope, store.EvidenceLinkKey(up.Kind, up.Links))
	if err == nil || !aims.IsKind(err, aims.KindNotFound) {
		return e, err
	}
	e = &aims.Evidence{Title: up.Title, Kind: up.Kind, Description: up.Description, Links: up.Links}
	return e, store.CreateEvidence(ctx, tx, scope, e)
}

// checkEvidenceTargets checks that the evidence named exists and the AI
// systems linked are the organization's, and, for a token limited to some
// systems, that the evidence names only those.
func (s *Service) checkEvidenceTargets(ctx context.Context, scope aims.Scope, p *authz.Principal, up *aims.EvidenceUpload) error {
	if up.EvidenceID != "" {
		e, err := store.FindEvidenceByID(ctx, s.db, scope, up.EvidenceID)
		if err != nil {
			return err
		}
		up.Links = e.Links
	}
	var v aims.Validation
	systems := 0
	var cat *catalog.Catalog
	for i, l := range up.Links {
		field := fmt.Sprintf("links/%d/id", i)
		if l.Type == aims.TargetRequirement {
			if cat == nil {
				var err error
				if cat, err = orgCatalog(ctx, s.db, scope); err != nil {
					return err
				}
			}
			if ref, ok := aims.ParseRef(l.ID); !ok {
				v.Add(field, "is not a requirement (framework:id, such as iso42001:A.6.2.4)")
			} else if _, ok := cat.Requirement(ref); !ok {
				v.Add(field, "is not a requirement of this organization's catalog")
			}
			continue
		}
		if l.Type == aims.TargetAISystem {
			systems++
			if !p.SystemAllowed(l.ID) {
				return aims.Errorf(aims.KindForbidden, "this API token may not add evidence to AI system %s", l.ID)
			}
		}
		ok, err := store.EvidenceTargetExists(ctx, s.db, scope, l.Type, l.ID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(field, "is not %s of this organization", evidenceTargetNoun(l.Type))
		}
	}
	if len(p.Systems) > 0 && systems == 0 {
		return aims.Errorf(aims.KindForbidden, "this API token is limited to some AI systems: link the evidence to one of them")
	}
	return v.Err()
}

// blobError turns a blob store's answer into a kind.
func (s *Service) blobError(err error) error {
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		max := s.BlobStore().MaxBytes()
		return aims.Errorf(aims.KindTooLarge, "the file is larger than the limit of %d bytes (AIMS_EVIDENCE_MAX_BYTES)", max)
	case errors.Is(err, blob.ErrDigestMismatch):
		return &aims.Error{Kind: aims.KindInvalid, Message: "the file does not match the digest given",
			Fields: []aims.FieldError{{Field: "digest", Detail: "is not the SHA-256 digest of the bytes received: nothing was stored"}}}
	case errors.Is(err, blob.ErrInterrupted):
		return aims.Errorf(aims.KindBadRequest, "the upload was cut off before its end: nothing was stored; send it again")
	case errors.Is(err, blob.ErrUnavailable):
		s.log.Error("blob store unavailable", "err", err)
		return aims.Errorf(aims.KindUnavailable, "the file store is unavailable: nothing was stored; try again later")
	}
	return err
}

// FindEvidence lists the organization's evidence with its latest revision
// and freshness.
func (s *Service) FindEvidence(ctx context.Context, f aims.EvidenceFilter) ([]*aims.Evidence, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read evidence")
	if err != nil {
		return nil, 0, err
	}
	if f.Target != "" && !f.Target.IsValid() {
		return nil, 0, &aims.Error{Kind: aims.KindInvalid, Message: "unknown record type",
			Fields: []aims.FieldError{{Field: "target", Detail: "is not a kind of record evidence links to"}}}
	}
	f.Digest = trimDigest(f.Digest)
	items, total, err := store.FindEvidence(ctx, s.db, scope, f)
	if err != nil {
		return nil, 0, err
	}
	window := s.expiringWindow(ctx, scope)
	now := time.Now()
	for _, e := range items {
		e.Freshness = latestFreshness(e, window, now)
	}
	return items, total, nil
}

func trimDigest(d string) string {
	if len(d) > 7 && d[:7] == "sha256:" {
		return d[7:]
	}
	return d
}

// FindEvidenceByID returns one piece of evidence with every revision.
func (s *Service) FindEvidenceByID(ctx context.Context, id string) (*aims.Evidence, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read evidence")
	if err != nil {
		return nil, err
	}
	e, err := store.FindEvidenceByID(ctx, s.db, scope, id)
	if err != nil {
		return nil, err
	}
	s.fillFreshness(ctx, scope, e)
	return e, nil
}

func (s *Service) fillFreshness(ctx context.Context, scope aims.Scope, e *aims.Evidence) {
	e.Freshness = latestFreshness(e, s.expiringWindow(ctx, scope), time.Now())
}

func latestFreshness(e *aims.Evidence, window time.Duration, now time.Time) aims.Freshness {
	if e.Latest == nil {
		return aims.FreshMissing
	}
	return rules.EvidenceFreshness(e.Latest.CollectedAt, e.Latest.ExpiresAt, 0, window, now)
}

func (s *Service) expiringWindow(ctx context.Context, scope aims.Scope) time.Duration {
	days, err := store.EvidenceExpiringDays(ctx, s.db, scope)
	if err != nil {
		return rules.DefaultExpiringWindow
	}
	return time.Duration(days) * 24 * time.Hour
}

// EvidenceContent is a revision's file, open for reading. Read it to the
// end: a file whose bytes no longer match its digest ends in an error
// (blob.ErrCorrupt) before its last bytes, and is reported.
type EvidenceContent struct {
	Revision *aims.EvidenceRevision
	*blob.Reader
	svc *Service
	org string
}

// Read reads the file, reporting a corrupt one.
func (c *EvidenceContent) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	if errors.Is(err, blob.ErrCorrupt) {
		c.svc.log.Error("evidence file does not match its digest: not served", "org", c.org,
			"revision", c.Revision.ID, "digest", c.Revision.Digest, "err", err)
		c.svc.raiseBlobAlert(c.org, c.Revision, "no longer matches its SHA-256 digest")
	}
	return n, err
}

// OpenEvidenceContent opens the file of a revision (by the revision's id,
// or a file's digest as sha256:HEX) of the caller's organization: another
// organization's file is not found, even by its digest. A small file is
// checked whole before it is served, so a changed one is refused outright.
func (s *Service) OpenEvidenceContent(ctx context.Context, ref string) (*EvidenceContent, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "read evidence")
	if err != nil {
		return nil, err
	}
	var rev *aims.EvidenceRevision
	if d := trimDigest(ref); d != ref || blob.ValidDigest(ref) {
		rev, err = store.FindEvidenceRevisionByDigest(ctx, s.db, scope, d)
	} else {
		rev, err = store.FindEvidenceRevision(ctx, s.db, scope, ref)
	}
	if err != nil {
		return nil, err
	}
	if rev.Source != aims.SourceFile {
		return nil, aims.Errorf(aims.KindNotFound, "this revision is a link (%s), not a file", rev.URL)
	}
	if rev.Size <= smallFile {
		if err := s.BlobStore().Verify(ctx, rev.Digest); err != nil {
			return nil, s.contentError(p.OrgID, rev, err)
		}
	}
	r, err := s.BlobStore().Open(ctx, rev.Digest)
	if err != nil {
		return nil, s.contentError(p.OrgID, rev, err)
	}
	if r.Size() != rev.Size {
		r.Close()
		return nil, s.contentError(p.OrgID, rev, fmt.Errorf("%w: %d bytes stored, %d recorded", blob.ErrCorrupt, r.Size(), rev.Size))
	}
	return &EvidenceContent{Revision: rev, Reader: r, svc: s, org: p.OrgID}, nil
}

// smallFile is the size up to which a file is checked before it is served.
const smallFile = 4 << 20

func (s *Service) contentError(org string, rev *aims.EvidenceRevision, err error) error {
	switch {
	case errors.Is(err, blob.ErrCorrupt):
		s.log.Error("evidence file does not match its digest: not served", "org", org, "revision", rev.ID, "digest", rev.Digest, "err", err)
		s.raiseBlobAlert(org, rev, "no longer matches its SHA-256 digest")
		return aims.Errorf(aims.KindInternal, "the stored file no longer matches its SHA-256 digest (sha256:%s): it is not served; restore it from a backup", rev.Digest)
	case errors.Is(err, blob.ErrNotFound):
		s.log.Error("evidence file missing from the blob store", "org", org, "revision", rev.ID, "digest", rev.Digest)
		s.raiseBlobAlert(org, rev, "is missing from the file store")
		return aims.Errorf(aims.KindInternal, "the file sha256:%s is missing from the file store: restore it from a backup", rev.Digest)
	}
	return s.blobError(err)
}

// raiseBlobAlert records, once per revision and problem, that the stored
// file of rev is not what was sealed (7.5.3: documented information is
// protected from loss of integrity), as an alert everyone sees on every
// page until an administrator acknowledges it. The download that found it
// fails either way; an alert that cannot be stored is logged.
func (s *Service) raiseBlobAlert(org string, rev *aims.EvidenceRevision, problem string) {
	ctx := context.Background()
	scope := systemScope(org, "aims evidence download")
	title := "evidence"
	if e, err := store.FindEvidenceByID(ctx, s.db, scope, rev.EvidenceID); err == nil {
		title = "“" + e.Title + "”"
	}
	a := &aims.LogAlert{RecordID: rev.ID, Fingerprint: "evidence-file:" + rev.ID + ":" + problem, LeafIndex: nil,
		Detail: fmt.Sprintf("The stored file of revision %d of %s (sha256:%s) %s: it is not served. Restore it from a backup.",
			rev.Number, title, rev.Digest, problem)}
	if rev.LogIndex != nil {
		i := uint64(*rev.LogIndex)
		a.LeafIndex = &i
	}
	err := s.transact(ctx, func(tx *store.Tx) error {
		_, err := store.RaiseLogAlert(ctx, tx, scope, a)
		return err
	})
	if err != nil {
		s.log.Error("evidence file alert not stored", "org", org, "revision", rev.ID, "err", err)
	}
}

// FindEvidenceFileAlerts lists the alerts raised about the files of the
// given revisions of the caller's organization, newest first.
func (s *Service) FindEvidenceFileAlerts(ctx context.Context, revisionIDs []string) ([]*aims.LogAlert, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read evidence")
	if err != nil {
		return nil, err
	}
	return store.FindLogAlertsOfRecords(ctx, s.db, scope, revisionIDs)
}

// VerifyEvidenceFiles re-hashes every file the organization's revisions
// name and returns those that are missing or do not match (aims evidence
// verify).
func (s *Service) VerifyEvidenceFiles(ctx context.Context) (checked int, bad map[string]error, err error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "verify evidence files")
	if err != nil {
		return 0, nil, err
	}
	digests, err := store.AllEvidenceDigests(ctx, s.db, scope)
	if err != nil {
		return 0, nil, err
	}
	bad = map[string]error{}
	for _, d := range digests {
		if err := s.BlobStore().Verify(ctx, d); err != nil {
			if errors.Is(err, blob.ErrUnavailable) {
				return checked, bad, s.blobError(err)
			}
			bad[d] = err
		}
		checked++
	}
	return checked, bad, nil
}

// EvidenceRevisionProof returns the c2sp.org/tlog-proof of the audit event
// that sealed a revision: it verifies offline against the log's key.
func (s *Service) EvidenceRevisionProof(ctx context.Context, revisionID string) ([]byte, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read evidence")
	if err != nil {
		return nil, err
	}
	rev, err := store.FindEvidenceRevision(ctx, s.db, scope, revisionID)
	if err != nil {
		return nil, err
	}
	if rev.AuditEventID == "" {
		return nil, aims.Errorf(aims.KindNotFound, "no sealed event for this revision")
	}
	return s.AuditEventProof(ctx, rev.AuditEventID)
}

// evidenceTargetNoun names a kind of record evidence links to, with its
// article, for messages.
func evidenceTargetNoun(t aims.EvidenceTarget) string {
	switch t {
	case aims.TargetAISystem:
		return "an AI system"
	case aims.TargetModelVersion:
		return "a model version"
	case aims.TargetDataset:
		return "a dataset"
	case aims.TargetRisk:
		return "a risk"
	case aims.TargetRiskAction:
		return "a treatment action"
	case aims.TargetDocument:
		return "a document"
	}
	return "a record"
}
