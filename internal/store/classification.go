package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateClassification stores a new version of a system's EU AI Act
// classification: the version after the newest. Versions are never
// changed. Two classifications of one system at once: the later one loses
// with a conflict.
func CreateClassification(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.Classification) error {
	err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM classifications WHERE org_id = $1 AND system_id = $2`,
		scope.OrgID(), c.SystemID).Scan(&c.Version)
	if err != nil {
		return fmt.Errorf("next classification version: %w", mapError(err))
	}
	c.ID = newID()
	c.ClassifiedAt = tx.now
	actor := scope.Actor()
	c.ClassifiedByID, c.ClassifiedBy = actor.UserID, actor.Label
	answers, err := json.Marshal(c.Answers)
	if err != nil {
		return fmt.Errorf("encode classification answers: %w", err)
	}
	result, err := json.Marshal(c.ClassificationResult)
	if err != nil {
		return fmt.Errorf("encode classification result: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `
		INSERT INTO classifications (id, org_id, system_id, version, tier, answers, result, classified_at, classified_by_id, classified_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		c.ID, scope.OrgID(), c.SystemID, c.Version, string(c.Tier), string(answers), string(result), c.ClassifiedAt,
		c.ClassifiedByID, c.ClassifiedBy)
	switch classify(err) {
	case classUnique:
		return aims.Errorf(aims.KindConflict, "the system was classified by someone else at the same moment: reload and answer again")
	case classForeignKey:
		return aims.ErrNotFound("AI system")
	}
	if err != nil {
		return fmt.Errorf("store classification of %s: %w", c.SystemName, mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityClassification, c.ID, c)
}

const classificationSelect = `
	SELECT c.id, c.system_id, s.name, c.version, c.tier, c.answers, c.result, c.classified_at, c.classified_by_id, c.classified_by
	FROM classifications c JOIN ai_systems s ON s.id = c.system_id`

func scanClassification(sc scanner) (*aims.Classification, error) {
	var c aims.Classification
	var tier, answers, result string
	if err := sc.Scan(&c.ID, &c.SystemID, &c.SystemName, &c.Version, &tier, &answers, &result, &c.ClassifiedAt,
		&c.ClassifiedByID, &c.ClassifiedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(answers), &c.Answers); err != nil {
		return nil, fmt.Errorf("decode answers of classification %s: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(result), &c.ClassificationResult); err != nil {
		return nil, fmt.Errorf("decode result of classification %s: %w", c.ID, err)
	}
	c.Tier = aims.Tier(tier)
	c.ClassifiedAt = c.ClassifiedAt.UTC()
	return &c, nil
}

// FindClassification returns one version of a system's classification;
// version 0 means the current (newest) one.
func FindClassification(ctx context.Context, q Querier, scope aims.Scope, systemID string, version int) (*aims.Classification, error) {
	c, err := scanClassification(q.queryer().QueryRowContext(ctx, classificationSelect+`
		WHERE c.org_id = $1 AND c.system_id = $2
			AND (c.version = $3 OR ($3 = 0 AND c.version = (SELECT MAX(version) FROM classifications WHERE org_id = $1 AND system_id = $2)))`,
		scope.OrgID(), systemID, version))
	if err != nil {
		if version == 0 {
			return nil, notFound(err, "EU AI Act classification of this AI system (it is not classified yet)")
		}
		return nil, notFound(err, fmt.Sprintf("version %d of the EU AI Act classification", version))
	}
	return c, nil
}

// FindClassificationVersions lists every version of a system's
// classification, newest first.
func FindClassificationVersions(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]*aims.Classification, error) {
	rows, err := q.queryer().QueryContext(ctx, classificationSelect+`
		WHERE c.org_id = $1 AND c.system_id = $2 ORDER BY c.version DESC`, scope.OrgID(), systemID)
	if err != nil {
		return nil, fmt.Errorf("find classification versions: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.Classification{}
	for rows.Next() {
		c, err := scanClassification(rows)
		if err != nil {
			return nil, fmt.Errorf("find classification versions: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindCurrentClassifications returns the current classification of every
// classified system of the organization (or of one system, systemID not
// empty), by system id.
func FindCurrentClassifications(ctx context.Context, q Querier, scope aims.Scope, systemID string) (map[string]*aims.Classification, error) {
	rows, err := q.queryer().QueryContext(ctx, classificationSelect+`
		WHERE c.org_id = $1 AND ($2 = '' OR c.system_id = $2)
			AND c.version = (SELECT MAX(version) FROM classifications m WHERE m.org_id = c.org_id AND m.system_id = c.system_id)`,
		scope.OrgID(), systemID)
	if err != nil {
		return nil, fmt.Errorf("find current classifications: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string]*aims.Classification{}
	for rows.Next() {
		c, err := scanClassification(rows)
		if err != nil {
			return nil, fmt.Errorf("find current classifications: %w", err)
		}
		out[c.SystemID] = c
	}
	return out, rows.Err()
}
