package store

import (
	"context"
	"fmt"
	"slices"
)

// The table training_current (migration 00230) holds, per person and
// competence, the training records that no other record dominates: the
// only ones the gap and literacy rules (rules/competence_gap.go) can be
// decided by. A record is dominated by another of the same person and
// competence that was completed by the time of the write, completed no
// earlier and expires no earlier (no expiry being the latest); of equal
// records the one with the lower id stays. The rules judge by the latest
// day a record counts and by the newest completion, and days only move
// forward, so dropping a dominated record never changes their answer.
// The gap list of a role reads a row or two per holder and competence
// instead of every record they hold (issue 16: under 50 ms).

// currentSelect picks, of the records of organization $1 that where
// selects (with t the record), those that no other record dominates on $2,
// the write's time.
const currentSelect = `
	SELECT t.org_id, t.person_id, t.competence_key, t.id, t.competence, t.completed_on, t.expires_on
	FROM training_records t
	WHERE t.org_id = $1 %s AND NOT EXISTS (
		SELECT 1 FROM training_records s
		WHERE s.org_id = t.org_id AND s.person_id = t.person_id AND s.competence_key = t.competence_key
			AND s.completed_on <= $2 AND s.completed_on >= t.completed_on
			AND (s.expires_on IS NULL OR (t.expires_on IS NOT NULL AND s.expires_on >= t.expires_on))
			AND (s.completed_on > t.completed_on OR (t.expires_on IS NOT NULL AND (s.expires_on IS NULL OR s.expires_on > t.expires_on)) OR s.id < t.id))`

// currentBatch is how many people one statement of refreshCurrent names.
const currentBatch = 500

// refreshCurrent recomputes the current training of the given people of
// the organization in scope from their records, in tx; every write of
// training records calls it for the people it touched. No people means
// every person of the organization (a bulk load).
func refreshCurrent(ctx context.Context, tx *Tx, orgID string, personIDs []string) error {
	if personIDs == nil {
		return refreshCurrentOf(ctx, tx, orgID, nil)
	}
	ids := slices.Clone(personIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for len(ids) > 0 {
		n := min(len(ids), currentBatch)
		if err := refreshCurrentOf(ctx, tx, orgID, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// refreshCurrentOf replaces the current training of the given people (all
// the organization's when nil) in two statements.
func refreshCurrentOf(ctx context.Context, tx *Tx, orgID string, ids []string) error {
	del, ins := `DELETE FROM training_current WHERE org_id = $1`, ""
	delArgs, insArgs := []any{orgID}, []any{orgID, tx.now}
	if ids != nil {
		del += ` AND person_id IN (` + marks(2, len(ids)) + `)`
		ins = ` AND t.person_id IN (` + marks(3, len(ids)) + `)`
		for _, id := range ids {
			delArgs, insArgs = append(delArgs, id), append(insArgs, id)
		}
	}
	if _, err := tx.tx.ExecContext(ctx, del, delArgs...); err != nil {
		return fmt.Errorf("refresh current training: %w", mapError(err))
	}
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO training_current (org_id, person_id, competence_key, record_id, competence, completed_on, expires_on)`+
		fmt.Sprintf(currentSelect, ins), insArgs...); err != nil {
		return fmt.Errorf("refresh current training: %w", mapError(err))
	}
	return nil
}
