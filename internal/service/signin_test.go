package service_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func signinService(t *testing.T, db *store.DB) (*service.Service, *time.Time) {
	t.Helper()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	svc := service.New(db, slog.New(slog.DiscardHandler))
	if _, _, err := svc.BootstrapUser(context.Background(), service.Bootstrap{OrgSlug: "acme", Email: "pat@acme.test", Name: "Pat",
		Role: aims.RoleAdmin, Password: "correct horse battery", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}}); err != nil {
		t.Fatal(err)
	}
	return svc, &now
}

// guess signs in n times in parallel with a wrong password and counts the
// attempts whose password was checked and those refused for the delay.
func guess(t *testing.T, svc *service.Service, n int, client string) (checked, refused int) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.Login(context.Background(), "pat@acme.test", "wrong password!", client)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case aims.IsKind(err, aims.KindUnauthenticated):
				checked++
			case aims.IsKind(err, aims.KindRateLimited):
				refused++
			default:
				t.Errorf("a wrong password answered %v", err)
			}
		}()
	}
	wg.Wait()
	return checked, refused
}

// Finding 7: 25 wrong passwords in parallel were all checked (the limit was
// read and counted in separate steps), and anyone who knew an email could
// lock its owner out for 15 minutes.
func TestSignInThrottleCountsParallelGuesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc, now := signinService(t, db)
		checked, refused := guess(t, svc, 25, "203.0.113.9")
		if checked != 5 || refused != 20 {
			t.Errorf("25 parallel guesses: %d checked, %d refused; want 5 checked, 20 refused", checked, refused)
		}
		// The delay doubles with each further failure: 1 s after the 5th.
		*now = now.Add(time.Second)
		if c, r := guess(t, svc, 3, "203.0.113.9"); c != 1 || r != 2 {
			t.Errorf("after 1 s: %d checked, %d refused; want 1 and 2", c, r)
		}
		if _, err := svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "203.0.113.9"); !aims.IsKind(err, aims.KindRateLimited) {
			t.Errorf("the right password during the delay: %v, want rate_limited", err)
		}
		// Once the delay (now 2 s) has passed, the right password works.
		*now = now.Add(2 * time.Second)
		if _, err := svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "203.0.113.9"); err != nil {
			t.Errorf("the right password after the delay: %v", err)
		}
		// ... and the success clears the counter for that address.
		if c, _ := guess(t, svc, 5, "203.0.113.9"); c != 5 {
			t.Errorf("after a success, %d of 5 failures checked, want 5", c)
		}
	})
}

// An attacker who knows the email, guessing from many addresses, does not
// keep the owner out: the owner's usual address is held only by its own
// failures.
func TestSignInThrottleDoesNotLockOwnerOut(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc, _ := signinService(t, db)
		if _, err := svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "198.51.100.1"); err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			guess(t, svc, 6, "203.0.113."+itoa(i))
		}
		// 20 addresses, 6 guesses each: the account-wide counter is past its
		// free failures and every attacking address is delayed.
		if _, err := svc.Login(context.Background(), "pat@acme.test", "wrong password!", "203.0.113.1"); !aims.IsKind(err, aims.KindRateLimited) {
			t.Errorf("an attacking address: %v, want rate_limited", err)
		}
		if _, err := svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "198.51.100.1"); err != nil {
			t.Errorf("the owner from the address they signed in from before: %v", err)
		}
		if _, err := svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "192.0.2.77"); err != nil {
			t.Errorf("the owner from a new address, first attempt: %v", err)
		}
	})
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
