package aims

import "time"

// EntityMLflowSync is the audit trail's entity type of an MLflow sync run.
const EntityMLflowSync = "mlflow_sync"

// MLflowSync is one run of the MLflow registry sync: when, from where, what
// it did and what it could not do (issue 17 item 6; A.6.2.2 to A.6.2.5).
type MLflowSync struct {
	ID         string    `json:"id"`
	URL        string    `json:"url"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Created model versions were registered as candidates; Unchanged were
	// in aims already with the same digest and source; Collisions have a
	// version of the same name in aims with other content, reported and
	// left alone; Skipped could not be registered (no digest, unmapped).
	Created    int      `json:"created"`
	Unchanged  int      `json:"unchanged"`
	Collisions int      `json:"collisions"`
	Skipped    int      `json:"skipped"`
	Problems   []string `json:"problems"`
	// Error is why the run changed nothing: the server failed or timed out.
	Error string `json:"error,omitempty"`
}

// AuditLabel names the run in the audit trail.
func (s *MLflowSync) AuditLabel() string { return "MLflow sync from " + s.URL }
