package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// frameworkAudit is what the audit trail keeps of an imported framework: a
// catalog such as NIST SP 800-53 runs to megabytes, and its content is the
// file the organization imported.
type frameworkAudit struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Version      string `json:"version"`
	Requirements int    `json:"requirements"`
}

func (f *frameworkAudit) AuditLabel() string { return f.ID }

func auditOfFramework(fw *aims.Framework) *frameworkAudit {
	return &frameworkAudit{ID: fw.ID, Title: fw.Title, Version: fw.Version, Requirements: len(fw.Requirements)}
}

// CreateOrgFramework stores a framework the organization imported.
func CreateOrgFramework(ctx context.Context, tx *Tx, scope aims.Scope, fw *aims.Framework) error {
	doc, err := json.Marshal(fw)
	if err != nil {
		return fmt.Errorf("encode framework %s: %w", fw.ID, err)
	}
	_, err = tx.tx.ExecContext(ctx, `
		INSERT INTO org_frameworks (org_id, id, title, document, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		scope.OrgID(), fw.ID, fw.Title, string(doc), tx.now, tx.now)
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("a framework with id %q is already imported: delete it first, or import under another id", fw.ID),
			Fields: []aims.FieldError{{Field: "id", Detail: "is already used"}}}
	}
	if err != nil {
		return fmt.Errorf("store framework %s: %w", fw.ID, mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityFramework, fw.ID, auditOfFramework(fw))
}

// FindOrgFrameworks returns the frameworks the organization imported, by id.
func FindOrgFrameworks(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.Framework, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT document FROM org_frameworks WHERE org_id = $1 ORDER BY id`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find frameworks: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.Framework
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("find frameworks: %w", err)
		}
		var fw aims.Framework
		if err := json.Unmarshal([]byte(doc), &fw); err != nil {
			return nil, fmt.Errorf("decode stored framework: %w", err)
		}
		fw.Imported = true
		out = append(out, &fw)
	}
	return out, rows.Err()
}

// DeleteOrgFramework removes an imported framework. The caller checks that
// no SoA row or mapping uses it.
func DeleteOrgFramework(ctx context.Context, tx *Tx, scope aims.Scope, fw *aims.Framework) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM org_frameworks WHERE org_id = $1 AND id = $2`, scope.OrgID(), fw.ID)
	if err != nil {
		return fmt.Errorf("delete framework %s: %w", fw.ID, mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("framework")
	}
	return tx.recordDelete(ctx, scope, aims.EntityFramework, fw.ID, auditOfFramework(fw))
}

// CountFrameworkUses counts the SoA rows and mappings that name framework.
func CountFrameworkUses(ctx context.Context, q Querier, scope aims.Scope, framework string) (int, error) {
	var n int
	err := q.queryer().QueryRowContext(ctx, `
		SELECT (SELECT COUNT(*) FROM soa_rows WHERE org_id = $1 AND framework = $2)
			+ (SELECT COUNT(*) FROM org_mappings WHERE org_id = $1 AND (from_framework = $2 OR to_framework = $2))`,
		scope.OrgID(), framework).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count uses of framework %s: %w", framework, mapError(err))
	}
	return n, nil
}

// FindRequirementTexts returns the organization's own texts of framework's
// requirements, by requirement id.
func FindRequirementTexts(ctx context.Context, q Querier, scope aims.Scope, framework string) (map[string]string, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT requirement_id, text FROM requirement_texts WHERE org_id = $1 AND framework = $2`, scope.OrgID(), framework)
	if err != nil {
		return nil, fmt.Errorf("find requirement texts: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, fmt.Errorf("find requirement texts: %w", err)
		}
		out[id] = text
	}
	return out, rows.Err()
}

// PutRequirementText creates or replaces the organization's text of one
// requirement; existing is the current texts (FindRequirementTexts).
func PutRequirementText(ctx context.Context, tx *Tx, scope aims.Scope, existing map[string]string, t *aims.RequirementText) error {
	old, had := existing[t.ID]
	if had && old == t.Text {
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO requirement_texts (org_id, framework, requirement_id, text, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org_id, framework, requirement_id) DO UPDATE SET text = EXCLUDED.text, updated_at = EXCLUDED.updated_at`,
		scope.OrgID(), t.Framework, t.ID, t.Text, tx.now)
	if err != nil {
		return fmt.Errorf("store text of %s: %w", t.AuditLabel(), mapError(err))
	}
	if had {
		return tx.recordUpdate(ctx, scope, aims.EntityRequirementText, t.AuditLabel(), &aims.RequirementText{Framework: t.Framework, ID: t.ID, Text: old}, t)
	}
	return tx.recordCreate(ctx, scope, aims.EntityRequirementText, t.AuditLabel(), t)
}

// DeleteRequirementTexts removes the organization's texts of framework.
func DeleteRequirementTexts(ctx context.Context, tx *Tx, scope aims.Scope, framework string, existing map[string]string) error {
	for id, text := range existing {
		t := &aims.RequirementText{Framework: framework, ID: id, Text: text}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM requirement_texts WHERE org_id = $1 AND framework = $2 AND requirement_id = $3`,
			scope.OrgID(), framework, id); err != nil {
			return fmt.Errorf("delete text of %s: %w", t.AuditLabel(), mapError(err))
		}
		if err := tx.recordDelete(ctx, scope, aims.EntityRequirementText, t.AuditLabel(), t); err != nil {
			return err
		}
	}
	return nil
}

// CreateMapping stores one of the organization's own mappings.
func CreateMapping(ctx context.Context, tx *Tx, scope aims.Scope, m *aims.Mapping) error {
	m.ID = newID()
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO org_mappings (id, org_id, from_framework, source_id, to_framework, target_id, relationship, rationale, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		m.ID, scope.OrgID(), m.From, m.Source, m.To, m.Target, string(m.Relationship), m.Rationale, tx.now)
	if isUniqueViolation(err) {
		return aims.Errorf(aims.KindConflict, "%s is already mapped", m.AuditLabel())
	}
	if err != nil {
		return fmt.Errorf("store mapping: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityMapping, m.ID, m)
}

// FindMappings lists the organization's own mappings.
func FindMappings(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.Mapping, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT id, from_framework, source_id, to_framework, target_id, relationship, rationale
		FROM org_mappings WHERE org_id = $1 ORDER BY from_framework, source_id, to_framework, target_id`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find mappings: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.Mapping{}
	for rows.Next() {
		var m aims.Mapping
		var rel string
		if err := rows.Scan(&m.ID, &m.From, &m.Source, &m.To, &m.Target, &rel, &m.Rationale); err != nil {
			return nil, fmt.Errorf("find mappings: %w", err)
		}
		m.Relationship = aims.Relationship(rel)
		out = append(out, &m)
	}
	return out, rows.Err()
}

// DeleteMapping removes one of the organization's own mappings.
func DeleteMapping(ctx context.Context, tx *Tx, scope aims.Scope, m *aims.Mapping) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM org_mappings WHERE org_id = $1 AND id = $2`, scope.OrgID(), m.ID)
	if err != nil {
		return fmt.Errorf("delete mapping: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("mapping")
	}
	return tx.recordDelete(ctx, scope, aims.EntityMapping, m.ID, m)
}
