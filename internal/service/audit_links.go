package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// EntityRef names a record an audit event is about. SystemID is set for a
// model version, whose id is only unique within its system.
type EntityRef struct {
	Type     string
	ID       string
	SystemID string
	// ObjectiveID is the objective of a measurement, whose page lists it.
	ObjectiveID string
}

// ExistingEntities reports which of the records that audit events name
// still exist in the caller's organization, so that the audit trail links
// only to records that can be opened. Reading it takes the audit trail's
// permission: it tells no more than the trail itself.
func (s *Service) ExistingEntities(ctx context.Context, refs []EntityRef) (map[EntityRef]bool, error) {
	scope, _, err := authz.Authorize(ctx, authz.ReadAudit, "read the audit trail")
	if err != nil {
		return nil, err
	}
	out := make(map[EntityRef]bool, len(refs))
	for _, ref := range refs {
		if _, seen := out[ref]; seen {
			continue
		}
		var err error
		switch ref.Type {
		case aims.EntityAISystem:
			_, err = store.FindSystemByID(ctx, s.db, scope, ref.ID)
		case aims.EntityModelVersion:
			_, err = store.FindModelVersionByID(ctx, s.db, scope, ref.SystemID, ref.ID)
		case aims.EntityObligationStatus:
			_, err = store.FindSystemByID(ctx, s.db, scope, ref.SystemID)
		case aims.EntityDataset:
			_, err = store.FindDatasetByID(ctx, s.db, scope, ref.ID)
		case aims.EntitySupplier:
			_, err = store.FindSupplierByID(ctx, s.db, scope, ref.ID)
		case aims.EntityContextIssue:
			_, err = store.FindContextIssueByID(ctx, s.db, scope, ref.ID)
		case aims.EntityInterestedParty:
			_, err = store.FindInterestedPartyByID(ctx, s.db, scope, ref.ID)
		case aims.EntityPlannedChange:
			_, err = store.FindPlannedChangeByID(ctx, s.db, scope, ref.ID)
		case aims.EntityResource:
			_, err = store.FindResourceByID(ctx, s.db, scope, ref.ID)
		case aims.EntityCommunication:
			_, err = store.FindCommunicationByID(ctx, s.db, scope, ref.ID)
		case aims.EntityObjective:
			_, err = store.FindObjectiveByID(ctx, s.db, scope, ref.ID)
		case aims.EntityMeasurement:
			_, err = store.FindObjectiveByID(ctx, s.db, scope, ref.ObjectiveID)
		case aims.EntityPerson:
			_, err = store.FindPersonByID(ctx, s.db, scope, ref.ID)
		case aims.EntityAIMSRole:
			_, err = store.FindAIMSRoleByID(ctx, s.db, scope, ref.ID)
		case aims.EntityCompetenceRequirement:
			_, err = store.FindCompetenceRequirementByID(ctx, s.db, scope, ref.ID)
		case aims.EntityTrainingRecord:
			_, err = store.FindTrainingRecordByID(ctx, s.db, scope, ref.ID)
		case aims.EntityAwarenessSession:
			_, err = store.FindAwarenessSessionByID(ctx, s.db, scope, ref.ID)
		case aims.EntityDocument:
			_, err = store.FindDocumentByID(ctx, s.db, scope, ref.ID)
		case aims.EntityMember:
			_, err = store.FindMemberByID(ctx, s.db, scope, ref.ID)
		case aims.EntityToken:
			_, err = store.FindTokenByID(ctx, s.db, scope, ref.ID)
		default:
			out[ref] = false // no page to link to
			continue
		}
		switch {
		case err == nil:
			out[ref] = true
		case aims.IsKind(err, aims.KindNotFound):
			out[ref] = false
		default:
			return nil, err
		}
	}
	return out, nil
}
