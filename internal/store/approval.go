package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateApprovalRequest records a new approval request, pending, asked for
// by the scope's actor.
func CreateApprovalRequest(ctx context.Context, tx *Tx, scope aims.Scope, r *aims.ApprovalRequest) error {
	actor := scope.Actor()
	r.ID = newID()
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	r.RequestedBy, r.RequestedByLabel = actor.UserID, actor.Label
	if r.Decisions == nil {
		r.Decisions = []aims.ApprovalDecision{}
	}
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO approval_requests (id, org_id, subject_kind, subject_id, subject_digest, subject_label, approvers,
			approver_roles, quorum, due_on, requested_by, requested_by_label, separation_of_duties, status, reason,
			created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		r.ID, scope.OrgID(), r.SubjectKind, r.SubjectID, r.SubjectDigest, r.SubjectLabel, encodeList(r.Approvers),
		encodeList(r.ApproverRoles), r.Quorum, nullDate(r.DueOn), nullString(r.RequestedBy), r.RequestedByLabel,
		r.SeparationOfDuties, string(r.Status), r.Reason, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("record approval request for %s: %w", r.SubjectLabel, mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityApprovalRequest, r.ID, r)
}

const approvalColumns = `
	SELECT a.id, a.subject_kind, a.subject_id, a.subject_digest, a.subject_label, a.approvers, a.approver_roles,
		a.quorum, a.due_on, COALESCE(a.requested_by, ''), a.requested_by_label, a.separation_of_duties, a.status,
		a.reason, a.created_at, a.updated_at`

func scanApproval(sc scanner, extra ...any) (*aims.ApprovalRequest, error) {
	var r aims.ApprovalRequest
	var approvers, roles, status string
	var due sql.NullTime
	dest := []any{&r.ID, &r.SubjectKind, &r.SubjectID, &r.SubjectDigest, &r.SubjectLabel, &approvers, &roles,
		&r.Quorum, &due, &r.RequestedBy, &r.RequestedByLabel, &r.SeparationOfDuties, &status, &r.Reason,
		&r.CreatedAt, &r.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	r.Status = aims.ApprovalStatus(status)
	r.DueOn = scanDate(due)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.Decisions = []aims.ApprovalDecision{}
	if err := decodeList(approvers, &r.Approvers); err != nil {
		return nil, err
	}
	return &r, decodeList(roles, &r.ApproverRoles)
}

// FindApprovalRequestByID returns one approval request of the organization
// in scope with its decisions, oldest first.
func FindApprovalRequestByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.ApprovalRequest, error) {
	r, err := scanApproval(q.queryer().QueryRowContext(ctx, approvalColumns+`
		FROM approval_requests a WHERE a.org_id = $1 AND a.id = $2`, scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "approval request")
	}
	if err := loadDecisions(ctx, q, scope, map[string]*aims.ApprovalRequest{r.ID: r}); err != nil {
		return nil, err
	}
	return r, nil
}

// FindApprovalRequests lists approval requests, newest first. WaitingFor
// keeps the pending ones that name the person (by id or by WaitingRole),
// that they have not decided, and that separation of duties does not keep
// from them.
func FindApprovalRequests(ctx context.Context, q Querier, scope aims.Scope, f aims.ApprovalFilter) ([]*aims.ApprovalRequest, int, error) {
	where := `
		WHERE w.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR w.status = $2)
			AND (CAST($3 AS TEXT) IS NULL OR (w.status = 'pending'
				AND (w.approvers LIKE $4 ESCAPE '\' OR w.approver_roles LIKE $5 ESCAPE '\')
				AND NOT (w.separation_of_duties AND COALESCE(w.requested_by, '') = $3)
				AND NOT EXISTS (SELECT 1 FROM approval_decisions d WHERE d.org_id = w.org_id AND d.request_id = w.id
					AND d.decided_by = $3 AND d.subject_digest = w.subject_digest)))
			AND (CAST($6 AS TEXT) IS NULL OR w.subject_kind = $6)
			AND (CAST($7 AS TEXT) IS NULL OR w.subject_id = $7)`
	count := `(SELECT COUNT(*) FROM approval_requests w ` + where + `)`
	list, total, err := findPage(ctx, q, "approval requests", approvalColumns+`, `+count+`
		FROM approval_requests a
		WHERE a.id IN (SELECT w.id FROM approval_requests w `+where+`)
		ORDER BY a.created_at DESC, a.id DESC
		LIMIT $8 OFFSET $9`,
		[]any{scope.OrgID(), opt(f.Status), opt(f.WaitingFor), memberOf(f.WaitingFor), memberOf(f.WaitingRole),
			opt(f.SubjectKind), opt(f.SubjectID)}, f.Page,
		func(sc scanner, total *int) (*aims.ApprovalRequest, error) { return scanApproval(sc, total) })
	if err != nil {
		return nil, 0, err
	}
	byID := map[string]*aims.ApprovalRequest{}
	for _, r := range list {
		byID[r.ID] = r
	}
	return list, total, loadDecisions(ctx, q, scope, byID)
}

// loadDecisions fills in the decisions of the given requests, oldest first.
func loadDecisions(ctx context.Context, q Querier, scope aims.Scope, byID map[string]*aims.ApprovalRequest) error {
	if len(byID) == 0 {
		return nil
	}
	ids := make([]any, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	return inStrings(ctx, q, ids, func(marks string, args []any) (*sql.Rows, error) {
		return q.queryer().QueryContext(ctx, `
			SELECT d.request_id, d.id, d.verdict, d.comment, d.subject_digest, COALESCE(d.decided_by, ''),
				COALESCE(u.name, d.decided_by_label), d.decided_at
			FROM approval_decisions d LEFT JOIN users u ON u.id = d.decided_by
			WHERE d.org_id = $1 AND d.request_id IN (`+marks+`)
			ORDER BY d.decided_at, d.id`, append([]any{scope.OrgID()}, args...)...)
	}, func(rows *sql.Rows) error {
		var reqID, verdict string
		var d aims.ApprovalDecision
		if err := rows.Scan(&reqID, &d.ID, &verdict, &d.Comment, &d.SubjectDigest, &d.DecidedBy, &d.DecidedByLabel, &d.DecidedAt); err != nil {
			return err
		}
		d.Verdict = aims.Verdict(verdict)
		d.DecidedAt = d.DecidedAt.UTC()
		if r := byID[reqID]; r != nil {
			r.Decisions = append(r.Decisions, d)
		}
		return nil
	})
}

// inStrings runs query once per chunk of ids, with $2... as the ids.
func inStrings(ctx context.Context, q Querier, ids []any, query func(marks string, args []any) (*sql.Rows, error), scan func(*sql.Rows) error) error {
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		marks := ""
		for i := range part {
			if i > 0 {
				marks += ", "
			}
			marks += fmt.Sprintf("$%d", i+2)
		}
		rows, err := query(marks, part)
		if err != nil {
			return fmt.Errorf("read by ids: %w", mapError(err))
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return fmt.Errorf("read by ids: %w", err)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("read by ids: %w", mapError(err))
		}
	}
	return nil
}

// RecordApprovalDecision records decision d on the request before (read by
// the caller in this transaction) by the scope's actor, and the request's
// new status and reason; the request's sealed image carries its decisions.
func RecordApprovalDecision(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.ApprovalRequest, d *aims.ApprovalDecision,
	status aims.ApprovalStatus, reason string) (*aims.ApprovalRequest, error) {
	actor := scope.Actor()
	d.ID = newID()
	d.DecidedAt = tx.now
	d.DecidedBy, d.DecidedByLabel = actor.UserID, actor.Label
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO approval_decisions (id, org_id, request_id, verdict, comment, subject_digest, decided_by, decided_by_label, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		d.ID, scope.OrgID(), before.ID, string(d.Verdict), d.Comment, d.SubjectDigest, nullString(d.DecidedBy), d.DecidedByLabel, d.DecidedAt)
	if err != nil {
		return nil, fmt.Errorf("record decision on %s: %w", before.SubjectLabel, mapError(err))
	}
	after := *before
	after.Decisions = append(append([]aims.ApprovalDecision{}, before.Decisions...), *d)
	return &after, setApproval(ctx, tx, scope, before, &after, status, reason)
}

// SetApprovalStatus moves a request to status for reason (a void request:
// its subject's content changed).
func SetApprovalStatus(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.ApprovalRequest, status aims.ApprovalStatus, reason string) (*aims.ApprovalRequest, error) {
	after := *before
	return &after, setApproval(ctx, tx, scope, before, &after, status, reason)
}

func setApproval(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.ApprovalRequest, status aims.ApprovalStatus, reason string) error {
	after.Status, after.Reason, after.UpdatedAt = status, reason, tx.now
	after.WaitingForMe, after.Overdue = false, false
	res, err := tx.tx.ExecContext(ctx, `UPDATE approval_requests SET status = $1, reason = $2, updated_at = $3 WHERE org_id = $4 AND id = $5`,
		string(status), reason, after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("update approval request: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("approval request")
	}
	b := *before
	b.WaitingForMe, b.Overdue = false, false
	return tx.recordUpdate(ctx, scope, aims.EntityApprovalRequest, before.ID, &b, after)
}
