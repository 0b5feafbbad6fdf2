package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// EvidenceBenchSpec sizes the evidence the SoA page and "my work"
// benchmarks read (issue 15: 100,000 revisions over 5,000 pieces of
// evidence, each linked to a control and an AI system). OwnedSystems of
// the Systems are owned by the owner the seed is given, the others by
// OtherOwnerID.
type EvidenceBenchSpec struct {
	Pieces, Revisions int
	Systems           int
	OwnedSystems      int
	OtherOwnerID      string
	// Controls are the controls ("iso42001:A.6.2.4") the pieces are spread over.
	Controls []string
}

// SeedEvidenceBench fills the organization in scope with spec's systems,
// evidence, links and revisions in bulk, without audit events (a
// benchmark's fixture, not governance records), and returns the systems'
// ids. The latest revisions' due dates are spread from 30 days past to 70
// days ahead, so that some evidence is expired, some expiring and most
// current.
func SeedEvidenceBench(ctx context.Context, db *DB, scope aims.Scope, ownerID string, spec EvidenceBenchSpec) ([]string, error) {
	systems := make([]string, spec.Systems)
	err := db.Transact(ctx, func(tx *Tx) error {
		now := tx.now
		var args []any
		for i := range systems {
			systems[i] = newID()
			owner := ownerID
			if i >= spec.OwnedSystems && spec.OtherOwnerID != "" {
				owner = spec.OtherOwnerID
			}
			name := fmt.Sprintf("Evidence bench system %05d", i)
			args = append(args, systems[i], scope.OrgID(), name, nameKey(name), "Benchmark", owner, `["deployer"]`, "deployed",
				"advisory", `["quality"]`, `[]`, true, `[]`, now, now)
		}
		if _, err := tx.insertRows(ctx, "ai_systems", `id, org_id, name, name_key, purpose, owner_id, operator_roles, lifecycle_stage,
			autonomy, impact_domains, techniques, in_scope, tags, created_at, updated_at`, 15, args, ""); err != nil {
			return err
		}
		var evidence, links, revisions []any
		flush := func(force bool) error {
			if !force && len(revisions) < 11*20_000 {
				return nil
			}
			if _, err := tx.insertRows(ctx, "evidence", `id, org_id, title, kind, description, link_key, created_at, updated_at,
				latest_revision_id, latest_collected_us, latest_expires_us`, 11, evidence, ""); err != nil {
				return err
			}
			if _, err := tx.insertRows(ctx, "evidence_links", `org_id, evidence_id, target_type, target_id`, 4, links, ""); err != nil {
				return err
			}
			if _, err := tx.insertRows(ctx, "evidence_revisions", `id, org_id, evidence_id, number, source, digest, size,
				collected_by_label, collected_at, expires_at, created_at`, 11, revisions, ""); err != nil {
				return err
			}
			evidence, links, revisions = evidence[:0], links[:0], revisions[:0]
			return nil
		}
		for i := range spec.Pieces {
			id := newID()
			control, sys := spec.Controls[i%len(spec.Controls)], systems[i%len(systems)]
			ls := []aims.EvidenceLink{{Type: aims.TargetRequirement, ID: control}, {Type: aims.TargetAISystem, ID: sys}}
			links = append(links, scope.OrgID(), id, string(aims.TargetRequirement), control, scope.OrgID(), id, string(aims.TargetAISystem), sys)
			var latest string
			var collected, expires time.Time
			for n := range spec.Revisions {
				latest = newID()
				collected = now.AddDate(0, 0, (n-spec.Revisions)*30+i%7).Truncate(time.Microsecond)
				expires = now.AddDate(0, 0, i%100-30-(spec.Revisions-1-n)*30).Truncate(time.Microsecond)
				revisions = append(revisions, latest, scope.OrgID(), id, n+1, string(aims.SourceFile), fmt.Sprintf("%064x", i*spec.Revisions+n), 1,
					"bench", collected, expires, now)
			}
			title := fmt.Sprintf("Validation report %05d", i)
			evidence = append(evidence, id, scope.OrgID(), title, "validation-report", "", EvidenceLinkKey("validation-report", ls), now, now,
				latest, collected.UnixMicro(), expires.UnixMicro())
			if err := flush(false); err != nil {
				return err
			}
		}
		return flush(true)
	})
	if err != nil {
		return nil, err
	}
	if db.dialect == Postgres {
		_, err = db.writer.ExecContext(ctx, `ANALYZE`)
	}
	return systems, err
}
