package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// ApproveModelVersion records the act a that moves the model version before
// (read by the caller in the same transaction) to a.Status, stamps who did
// it and when, and seals the change in the audit trail with the act in the
// record's new state. The caller checked the state and the permission.
func ApproveModelVersion(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.ModelVersion, a *aims.ModelVersionApproval) (*aims.ModelVersion, error) {
	actor := scope.Actor()
	a.ID = newID()
	a.ApprovedAt = tx.now
	a.ApprovedBy = actor.UserID
	a.ApprovedByName = actor.Label
	if a.Checks == nil {
		a.Checks = []aims.GateCheckResult{}
	}
	checks, err := json.Marshal(a.Checks)
	if err != nil {
		return nil, err
	}
	approvers := []byte("[]")
	if len(a.Approvers) > 0 {
		if approvers, err = json.Marshal(a.Approvers); err != nil {
			return nil, err
		}
	}
	_, err = tx.tx.ExecContext(ctx, `
		INSERT INTO model_version_approvals (id, org_id, model_version_id, status, evidence, acceptance_criteria, result,
			approved_by, approved_by_label, approved_at, gate, checks, override_reason, gate_request_id, approvers)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		a.ID, scope.OrgID(), before.ID, string(a.Status), a.Evidence, a.AcceptanceCriteria, a.Result,
		nullString(a.ApprovedBy), a.ApprovedByName, a.ApprovedAt, a.Gate, string(checks), a.OverrideReason,
		a.GateRequestID, string(approvers))
	if err != nil {
		return nil, fmt.Errorf("record approval of model version %q: %w", before.Version, mapError(err))
	}
	after := *before
	after.Status = a.Status
	after.UpdatedAt, after.StatusChangedAt = tx.now, tx.now
	stampStatus(&after, tx)
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE model_versions SET status = $1, updated_at = $2, status_changed_at = $3, deployed_at = $4
		WHERE org_id = $5 AND id = $6`,
		string(after.Status), after.UpdatedAt, after.StatusChangedAt, optTime(after.DeployedAt), scope.OrgID(), before.ID)
	if err != nil {
		return nil, fmt.Errorf("approve model version %q: %w", before.Version, mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, aims.ErrNotFound("model version")
	}
	after.Approvals = append(append([]aims.ModelVersionApproval{}, before.Approvals...), *a)
	return &after, tx.recordUpdate(ctx, scope, aims.EntityModelVersion, before.ID, before, &after)
}

// loadModelVersionApprovals fills in the approval acts of the given model
// versions of one system, oldest first, in one query.
func loadModelVersionApprovals(ctx context.Context, q Querier, scope aims.Scope, systemID string, byID map[string]*aims.ModelVersion) error {
	if len(byID) == 0 {
		return nil
	}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT a.model_version_id, a.id, a.status, a.evidence, a.acceptance_criteria, a.result,
			COALESCE(a.approved_by, ''), COALESCE(u.name, a.approved_by_label), a.approved_at,
			a.gate, a.checks, a.override_reason, a.gate_request_id, a.approvers
		FROM model_version_approvals a
		JOIN model_versions mv ON mv.org_id = a.org_id AND mv.id = a.model_version_id
		LEFT JOIN users u ON u.id = a.approved_by
		WHERE a.org_id = $1 AND mv.system_id = $2
		ORDER BY a.approved_at, a.id`, scope.OrgID(), systemID)
	if err != nil {
		return fmt.Errorf("approvals of model versions: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var mvID, status, checks, approvers string
		var a aims.ModelVersionApproval
		if err := rows.Scan(&mvID, &a.ID, &status, &a.Evidence, &a.AcceptanceCriteria, &a.Result,
			&a.ApprovedBy, &a.ApprovedByName, &a.ApprovedAt, &a.Gate, &checks, &a.OverrideReason,
			&a.GateRequestID, &approvers); err != nil {
			return fmt.Errorf("approvals of model versions: %w", err)
		}
		a.Status = aims.ModelVersionStatus(status)
		if err := json.Unmarshal([]byte(checks), &a.Checks); err != nil || a.Checks == nil {
			a.Checks = []aims.GateCheckResult{}
		}
		if approvers != "[]" && approvers != "" {
			if err := json.Unmarshal([]byte(approvers), &a.Approvers); err != nil {
				return fmt.Errorf("approvers of model version approval %s: %w", a.ID, err)
			}
		}
		a.ApprovedAt = a.ApprovedAt.UTC()
		if m := byID[mvID]; m != nil {
			m.Approvals = append(m.Approvals, a)
		}
	}
	return rows.Err()
}
