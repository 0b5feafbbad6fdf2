package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

const suspensionColumns = `s.id, s.system_id, s.model_version_id, COALESCE(m.version, ''), s.reason, s.suspended_at, s.suspended_by,
	s.suspended_by_label, s.resumed_at, s.resumed_by, s.resumed_by_label, s.resume_note`

func scanSuspension(sc scanner, extra ...any) (*aims.Suspension, error) {
	var s aims.Suspension
	var mv sql.NullString
	var resumed sql.NullTime
	if err := sc.Scan(append([]any{&s.ID, &s.SystemID, &mv, &s.ModelVersion, &s.Reason, &s.SuspendedAt, &s.SuspendedBy,
		&s.SuspendedByLabel, &resumed, &s.ResumedBy, &s.ResumedByLabel, &s.ResumeNote}, extra...)...); err != nil {
		return nil, err
	}
	s.ModelVersionID = mv.String
	s.SuspendedAt = s.SuspendedAt.UTC()
	s.ResumedAt = scanTime(resumed)
	return &s, nil
}

// CreateSuspension stops a system (or one model version of it) until it is
// resumed. A target suspended already is a conflict.
func CreateSuspension(ctx context.Context, tx *Tx, scope aims.Scope, s *aims.Suspension) error {
	s.ID = newID()
	s.SuspendedAt = tx.now
	target := s.SystemID
	if s.ModelVersionID != "" {
		target = s.ModelVersionID
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO suspensions (id, org_id, system_id, model_version_id, target, reason,
			suspended_at, suspended_by, suspended_by_label)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.ID, scope.OrgID(), s.SystemID, nullString(s.ModelVersionID), target, s.Reason, s.SuspendedAt, s.SuspendedBy, s.SuspendedByLabel)
	if isUniqueViolation(err) {
		if s.ModelVersionID != "" {
			return aims.Errorf(aims.KindConflict, "model version %s is suspended already: resume it first", s.ModelVersion)
		}
		return aims.Errorf(aims.KindConflict, "the system is suspended already: resume it first")
	}
	if err != nil {
		return fmt.Errorf("suspend: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntitySuspension, s.ID, s)
}

// ResumeSuspension lifts an open suspension, recording who and why.
func ResumeSuspension(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Suspension, by, byLabel, note string) (*aims.Suspension, error) {
	after := *before
	now := tx.now
	after.ResumedAt, after.ResumedBy, after.ResumedByLabel, after.ResumeNote = &now, by, byLabel, note
	res, err := tx.tx.ExecContext(ctx, `UPDATE suspensions SET resumed_at = $1, resumed_by = $2, resumed_by_label = $3, resume_note = $4
		WHERE org_id = $5 AND id = $6 AND resumed_at IS NULL`, now, by, byLabel, note, scope.OrgID(), before.ID)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, aims.Errorf(aims.KindConflict, "this suspension was lifted already")
	}
	return &after, tx.recordUpdate(ctx, scope, aims.EntitySuspension, before.ID, before, &after)
}

// FindOpenSuspension returns the suspension holding a system (versionID
// empty) or one of its model versions, or not found.
func FindOpenSuspension(ctx context.Context, q Querier, scope aims.Scope, systemID, versionID string) (*aims.Suspension, error) {
	target := systemID
	if versionID != "" {
		target = versionID
	}
	s, err := scanSuspension(q.queryer().QueryRowContext(ctx, `SELECT `+suspensionColumns+`
		FROM suspensions s LEFT JOIN model_versions m ON m.org_id = s.org_id AND m.id = s.model_version_id
		WHERE s.org_id = $1 AND s.system_id = $2 AND s.target = $3 AND s.resumed_at IS NULL`, scope.OrgID(), systemID, target))
	if err != nil {
		return nil, notFound(err, "open suspension")
	}
	return s, nil
}

// FindSuspensions lists a system's suspensions, newest first: open ones,
// and lifted ones with who lifted them (the history of A.9.2 stops).
func FindSuspensions(ctx context.Context, q Querier, scope aims.Scope, systemID string, openOnly bool, page aims.Page) ([]*aims.Suspension, int, error) {
	return findPage(ctx, q, "suspensions", `
		SELECT `+suspensionColumns+`, COUNT(*) OVER ()
		FROM suspensions s LEFT JOIN model_versions m ON m.org_id = s.org_id AND m.id = s.model_version_id
		WHERE s.org_id = $1 AND s.system_id = $2 AND (NOT $3 OR s.resumed_at IS NULL)
		ORDER BY s.suspended_at DESC, s.id DESC
		LIMIT $4 OFFSET $5`, []any{scope.OrgID(), systemID, openOnly}, page,
		func(sc scanner, total *int) (*aims.Suspension, error) { return scanSuspension(sc, total) })
}

// AuthzVersion is the model version state the authorization answer needs.
type AuthzVersion struct {
	ID      string
	Version string
	Digest  string
	Status  aims.ModelVersionStatus
	// Reopened is the latest open re-opening of its validation gate
	// (change control): while set, the version may not act.
	Reopened *aims.GateReopening
	// NotPassed, when set, says which lifecycle gate the version has not
	// passed and which checks fail, for the refusal's reason; the service
	// computes it when it loads the state, never per request.
	NotPassed string
}

// SystemAuthz is everything the authorization answer of one AI system
// depends on: its stage and owner, its model versions, and the open
// suspensions of it and its versions.
type SystemAuthz struct {
	SystemID    string
	OwnerID     string
	Stage       aims.LifecycleStage
	Versions    []AuthzVersion
	Suspensions []*aims.Suspension
	// Until, when set, is when a NotPassed may change with no write (a
	// piece of evidence turns expiring or expired): a cache loads the state
	// again from then on.
	Until time.Time
}

// LoadSystemAuthz reads the authorization state of one system of the
// organization in scope, or not found.
func LoadSystemAuthz(ctx context.Context, q Querier, scope aims.Scope, systemID string) (*SystemAuthz, error) {
	all, err := LoadAuthz(ctx, q, scope, systemID)
	if err != nil {
		return nil, err
	}
	st := all[systemID]
	if st == nil {
		return nil, aims.ErrNotFound("AI system")
	}
	return st, nil
}

// LoadAuthz reads the authorization state of one system (systemID) or of
// every system of the organization (empty) in four queries, by system id.
func LoadAuthz(ctx context.Context, q Querier, scope aims.Scope, systemID string) (map[string]*SystemAuthz, error) {
	out := map[string]*SystemAuthz{}
	fail := func(err error) (map[string]*SystemAuthz, error) {
		return nil, fmt.Errorf("authorization state: %w", mapError(err))
	}
	rows, err := q.queryer().QueryContext(ctx, `SELECT id, owner_id, lifecycle_stage FROM ai_systems WHERE org_id = $1 AND ($2 = '' OR id = $2)`,
		scope.OrgID(), systemID)
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		st := &SystemAuthz{}
		if err := rows.Scan(&st.SystemID, &st.OwnerID, &st.Stage); err != nil {
			rows.Close()
			return fail(err)
		}
		out[st.SystemID] = st
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fail(err)
	}
	rows, err = q.queryer().QueryContext(ctx, `SELECT system_id, id, version, digest, status FROM model_versions
		WHERE org_id = $1 AND ($2 = '' OR system_id = $2)`, scope.OrgID(), systemID)
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		var sys string
		var v AuthzVersion
		if err := rows.Scan(&sys, &v.ID, &v.Version, &v.Digest, &v.Status); err != nil {
			rows.Close()
			return fail(err)
		}
		if st := out[sys]; st != nil {
			st.Versions = append(st.Versions, v)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fail(err)
	}
	rows, err = q.queryer().QueryContext(ctx, `SELECT `+suspensionColumns+`
		FROM suspensions s LEFT JOIN model_versions m ON m.org_id = s.org_id AND m.id = s.model_version_id
		WHERE s.org_id = $1 AND ($2 = '' OR s.system_id = $2) AND s.resumed_at IS NULL
		ORDER BY s.suspended_at DESC, s.id DESC`, scope.OrgID(), systemID)
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		sp, err := scanSuspension(rows)
		if err != nil {
			rows.Close()
			return fail(err)
		}
		if st := out[sp.SystemID]; st != nil {
			st.Suspensions = append(st.Suspensions, sp)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil { // a read cut short must not leave a suspension out
		return fail(err)
	}
	open, err := queryReopenings(ctx, q, `SELECT `+reopeningColumns+reopeningFrom+`
		WHERE r.org_id = $1 AND ($2 = '' OR r.system_id = $2) AND r.cleared_at IS NULL
		ORDER BY r.reopened_at DESC, r.id DESC`, scope.OrgID(), systemID)
	if err != nil {
		return nil, err
	}
	for _, r := range open { // newest first: the first of each version is kept
		st := out[r.SystemID]
		if st == nil {
			continue
		}
		for i := range st.Versions {
			if v := &st.Versions[i]; v.ID == r.ModelVersionID && v.Reopened == nil {
				v.Reopened = r
			}
		}
	}
	return out, nil
}

// AuthzCounts are an organization's authorization versions: counts of
// the changes that can alter an answer about a system (its stage, model
// versions, suspensions, re-openings; Answers), a token's powers (tokens,
// memberships; Tokens), or only why a model version has not passed its
// gate (the gates' facts; Gates).
type AuthzCounts struct{ Answers, Tokens, Gates int64 }

// AuthzVersions returns every organization's authorization counts, for the
// caches of every replica. It reads across tenants: it names no records.
func AuthzVersions(ctx context.Context, q Querier) (map[string]AuthzCounts, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT org_id, version, token_version, gate_version FROM authz_versions`)
	if err != nil {
		return nil, fmt.Errorf("authorization versions: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string]AuthzCounts{}
	for rows.Next() {
		var org string
		var v AuthzCounts
		if err := rows.Scan(&org, &v.Answers, &v.Tokens, &v.Gates); err != nil {
			return nil, err
		}
		out[org] = v
	}
	return out, rows.Err()
}

// OrgAuthzVersion returns one organization's authorization counts (zero
// before its first change).
func OrgAuthzVersion(ctx context.Context, q Querier, orgID string) (AuthzCounts, error) {
	var v AuthzCounts
	err := q.queryer().QueryRowContext(ctx, `SELECT version, token_version, gate_version FROM authz_versions WHERE org_id = $1`,
		orgID).Scan(&v.Answers, &v.Tokens, &v.Gates)
	if errors.Is(err, sql.ErrNoRows) {
		return AuthzCounts{}, nil
	}
	if err != nil {
		return v, fmt.Errorf("authorization version: %w", mapError(err))
	}
	return v, nil
}

// AuthzChangedSystems returns the systems of the organization whose
// authorization state changed after its Answers count was since.
func AuthzChangedSystems(ctx context.Context, q Querier, orgID string, since int64) ([]string, error) {
	var out []string
	if err := collect(ctx, q, &out, `SELECT system_id FROM authz_system_versions WHERE org_id = $1 AND version > $2`, orgID, since); err != nil {
		return nil, fmt.Errorf("changed systems: %w", err)
	}
	return out, nil
}
