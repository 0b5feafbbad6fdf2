package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// An AI system's stage moves by a recorded act (issue 17; ISO/IEC 42001
// A.6.2.5, 8.1): the act is a row of system_stage_transitions, sealed like
// every governance record, and the system's row carries the stage and,
// while the system is at its stage without a passed gate, the override.

func overrideReason(o *aims.GateOverride) string {
	if o == nil {
		return ""
	}
	return o.Reason
}

func overrideBy(o *aims.GateOverride) string {
	if o == nil {
		return ""
	}
	return o.By
}

func overrideAt(o *aims.GateOverride) any {
	if o == nil || o.At.IsZero() {
		return nil
	}
	return o.At
}

// MoveSystemStage records the act t that moves the system before to
// t.To, and sets the system's gate override to override (nil clears it).
// t's id, time and actor are set here.
func MoveSystemStage(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.AISystem, t *aims.StageTransition, override *aims.GateOverride) error {
	after := *before
	after.LifecycleStage = t.To
	after.GateOverride = override
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE ai_systems SET lifecycle_stage = $1, gate_override_reason = $2,
			gate_override_by = $3, gate_override_at = $4, updated_at = $5
		WHERE org_id = $6 AND id = $7`,
		string(t.To), overrideReason(override), overrideBy(override), overrideAt(override), after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("move AI system %q: %w", before.Name, mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("AI system")
	}
	if err := tx.recordUpdate(ctx, scope, aims.EntityAISystem, before.ID, before, &after); err != nil {
		return err
	}
	return CreateStageTransition(ctx, tx, scope, t)
}

// CreateStageTransition records a stage act on its own: the registration of
// a system at its stage (the system's row was written already).
func CreateStageTransition(ctx context.Context, tx *Tx, scope aims.Scope, t *aims.StageTransition) error {
	t.ID = newID()
	t.At = tx.now
	if t.Checks == nil {
		t.Checks = []aims.GateCheckResult{}
	}
	checks, err := json.Marshal(t.Checks)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO system_stage_transitions (id, org_id, system_id, from_stage, to_stage,
			comment, gate, checks, override_reason, by_id, by_label, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		t.ID, scope.OrgID(), t.SystemID, string(t.From), string(t.To), t.Comment, t.Gate, string(checks),
		t.OverrideReason, t.ByID, t.ByLabel, t.At)
	if err != nil {
		return fmt.Errorf("record a stage transition: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityStageTransition, t.ID, t)
}

const stageTransitionColumns = `id, system_id, from_stage, to_stage, comment, gate, checks, override_reason, by_id, by_label, at`

func scanStageTransition(sc scanner) (*aims.StageTransition, error) {
	var t aims.StageTransition
	var from, to, checks string
	var at time.Time
	if err := sc.Scan(&t.ID, &t.SystemID, &from, &to, &t.Comment, &t.Gate, &checks, &t.OverrideReason, &t.ByID, &t.ByLabel, &at); err != nil {
		return nil, err
	}
	t.From, t.To, t.At = aims.LifecycleStage(from), aims.LifecycleStage(to), at.UTC()
	if err := json.Unmarshal([]byte(checks), &t.Checks); err != nil {
		return nil, fmt.Errorf("stage transition %s: checks: %w", t.ID, err)
	}
	if t.Checks == nil {
		t.Checks = []aims.GateCheckResult{}
	}
	return &t, nil
}

// FindStageTransitions lists the stage acts of a system, newest first.
func FindStageTransitions(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]*aims.StageTransition, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT `+stageTransitionColumns+` FROM system_stage_transitions
		WHERE org_id = $1 AND system_id = $2 ORDER BY at DESC, id DESC`, scope.OrgID(), systemID)
	if err != nil {
		return nil, fmt.Errorf("find stage transitions: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.StageTransition{}
	for rows.Next() {
		t, err := scanStageTransition(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// deleteStageTransitions removes, with a sealed delete each, the stage
// acts of a system being deleted.
func deleteStageTransitions(ctx context.Context, tx *Tx, scope aims.Scope, systemID string) error {
	list, err := FindStageTransitions(ctx, tx, scope, systemID)
	if err != nil {
		return err
	}
	for _, t := range list {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM system_stage_transitions WHERE org_id = $1 AND id = $2`, scope.OrgID(), t.ID); err != nil {
			return fmt.Errorf("delete stage transition: %w", mapError(err))
		}
		if err := tx.recordDelete(ctx, scope, aims.EntityStageTransition, t.ID, t); err != nil {
			return err
		}
	}
	return nil
}
