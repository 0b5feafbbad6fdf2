package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// authzPollEvery is how often a process reads the organizations'
// authorization versions: a change made through another replica (or the
// database) reaches this one's answers within it.
const authzPollEvery = 200 * time.Millisecond

// authzCache keeps, per organization, what authorization answers and
// token checks need, so that an edge gateway can ask before every action
// without a database read. An entry is dropped when the organization's
// authorization version moves (database triggers bump it on every change
// that matters: a system's stage, a model version, a suspension, a token,
// a membership) or when this process writes for the organization.
type authzCache struct {
	mu       sync.Mutex
	orgs     map[string]*orgAuthz
	tokens   map[string]cachedToken // by token hash
	versions map[string]int64       // as last read from the database
	polled   time.Time
	pollMu   sync.Mutex // one poll at a time
}

type orgAuthz struct {
	gen     uint64 // bumped on every invalidation: a load begun before it is not kept
	systems map[string]*store.SystemAuthz
	// loading holds the load of a system under way in this generation:
	// gateways asking at once about a system not in the cache wait for one
	// load (its gates' facts are a dozen queries) instead of each starting
	// their own (issue 17: p99 under 2 ms at 2,000 requests/s).
	loading map[string]*authzLoad
}

// authzLoad is one load of a system's authorization state; done closes
// when st and err are set.
type authzLoad struct {
	done chan struct{}
	st   *store.SystemAuthz
	err  error
}

type cachedToken struct {
	p     authz.Principal
	until time.Time
}

// tokenCacheFor bounds how long a token check is kept even without a
// change (a token's expiry is checked on every use besides).
const tokenCacheFor = time.Minute

func newAuthzCache() *authzCache {
	return &authzCache{orgs: map[string]*orgAuthz{}, tokens: map[string]cachedToken{}, versions: map[string]int64{}}
}

func (c *authzCache) org(orgID string) *orgAuthz {
	o := c.orgs[orgID]
	if o == nil {
		o = &orgAuthz{systems: map[string]*store.SystemAuthz{}, loading: map[string]*authzLoad{}}
		c.orgs[orgID] = o
	}
	return o
}

// invalidate drops what is kept of one organization.
func (c *authzCache) invalidate(orgID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.org(orgID)
	o.gen++
	clear(o.systems)
	clear(o.loading) // a load begun before the change is not joined after it
	for h, t := range c.tokens {
		if t.p.OrgID == orgID {
			delete(c.tokens, h)
		}
	}
}

// poll reads the organizations' versions and drops those that moved. It
// runs at most once per authzPollEvery; callers that find a poll under
// way go on with what is kept.
func (s *Service) pollAuthz(ctx context.Context, force bool) error {
	c := s.authz
	if !force {
		c.mu.Lock()
		fresh := time.Since(c.polled) < authzPollEvery
		c.mu.Unlock()
		if fresh || !c.pollMu.TryLock() {
			return nil
		}
	} else {
		c.pollMu.Lock()
	}
	defer c.pollMu.Unlock()
	vs, err := store.AuthzVersions(ctx, s.db)
	if err != nil {
		return err
	}
	c.mu.Lock()
	var moved []string
	for org, v := range vs {
		if old, ok := c.versions[org]; !ok || old != v {
			moved = append(moved, org)
		}
	}
	c.versions = vs
	c.polled = time.Now()
	c.mu.Unlock()
	for _, org := range moved {
		c.invalidate(org)
	}
	return nil
}

// RunAuthzWatcher polls the authorization versions until ctx ends, so
// that a suspension made through another replica flips this one's answers
// within authzPollEvery. aims serve runs it; without it, requests poll.
func (s *Service) RunAuthzWatcher(ctx context.Context) {
	t := time.NewTicker(authzPollEvery / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.pollAuthz(ctx, true); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "could not read authorization versions", "err", err)
			}
		}
	}
}

// systemAuthz returns the authorization state of one system, from the
// cache or the database. Another organization's system is not found.
func (s *Service) systemAuthz(ctx context.Context, scope aims.Scope, systemID string) (*store.SystemAuthz, error) {
	if err := s.pollAuthz(ctx, false); err != nil {
		return nil, err
	}
	c := s.authz
	c.mu.Lock()
	o := c.org(scope.OrgID())
	st, gen := o.systems[systemID], o.gen
	if st != nil {
		c.mu.Unlock()
		return st, nil
	}
	if l := o.loading[systemID]; l != nil {
		c.mu.Unlock()
		select {
		case <-l.done:
			if l.err != nil && ctx.Err() == nil && (errors.Is(l.err, context.Canceled) || errors.Is(l.err, context.DeadlineExceeded)) {
				// The gateway that began the load went away; this one has not.
				return s.loadSystemAuthz(ctx, scope, systemID)
			}
			return l.st, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l := &authzLoad{done: make(chan struct{})}
	o.loading[systemID] = l
	c.mu.Unlock()
	defer close(l.done)
	l.st, l.err = s.loadSystemAuthz(ctx, scope, systemID)
	c.mu.Lock()
	if o.gen == gen {
		if l.err == nil {
			o.systems[systemID] = l.st
		}
		delete(o.loading, systemID)
	}
	c.mu.Unlock()
	return l.st, l.err
}

// loadSystemAuthz reads the authorization state of one system with the
// reasons its model versions have not passed their gates.
func (s *Service) loadSystemAuthz(ctx context.Context, scope aims.Scope, systemID string) (*store.SystemAuthz, error) {
	st, err := store.LoadSystemAuthz(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	if err := s.gateReasons(ctx, scope, st); err != nil {
		return nil, err
	}
	return st, nil
}

// cachedPrincipal returns the principal of a token hash checked recently.
func (s *Service) cachedPrincipal(ctx context.Context, hash string, now time.Time) *authz.Principal {
	if s.pollAuthz(ctx, false) != nil {
		return nil
	}
	c := s.authz
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tokens[hash]
	if !ok || !now.Before(t.until) {
		return nil
	}
	p := t.p
	return &p
}

// keepPrincipal remembers a token's principal until until (or a change).
func (s *Service) keepPrincipal(hash string, p *authz.Principal, until time.Time) {
	c := s.authz
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tokens) > 10000 {
		clear(c.tokens)
	}
	c.tokens[hash] = cachedToken{p: *p, until: until}
}

// gateReasons says, for each model version of st not yet approved, which
// lifecycle gate it has not passed and why, so that the refusal names it
// (issue 17): computed once when the cache loads.
func (s *Service) gateReasons(ctx context.Context, scope aims.Scope, st *store.SystemAuthz) error {
	pending := false
	for _, v := range st.Versions {
		pending = pending || (v.Status != aims.ModelApproved && v.Status != aims.ModelDeployed && v.Status != aims.ModelRetired)
	}
	if !pending {
		return nil
	}
	w, err := loadGates(ctx, s.db, scope, st.SystemID, s.db.Now(), s.expiringWindow(ctx, scope))
	if err != nil {
		return err
	}
	gs := w.systems[st.SystemID]
	if gs == nil {
		return nil
	}
	for i := range st.Versions {
		v := &st.Versions[i]
		f := gs.facts[v.ID]
		if f == nil {
			continue
		}
		mv := &aims.ModelVersion{ID: v.ID, Version: v.Version, Status: v.Status}
		if r := w.nextGate(gs, mv); r != nil {
			if r.Passed {
				v.NotPassed = "has passed its checks up to its " + r.Gate.Title() + " but awaits its approval"
			} else {
				v.NotPassed = "has not passed its " + r.Gate.Title() + ": " + r.Reasons()
			}
		}
	}
	return nil
}
