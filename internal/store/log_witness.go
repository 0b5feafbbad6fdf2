package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateLogWitness adds a witness to the organization in scope.
func CreateLogWitness(ctx context.Context, tx *Tx, scope aims.Scope, w *aims.LogWitness) error {
	w.ID = newID()
	w.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO log_witnesses (id, org_id, name, url, verifier_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, w.ID, scope.OrgID(), w.Name, w.URL, w.VerifierKey, w.CreatedAt)
	if classify(err) == classUnique {
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("a witness named %q is already configured", w.Name),
			Fields: []aims.FieldError{{Field: "verifier_key", Detail: "names a witness already configured (its key's name is unique in the organization)"}}}
	}
	if err != nil {
		return fmt.Errorf("create log witness: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityLogWitness, w.ID, w)
}

// DeleteLogWitness removes a witness; the cosignatures it gave stay.
func DeleteLogWitness(ctx context.Context, tx *Tx, scope aims.Scope, id string) error {
	before, err := FindLogWitnessByID(ctx, tx, scope, id)
	if err != nil {
		return err
	}
	before.Status = nil
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM log_witness_status WHERE org_id = $1 AND witness_id = $2`, scope.OrgID(), id); err != nil {
		return fmt.Errorf("delete log witness status: %w", mapError(err))
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM log_witnesses WHERE org_id = $1 AND id = $2`, scope.OrgID(), id); err != nil {
		return fmt.Errorf("delete log witness: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, aims.EntityLogWitness, id, before)
}

const logWitnessSelect = `SELECT w.id, w.name, w.url, w.verifier_key, w.created_at,
		s.error, s.refused, s.cosigned, s.updated_at,
		(SELECT MAX(c.size) FROM log_cosignatures c JOIN log_heads h ON h.log_id = c.log_id
			WHERE h.org_id = w.org_id AND c.verifier_key = w.verifier_key)
	FROM log_witnesses w LEFT JOIN log_witness_status s ON s.witness_id = w.id`

func scanLogWitness(sc scanner) (*aims.LogWitness, error) {
	var w aims.LogWitness
	var errText sql.NullString
	var refused sql.NullBool
	var updated sql.NullTime
	var size, refusedAt sql.NullInt64
	if err := sc.Scan(&w.ID, &w.Name, &w.URL, &w.VerifierKey, &w.CreatedAt, &errText, &refused, &refusedAt, &updated, &size); err != nil {
		return nil, err
	}
	w.CreatedAt = w.CreatedAt.UTC()
	if updated.Valid || size.Valid {
		w.Status = &aims.LogWitnessStatus{CosignedSize: uint64(size.Int64), Error: errText.String, Refused: refused.Bool,
			RefusedFrom: uint64(refusedAt.Int64), UpdatedAt: updated.Time.UTC()}
	}
	return &w, nil
}

// FindLogWitnesses lists the witnesses of the organization in scope by
// name, with what each last answered.
func FindLogWitnesses(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.LogWitness, error) {
	return findLogWitnesses(ctx, q, logWitnessSelect+` WHERE w.org_id = $1 ORDER BY w.name`, scope.OrgID())
}

// FindAllLogWitnesses lists every organization's witnesses, by
// organization: the submitter's work list.
func FindAllLogWitnesses(ctx context.Context, q Querier) (map[string][]*aims.LogWitness, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT org_id, id FROM log_witnesses ORDER BY org_id, name`)
	if err != nil {
		return nil, fmt.Errorf("list log witnesses: %w", err)
	}
	defer rows.Close()
	orgs := map[string]bool{}
	for rows.Next() {
		var org, id string
		if err := rows.Scan(&org, &id); err != nil {
			return nil, err
		}
		orgs[org] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[string][]*aims.LogWitness{}
	for org := range orgs {
		ws, err := findLogWitnesses(ctx, q, logWitnessSelect+` WHERE w.org_id = $1 ORDER BY w.name`, org)
		if err != nil {
			return nil, err
		}
		out[org] = ws
	}
	return out, nil
}

func findLogWitnesses(ctx context.Context, q Querier, query string, args ...any) ([]*aims.LogWitness, error) {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list log witnesses: %w", err)
	}
	defer rows.Close()
	var out []*aims.LogWitness
	for rows.Next() {
		w, err := scanLogWitness(rows)
		if err != nil {
			return nil, fmt.Errorf("list log witnesses: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// FindLogWitnessByID returns one witness of the organization in scope.
func FindLogWitnessByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.LogWitness, error) {
	w, err := scanLogWitness(q.queryer().QueryRowContext(ctx, logWitnessSelect+` WHERE w.org_id = $1 AND w.id = $2`, scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "log witness")
	}
	return w, nil
}

// SetLogWitnessStatus records what a witness answered (not a governance
// record: it is not audited). errText is empty after a cosignature;
// refused marks a checkpoint refused as inconsistent with the one of size
// witnessSize the witness cosigned, and stays set until a later
// cosignature clears it.
func SetLogWitnessStatus(ctx context.Context, tx *Tx, orgID, witnessID, errText string, refused bool, witnessSize uint64) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO log_witness_status (witness_id, org_id, error, refused, cosigned, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (witness_id) DO UPDATE SET error = excluded.error, refused = excluded.refused,
			cosigned = excluded.cosigned, updated_at = excluded.updated_at`,
		witnessID, orgID, errText, refused, int64(witnessSize), tx.now)
	if err != nil {
		return fmt.Errorf("record log witness status: %w", mapError(err))
	}
	return nil
}

// SaveLogCosignature stores a witness's cosignature line of the checkpoint
// of the given size (once per witness key and size).
func SaveLogCosignature(ctx context.Context, tx *Tx, head *LogHead, size uint64, verifierKey string, line []byte) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO log_cosignatures (log_id, size, verifier_key, line, cosigned_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (log_id, size, verifier_key) DO NOTHING`,
		head.LogID, int64(size), verifierKey, string(line), tx.now)
	if err != nil {
		return fmt.Errorf("store cosignature: %w", mapError(err))
	}
	return nil
}

// Cosignature is a witness's cosignature line of a checkpoint.
type Cosignature struct {
	VerifierKey string
	Line        []byte
}

// FindLogCosignatures returns the cosignatures of the checkpoints of sizes
// from..to, by size.
func FindLogCosignatures(ctx context.Context, q Querier, head *LogHead, from, to uint64) (map[uint64][]Cosignature, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT size, verifier_key, line FROM log_cosignatures
		WHERE log_id = $1 AND size >= $2 AND size <= $3 ORDER BY size, verifier_key`, head.LogID, int64(from), int64(to))
	if err != nil {
		return nil, fmt.Errorf("read cosignatures: %w", err)
	}
	defer rows.Close()
	out := map[uint64][]Cosignature{}
	for rows.Next() {
		var size int64
		var c Cosignature
		var line string
		if err := rows.Scan(&size, &c.VerifierKey, &line); err != nil {
			return nil, err
		}
		c.Line = []byte(line)
		out[uint64(size)] = append(out[uint64(size)], c)
	}
	return out, rows.Err()
}

