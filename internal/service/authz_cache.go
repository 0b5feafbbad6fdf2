package service

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
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
// without a database read. Database triggers count the changes that
// matter in three counts per organization (store.AuthzCounts); this
// process reads them every authzPollEvery and after each of its own
// writes, and drops only what moved: the systems whose stage, model
// versions, suspensions or re-openings changed (named by the triggers),
// the tokens when a token or membership changed, the gate reasons when
// the gates' facts changed. So a suspension reloads one system, not every
// system of the organization with its gates (issue 17).
type authzCache struct {
	mu       sync.Mutex
	orgs     map[string]*orgAuthz
	tokens   map[string]cachedToken       // by token hash
	tokenGen uint64                       // bumped when tokens are dropped: a check begun before is not kept
	versions map[string]store.AuthzCounts // as last read from the database
	polled   time.Time
	pollMu   sync.Mutex // one poll at a time
}

type orgAuthz struct {
	gen     uint64 // bumped on every drop: a read of every system begun before it is not kept
	systems map[string]*store.SystemAuthz
	// The first answer asked of an organization with nothing kept reads
	// the state of every system at once (four queries rather than four per
	// system while gateways first ask about each): statesBatch is that read
	// under way, statesBatched says it was made since the last full drop.
	statesBatch   chan struct{}
	statesBatched bool
	// loading holds the load of a system under way: gateways asking at
	// once about a system not in the cache wait for one load instead of
	// each starting their own. A load is kept only if it is still the one
	// here when it ends: dropping the system removes it.
	loading map[string]*authzLoad
	// gateGen is bumped when the gates' facts change: reasons computed
	// from reads begun before it are not kept.
	gateGen uint64
	reasons map[string]*gateReasons // by system id
	// The first system to need its reasons in a generation reads those of
	// every system at once (a dozen queries in all, rather than a dozen per
	// system when gateways first ask about each): batch is that read under
	// way, batched says it was made.
	batch   chan struct{}
	batched bool
}

// gateReasons say why a system's model versions have not passed their
// gates (issue 17): evaluating them reads a dozen kinds of record, so they
// are kept across changes that alter only a yes or no, like a suspension.
type gateReasons struct {
	versions  string            // the system's model versions and statuses they were computed for
	notPassed map[string]string // by model version id
	until     time.Time         // when a piece of evidence turns expiring or expired (zero: never)
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
	return &authzCache{orgs: map[string]*orgAuthz{}, tokens: map[string]cachedToken{}, versions: map[string]store.AuthzCounts{}}
}

func (c *authzCache) org(orgID string) *orgAuthz {
	o := c.orgs[orgID]
	if o == nil {
		o = &orgAuthz{systems: map[string]*store.SystemAuthz{}, loading: map[string]*authzLoad{}, reasons: map[string]*gateReasons{}}
		c.orgs[orgID] = o
	}
	return o
}

// authzDrop is what a change drops of an organization's cache.
type authzDrop struct {
	all     bool     // everything
	systems []string // these systems' states
	tokens  bool     // the token checks
	gates   bool     // the gate reasons, and every system's state that holds them
}

// invalidate drops everything kept of one organization.
func (c *authzCache) invalidate(orgID string) { c.drop(orgID, authzDrop{all: true}) }

// drop drops what d names of one organization.
func (c *authzCache) drop(orgID string, d authzDrop) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.org(orgID)
	o.gen++
	if d.all {
		clear(o.systems)
		o.statesBatch, o.statesBatched = nil, false
	}
	if d.all || d.gates {
		clear(o.loading) // a load begun before the change is not joined after it
		o.gateGen++
		clear(o.reasons)
		o.batch, o.batched = nil, false
		maps.DeleteFunc(o.systems, func(_ string, st *store.SystemAuthz) bool { return hasPending(st.Versions) })
	}
	for _, id := range d.systems {
		delete(o.systems, id)
		delete(o.loading, id)
	}
	if d.all || d.tokens {
		c.tokenGen++
		for h, t := range c.tokens {
			if t.p.OrgID == orgID {
				delete(c.tokens, h)
			}
		}
	}
}

// dropMoved drops what moved of one organization from old to now (ok:
// old was read before), naming the systems changed from the database.
func (s *Service) dropMoved(ctx context.Context, orgID string, old, now store.AuthzCounts, ok bool) {
	if ok && old == now {
		return
	}
	d := authzDrop{all: !ok, tokens: old.Tokens != now.Tokens, gates: old.Gates != now.Gates}
	if ok && old.Answers != now.Answers {
		ids, err := store.AuthzChangedSystems(ctx, s.db, orgID, old.Answers)
		if err != nil {
			s.log.WarnContext(ctx, "could not read the systems changed", "err", err)
			d.all = true
		}
		d.systems = ids
	}
	s.authz.drop(orgID, d)
}

