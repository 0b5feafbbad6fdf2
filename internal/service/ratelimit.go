package service

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/aimsproject/aims/internal/store"
)

// Sign-in throttling (OWASP ASVS 5.0 V6.3). Every attempt is counted before
// its password is checked, in one transaction that claims the counters'
// rows: parallel guesses are counted one by one, on every replica, because
// the counters live in the database that the replicas share (a counter per
// replica would let N replicas allow N times the guesses, and a load
// balancer spreads a parallel attack over all of them).
//
// Past a few free failures each further one doubles a delay during which
// the key's attempts are refused; nothing locks an account. Three keys:
//
//   - the account from one client address: 5 free failures, then 1 s, 2 s,
//     4 s ... up to 15 minutes. This is what slows a guesser down.
//   - the account from every address: 50 free failures, then doubling up to
//     one minute. It bounds guessing spread over many addresses, but it does
//     not hold an address that has signed in to this account before, nor an
//     address making its first attempt at it: someone who merely knows the
//     email cannot keep its owner out, whose usual address is held only by
//     its own failures and who can always try once from a new one.
//   - one client address for every account: 30 free failures, then
//     doubling up to 15 minutes; it caps the argon2id work one client causes.
//
// A success clears the account's counter for that address and remembers
// the address (for 90 days); it takes back its own charge from the others.
// Counters idle for a day are forgotten.
type throttleRule struct {
	free     int
	base     time.Duration
	max      time.Duration
	resetAge time.Duration // failures older than this are forgotten
}

var (
	throttlePair    = throttleRule{free: 5, base: time.Second, max: 15 * time.Minute, resetAge: time.Hour}
	throttleAccount = throttleRule{free: 50, base: time.Second, max: time.Minute, resetAge: time.Hour}
	throttleClient  = throttleRule{free: 30, base: time.Second, max: 15 * time.Minute, resetAge: time.Hour}
)

// knownClientFor is how long a successful sign-in exempts its address from
// the account-wide delay.
const knownClientFor = 90 * 24 * time.Hour

// delay is how long a key waits after its n-th failure.
func (r throttleRule) delay(n int) time.Duration {
	if n < r.free {
		return 0
	}
	d := r.base
	for i := r.free; i < n && d < r.max; i++ {
		d *= 2
	}
	return min(d, r.max)
}

// loginClaim is the counters of one attempt, charged as a failure until the
// password proves right.
type loginClaim struct {
	pair, account, client string
}

func newLoginClaim(email, client string) loginClaim {
	return loginClaim{pair: "pair:" + client + "|" + email, account: "account:" + email, client: "client:" + client}
}

// claimAttempt checks and counts one attempt in one transaction. It returns
// how long to wait when the attempt is refused (and then counts nothing).
func (s *Service) claimAttempt(ctx context.Context, c loginClaim) (time.Duration, error) {
	var wait time.Duration
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		wait = 0
		now := tx.Now()
		pair, err := store.ClaimLoginCounter(ctx, tx, c.pair)
		if err != nil {
			return err
		}
		account, err := store.ClaimLoginCounter(ctx, tx, c.account)
		if err != nil {
			return err
		}
		client, err := store.ClaimLoginCounter(ctx, tx, c.client)
		if err != nil {
			return err
		}
		known := pair.LastSuccess != nil && now.Sub(*pair.LastSuccess) < knownClientFor
		fresh := pair.Failures == 0 || now.Sub(pair.UpdatedAt) >= throttlePair.resetAge
		holds := []*store.LoginCounter{pair, client}
		if !known && !fresh {
			holds = append(holds, account)
		}
		for _, h := range holds {
			wait = max(wait, h.NotBefore.Sub(now))
		}
		if wait > 0 {
			return nil
		}
		for _, x := range []struct {
			c *store.LoginCounter
			r throttleRule
		}{{pair, throttlePair}, {account, throttleAccount}, {client, throttleClient}} {
			if now.Sub(x.c.UpdatedAt) >= x.r.resetAge {
				x.c.Failures = 0
			}
			x.c.Failures++
			x.c.NotBefore = now.Add(x.r.delay(x.c.Failures))
			if err := store.SaveLoginCounter(ctx, tx, x.c); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && wait == 0 && rand.IntN(100) == 0 {
		now := s.db.Now()
		if _, err := store.DeleteStaleLoginCounters(ctx, s.db, now.Add(-24*time.Hour), now.Add(-knownClientFor)); err != nil {
			s.log.WarnContext(ctx, "could not forget old sign-in counters", "err", err)
		}
	}
	return wait, err
}

// attemptSucceeded takes back the attempt's charge: the account's counter
// for this address is cleared and remembers the success; the account-wide
// and address-wide counters lose the one failure charged.
func (s *Service) attemptSucceeded(ctx context.Context, c loginClaim) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		for _, key := range []string{c.pair, c.account, c.client} {
			ctr, err := store.ClaimLoginCounter(ctx, tx, key)
			if err != nil {
				return err
			}
			if key == c.pair {
				ctr.Failures, ctr.NotBefore, ctr.LastSuccess = 0, now, &now
			} else if ctr.Failures > 0 {
				ctr.Failures--
			}
			if err := store.SaveLoginCounter(ctx, tx, ctr); err != nil {
				return err
			}
		}
		return nil
	})
}
