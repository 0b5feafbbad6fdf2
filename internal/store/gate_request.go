package store

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
)

// FindModelVersionSystem returns the id of the AI system model version id
// belongs to, in scope (a gate request names the version alone).
func FindModelVersionSystem(ctx context.Context, q Querier, scope aims.Scope, id string) (string, error) {
	var systemID string
	err := q.queryer().QueryRowContext(ctx, `
		SELECT system_id FROM model_versions WHERE org_id = $1 AND id = $2`, scope.OrgID(), id).Scan(&systemID)
	if err != nil {
		return "", notFound(err, "model version")
	}
	return systemID, nil
}