// LatestCosignedSize returns the size of the latest checkpoint of the log
// that the witness with the verifier key cosigned, 0 for none.
func LatestCosignedSize(ctx context.Context, q Querier, head *LogHead, verifierKey string) (uint64, error) {
	var size sql.NullInt64
	err := q.queryer().QueryRowContext(ctx, `SELECT MAX(size) FROM log_cosignatures WHERE log_id = $1 AND verifier_key = $2`,
		head.LogID, verifierKey).Scan(&size)
	if err != nil {
		return 0, fmt.Errorf("read cosigned size: %w", err)
	}
	return uint64(size.Int64), nil
}

// FindLogSettings returns an organization's log settings (the defaults
// when none were saved).
func FindLogSettings(ctx context.Context, q Querier, orgID string) (*aims.LogSettings, error) {
	var s aims.LogSettings
	err := q.queryer().QueryRowContext(ctx, `SELECT public_checkpoints FROM log_settings WHERE org_id = $1`, orgID).Scan(&s.PublicCheckpoints)
	if errors.Is(err, sql.ErrNoRows) {
		return &s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read log settings: %w", err)
	}
	return &s, nil
}

// SaveLogSettings changes the log settings of the organization in scope.
func SaveLogSettings(ctx context.Context, tx *Tx, scope aims.Scope, s *aims.LogSettings) error {
	before, err := FindLogSettings(ctx, tx, scope.OrgID())
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO log_settings (org_id, public_checkpoints, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET public_checkpoints = excluded.public_checkpoints, updated_at = excluded.updated_at`,
		scope.OrgID(), s.PublicCheckpoints, tx.now)
	if err != nil {
		return fmt.Errorf("save log settings: %w", mapError(err))
	}
	return tx.recordUpdate(ctx, scope, aims.EntityLogSettings, scope.OrgID(), before, s)
}
