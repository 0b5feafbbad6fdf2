package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateMLflowSync records a run of the MLflow sync, sealed like every
// governance record.
func CreateMLflowSync(ctx context.Context, tx *Tx, scope aims.Scope, s *aims.MLflowSync) error {
	s.ID = newID()
	s.StartedAt = s.StartedAt.UTC().Truncate(time.Microsecond)
	s.FinishedAt = tx.now
	if s.Problems == nil {
		s.Problems = []string{}
	}
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO mlflow_syncs (id, org_id, url, started_at, finished_at, created, unchanged, collisions, skipped, problems, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		s.ID, scope.OrgID(), s.URL, s.StartedAt, s.FinishedAt, s.Created, s.Unchanged, s.Collisions, s.Skipped,
		encodeList(s.Problems), s.Error)
	if err != nil {
		return fmt.Errorf("record the MLflow sync: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityMLflowSync, s.ID, s)
}

// LastMLflowSync returns the organization's latest MLflow sync run.
func LastMLflowSync(ctx context.Context, q Querier, scope aims.Scope) (*aims.MLflowSync, error) {
	var s aims.MLflowSync
	var problems string
	err := q.queryer().QueryRowContext(ctx, `
		SELECT id, url, started_at, finished_at, created, unchanged, collisions, skipped, problems, error
		FROM mlflow_syncs WHERE org_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1`, scope.OrgID()).
		Scan(&s.ID, &s.URL, &s.StartedAt, &s.FinishedAt, &s.Created, &s.Unchanged, &s.Collisions, &s.Skipped, &problems, &s.Error)
	if err != nil {
		return nil, notFound(err, "MLflow sync")
	}
	s.StartedAt, s.FinishedAt = s.StartedAt.UTC(), s.FinishedAt.UTC()
	return &s, decodeList(problems, &s.Problems)
}
