package service

import (
	"sync"
	"time"
)

// Login limits. Guessing is slowed per account and per client address; the
// per-address limit also caps how much argon2id work one client can cause.
const (
	loginWindow          = 15 * time.Minute
	maxFailuresPerEmail  = 10
	maxAttemptsPerClient = 30
)

// loginLimiter counts sign-in attempts in fixed windows. It lives in memory:
// each replica limits on its own, which still bounds guessing to a small
// multiple of the limit.
type loginLimiter struct {
	mu      sync.Mutex
	windows map[string]*window
	now     func() time.Time
}

type window struct {
	start time.Time
	count int
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{windows: map[string]*window{}, now: time.Now}
}

// blocked reports whether key has reached max in its window, and when it may
// try again.
func (l *loginLimiter) blocked(key string, max int) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[key]
	now := l.now()
	if w == nil || now.Sub(w.start) >= loginWindow {
		return false, 0
	}
	if w.count >= max {
		return true, loginWindow - now.Sub(w.start)
	}
	return false, 0
}

// add counts one attempt (or failure) against key.
func (l *loginLimiter) add(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= loginWindow {
		w = &window{start: now}
		l.windows[key] = w
	}
	w.count++
	if len(l.windows) > 100_000 {
		l.sweep(now)
	}
}

// reset forgets key's failures after a successful sign-in.
func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.windows, key)
}

func (l *loginLimiter) sweep(now time.Time) {
	for k, w := range l.windows {
		if now.Sub(w.start) >= loginWindow {
			delete(l.windows, k)
		}
	}
}