// poll reads the organizations' versions and drops what moved. It runs at
// most once per authzPollEvery; callers that find a poll under way go on
// with what is kept.
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
	old := c.versions // no longer written once replaced: refreshAuthz writes the new one
	c.versions = maps.Clone(vs)
	c.polled = time.Now()
	c.mu.Unlock()
	for org, v := range vs {
		was, ok := old[org]
		s.dropMoved(ctx, org, was, v, ok)
	}
	return nil
}

// refreshAuthz reads one organization's versions after this process wrote
// for it and drops what moved, so that the answer right after a suspension
// made here is already no, without waiting for the poll; a write that
// changed nothing an answer depends on keeps the cache.
func (s *Service) refreshAuthz(ctx context.Context, orgID string) {
	ctx = context.WithoutCancel(ctx)
	v, err := store.OrgAuthzVersion(ctx, s.db, orgID)
	if err != nil {
		s.log.WarnContext(ctx, "could not read authorization version", "err", err)
		s.authz.invalidate(orgID)
		return
	}
	c := s.authz
	c.mu.Lock()
	old, ok := c.versions[orgID]
	c.versions[orgID] = v
	c.mu.Unlock()
	s.dropMoved(ctx, orgID, old, v, ok)
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
	kept := func() *store.SystemAuthz {
		st := o.systems[systemID]
		if st != nil && (st.Until.IsZero() || s.db.Now().Before(st.Until)) {
			return st
		}
		return nil
	}
	if st := kept(); st != nil {
		c.mu.Unlock()
		return st, nil
	}
	if !o.statesBatched {
		b, gen := o.statesBatch, o.gen
		if b == nil {
			b = make(chan struct{})
			o.statesBatch = b
			c.mu.Unlock()
			s.loadOrgAuthz(ctx, scope, o, gen)
			c.mu.Lock()
			if o.statesBatch == b {
				o.statesBatch, o.statesBatched = nil, true
			}
			c.mu.Unlock()
			close(b)
		} else {
			c.mu.Unlock()
			select {
			case <-b:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		c.mu.Lock()
		if st := kept(); st != nil {
			c.mu.Unlock()
			return st, nil
		}
	}
	if l := o.loading[systemID]; l != nil {
		c.mu.Unlock()
		select {
		case <-l.done:
			if l.err != nil && ctx.Err() == nil && (errors.Is(l.err, context.Canceled) || errors.Is(l.err, context.DeadlineExceeded)) {
				// The gateway that began the load went away; this one has not.
				return s.loadSystemAuthz(ctx, scope, systemID, o)
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
	l.st, l.err = s.loadSystemAuthz(ctx, scope, systemID, o)
	c.mu.Lock()
	if o.loading[systemID] == l { // not dropped by a change while it loaded
		if l.err == nil {
			o.systems[systemID] = l.st
		}
		delete(o.loading, systemID)
	}
	c.mu.Unlock()
	return l.st, l.err
}

// loadOrgAuthz reads the authorization state of every system of the
// organization, with their gate reasons, and keeps it unless something was
// dropped since gen. A failure leaves each system to its own load.
func (s *Service) loadOrgAuthz(ctx context.Context, scope aims.Scope, o *orgAuthz, gen uint64) {
	all, err := store.LoadAuthz(ctx, s.db, scope, "")
	for _, st := range all {
		if err != nil {
			break
		}
		err = s.addReasons(ctx, scope, st, o)
	}
	if err != nil {
		s.log.WarnContext(ctx, "could not read the authorization state of every system", "err", err)
		return
	}
	c := s.authz
	c.mu.Lock()
	defer c.mu.Unlock()
	if o.gen == gen {
		for id, st := range all {
			if _, ok := o.systems[id]; !ok {
				o.systems[id] = st
			}
		}
	}
}

// loadSystemAuthz reads the authorization state of one system with the
// reasons its model versions have not passed their gates, kept in o's
// reasons while they hold.
func (s *Service) loadSystemAuthz(ctx context.Context, scope aims.Scope, systemID string, o *orgAuthz) (*store.SystemAuthz, error) {
	st, err := store.LoadSystemAuthz(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	return st, s.addReasons(ctx, scope, st, o)
}

// addReasons fills in why st's model versions have not passed their
// gates, when some have gates ahead of them.
func (s *Service) addReasons(ctx context.Context, scope aims.Scope, st *store.SystemAuthz, o *orgAuthz) error {
	if !hasPending(st.Versions) {
		return nil
	}
	r, err := s.reasonsOf(ctx, scope, st.SystemID, authzVersionsKey(st.Versions), o)
	if err != nil {
		return err
	}
	for i := range st.Versions {
		st.Versions[i].NotPassed = r.notPassed[st.Versions[i].ID]
	}
	st.Until = r.until
	return nil
}

// hasPending says whether some of vs have gates ahead of them.
func hasPending(vs []store.AuthzVersion) bool {
	return slices.ContainsFunc(vs, func(v store.AuthzVersion) bool { return gatePending(v.Status) })
}

// reasonsOf returns the gate reasons of a system whose model versions and
// statuses are key: those kept while they hold, else those of the whole
// organization read at once (the first time in a generation), else the
// system's own.
func (s *Service) reasonsOf(ctx context.Context, scope aims.Scope, systemID, key string, o *orgAuthz) (*gateReasons, error) {
	c := s.authz
	now := s.db.Now()
	kept := func() (*gateReasons, uint64) {
		c.mu.Lock()
		defer c.mu.Unlock()
		r := o.reasons[systemID]
		if r != nil && r.versions == key && (r.until.IsZero() || now.Before(r.until)) {
			return r, o.gateGen
		}
		return nil, o.gateGen
	}
	keep := func(all map[string]*gateReasons, gen uint64) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if o.gateGen == gen {
			maps.Copy(o.reasons, all)
		}
	}
	if r, _ := kept(); r != nil {
		return r, nil
	}
	c.mu.Lock()
	batch, gen := o.batch, o.gateGen
	if batch == nil && !o.batched {
		batch = make(chan struct{})
		o.batch = batch
		c.mu.Unlock()
		all, err := s.gateReasons(ctx, scope, "", now)
		if err == nil {
			keep(all, gen)
		}
		c.mu.Lock()
		if o.gateGen == gen {
			o.batch, o.batched = nil, err == nil
		}
		c.mu.Unlock()
		close(batch)
	} else {
		c.mu.Unlock()
		if batch != nil {
			select {
			case <-batch:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	r, gen := kept()
	if r != nil {
		return r, nil
	}
	all, err := s.gateReasons(ctx, scope, systemID, now)
	if err != nil {
		return nil, err
	}
	keep(all, gen)
	if r = all[systemID]; r == nil {
		r = &gateReasons{}
	}
	return r, nil
}

// gatePending says whether a model version in status has gates ahead of
// it before it may act.
func gatePending(status aims.ModelVersionStatus) bool {
	return status != aims.ModelApproved && status != aims.ModelDeployed && status != aims.ModelRetired
}

// authzVersionsKey names a system's model versions and their statuses,
// the part of the gates' facts an answer's change (not the gates' own
// version) can move.
func authzVersionsKey(vs []store.AuthzVersion) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.ID + ":" + string(v.Status)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// cachedPrincipal returns the principal of a token hash checked recently,
// or nil and the generation of the token checks to give keepPrincipal.
func (s *Service) cachedPrincipal(ctx context.Context, hash string, now time.Time) (*authz.Principal, uint64) {
	if s.pollAuthz(ctx, false) != nil {
		return nil, 0
	}
	c := s.authz
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tokens[hash]
	if !ok || !now.Before(t.until) {
		return nil, c.tokenGen
	}
	p := t.p
	return &p, c.tokenGen
}

// keepPrincipal remembers a token's principal until until (or a change),
// unless tokens were dropped since gen: a check that read the token before
// its revocation committed is not kept after it.
func (s *Service) keepPrincipal(hash string, p *authz.Principal, until time.Time, gen uint64) {
	c := s.authz
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokenGen != gen {
		return
	}
	if len(c.tokens) > 10000 {
		clear(c.tokens)
	}
	c.tokens[hash] = cachedToken{p: *p, until: until}
}

// gateReasons says, for each model version not yet approved of one
// system (or of every system, systemID empty), which lifecycle gate it has
// not passed and why, so that the refusal names it (issue 17); by system.
func (s *Service) gateReasons(ctx context.Context, scope aims.Scope, systemID string, now time.Time) (map[string]*gateReasons, error) {
	w, err := loadGates(ctx, s.db, scope, systemID, now, s.expiringWindow(ctx, scope))
	if err != nil {
		return nil, err
	}
	out := make(map[string]*gateReasons, len(w.systems))
	for id, gs := range w.systems {
		r := &gateReasons{notPassed: map[string]string{}, until: gs.changes}
		vs := make([]store.AuthzVersion, len(gs.versions))
		for i, mv := range gs.versions {
			vs[i] = store.AuthzVersion{ID: mv.ID, Status: mv.Status}
			if !gatePending(mv.Status) {
				continue
			}
			if res := w.nextGate(gs, mv); res != nil {
				if res.Passed {
					r.notPassed[mv.ID] = "has passed its checks up to its " + res.Gate.Title() + " but awaits its approval"
				} else {
					r.notPassed[mv.ID] = "has not passed its " + res.Gate.Title() + ": " + res.Reasons()
				}
			}
		}
		r.versions = authzVersionsKey(vs)
		out[id] = r
	}
	return out, nil
}
