package demo

import (
	"context"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/aimsproject/aims/internal/store"
)

// storyClock hands out the times of the demo's records: each transaction
// some hours after the one before (step, give or take half of it), from a
// start in the past, so that the records spread over past months in the
// order they are loaded, as a team would have made them.
type storyClock struct {
	mu   sync.Mutex
	at   time.Time
	step time.Duration
	rng  *mrand.Rand
}

func (c *storyClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.at
	c.at = c.at.Add(c.step/2 + time.Duration(c.rng.Int64N(int64(c.step))))
	return t
}

// from returns ctx whose transactions are recorded from start on, a step
// apart.
func from(ctx context.Context, start time.Time, step time.Duration) context.Context {
	c := &storyClock{at: start, step: step, rng: mrand.New(mrand.NewPCG(uint64(start.Unix()), 14))}
	return store.WithClock(ctx, c.now)
}

// atTime returns ctx whose transactions are all recorded at t.
func atTime(ctx context.Context, t time.Time) context.Context {
	return store.WithClock(ctx, func() time.Time { return t })
}
