// Package service holds the operations of aims that the API, the web pages
// and the CLI share. Each operation authorizes the caller (getting the scope
// of the caller's organization), validates the input, and runs the store
// calls in one transaction.
package service

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// Service is the set of operations over one database.
type Service struct {
	db      *store.DB
	log     *slog.Logger
	hashSem chan struct{}

	touchMu   sync.Mutex
	lastTouch map[string]time.Time
	toTouch   map[string]bool // tokens used whose stamp is not yet written
	touching  bool            // a request is writing them

	tlog *logState // the tamper-evident log's key, tile cache and counters

	authz     *authzCache    // authorization answers and token checks, per organization
	decisions *decisionState // the group committer of decision events, and its settings

	secretKey []byte           // seals client and TOTP secrets (SetSecretKey)
	idp       *authn.Providers // organizations' OpenID providers, discovered and cached
	blob      blobState        // where evidence files go (evidence.go)
}

// New returns the service over db.
func New(db *store.DB, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{
		db:        db,
		log:       log,
		hashSem:   make(chan struct{}, 2), // argon2id takes 19 MiB an attempt: at most two at once
		lastTouch: map[string]time.Time{},
		toTouch:   map[string]bool{},
		tlog:      newLogState(),
		authz:     newAuthzCache(),
		decisions: newDecisionState(),
		secretKey: newSecretKey(),
		idp:       &authn.Providers{},
	}
}

// DB returns the database, for the health check and the CLI.
func (s *Service) DB() *store.DB { return s.db }

// transact runs fn in one transaction. Once it commits, this process
// reads the caller's organization's authorization versions again and drops
// what the write changed of its cache: a system's stage, a model version, a
// suspension, a token, a gate's facts (other replicas learn of it from the
// database within authzPollEvery).
func (s *Service) transact(ctx context.Context, fn func(tx *store.Tx) error) error {
	err := s.db.Transact(ctx, fn)
	if p := authz.PrincipalFrom(ctx); err == nil && p != nil {
		s.refreshAuthz(ctx, p.OrgID)
	}
	return err
}
