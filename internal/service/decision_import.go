package service

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/store"
)

// ReceivedEvent is a decision event with the time it was received: a
// history carried over from the system that received it (the demo's
// history is one).
type ReceivedEvent struct {
	Raw        []byte
	ReceivedAt time.Time
}

// ImportDecisions stores decision events received earlier, each with the
// time it was received (its clock skew is measured against that time),
// through the same checks, salting and sealing in the log as
// RecordDecision. It stores all of them or, when one is refused, none.
func (s *Service) ImportDecisions(ctx context.Context, systemID string, events []ReceivedEvent, via string) error {
	r, err := s.decisionRecorder(ctx, systemID)
	if err != nil {
		return err
	}
	items := make([]*store.NewDecision, 0, len(events))
	for i, e := range events {
		r.received = e.ReceivedAt.UTC().Truncate(time.Microsecond)
		nd, err := r.prepare(e.Raw)
		if err != nil {
			return fmt.Errorf("event %d: %w", i+1, err)
		}
		items = append(items, nd)
	}
	return s.commitDecisions(ctx, r.scope, items, via)
}
