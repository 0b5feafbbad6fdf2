package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// AcknowledgedBy lists the document versions userID acknowledged in the
// organization in scope, the latest acknowledgement first, at most limit.
func AcknowledgedBy(ctx context.Context, q Querier, scope aims.Scope, userID string, limit int) ([]aims.VersionAcknowledged, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT v.id, v.document_id, v.major, v.minor, v.status, v.effective_on, d.title, a.acknowledged_at
		FROM document_acknowledgements a
		JOIN document_versions v ON v.org_id = a.org_id AND v.id = a.version_id
		JOIN documents d ON d.org_id = v.org_id AND d.id = v.document_id
		WHERE a.org_id = $1 AND a.user_id = $2
		ORDER BY a.acknowledged_at DESC, a.id
		LIMIT $3`, scope.OrgID(), userID, limit)
	if err != nil {
		return nil, fmt.Errorf("versions acknowledged: %w", mapError(err))
	}
	defer rows.Close()
	out := []aims.VersionAcknowledged{}
	for rows.Next() {
		var v aims.DocumentVersion
		var a aims.VersionAcknowledged
		var status string
		var eff sql.NullTime
		if err := rows.Scan(&v.ID, &v.DocumentID, &v.Major, &v.Minor, &status, &eff, &v.Title, &a.AcknowledgedAt); err != nil {
			return nil, fmt.Errorf("versions acknowledged: %w", err)
		}
		v.Status = aims.DocumentStatus(status)
		v.EffectiveOn = scanDate(eff)
		a.AcknowledgedAt = a.AcknowledgedAt.UTC()
		a.Version = &v
		out = append(out, a)
	}
	return out, rows.Err()
}
