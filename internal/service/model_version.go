package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindModelVersions lists the model versions of one AI system.
func (s *Service) FindModelVersions(ctx context.Context, systemID string, f aims.ModelVersionFilter) ([]*aims.ModelVersion, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read model versions")
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" && !f.Status.IsValid() {
		return nil, 0, &aims.Error{Kind: aims.KindInvalid, Message: "unknown status", Fields: []aims.FieldError{{Field: "status", Detail: "is not a known model version status"}}}
	}
	if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
		return nil, 0, err
	}
	return store.FindModelVersions(ctx, s.db, scope, systemID, f)
}

// FindModelVersionByID returns one model version of one AI system.
func (s *Service) FindModelVersionByID(ctx context.Context, systemID, id string) (*aims.ModelVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read model versions")
	if err != nil {
		return nil, err
	}
	return store.FindModelVersionByID(ctx, s.db, scope, systemID, id)
}

// CreateModelVersion registers a model version of a system. The system's
// owner, contributors and managers may. It re-opens the system's
// deployment gate (change control, 8.1).
func (s *Service) CreateModelVersion(ctx context.Context, in *aims.ModelVersion) error {
	return s.createModelVersion(ctx, in, "", nil)
}

// createModelVersion registers a model version with its validation
// metrics, in one transaction; where says where it came from, for the
// re-opening's reason ("from MLflow").
func (s *Service) createModelVersion(ctx context.Context, in *aims.ModelVersion, where string, metrics []aims.ValidationMetric) error {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "register model versions")
	if err != nil {
		return err
	}
	in.Normalize()
	if in.Status == "" {
		in.Status = aims.ModelCandidate
	}
	if err := checkStatusEdit(aims.ModelCandidate, in.Status); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		sys, err := store.FindSystemByID(ctx, tx, readScope, in.SystemID)
		if err != nil {
			return err
		}
		scope, _, err := authz.AuthorizeSystemEdit(ctx, sys.OwnerID, "register model versions of this system")
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkDatasetRefs(ctx, tx, scope, in.Datasets); err != nil {
			return err
		}
		if err := checkFeatureRefs(ctx, tx, scope, "features", in.Features); err != nil {
			return err
		}
		if err := store.CreateModelVersion(ctx, tx, scope, in); err != nil {
			return err
		}
		if err := putMetrics(ctx, tx, scope, in.SystemID, in.ID, metrics); err != nil {
			return err
		}
		return reopenForNewVersion(ctx, tx, scope, in, where)
	})
}

// UpdateModelVersion changes a model version.
func (s *Service) UpdateModelVersion(ctx context.Context, systemID, id string, upd aims.ModelVersionUpdate) (*aims.ModelVersion, error) {
	return s.updateModelVersion(ctx, systemID, id, upd, nil)
}

// updateModelVersion changes a model version and records its metrics
// (putMetrics) in one transaction.
func (s *Service) updateModelVersion(ctx context.Context, systemID, id string, upd aims.ModelVersionUpdate, metrics []aims.ValidationMetric) (*aims.ModelVersion, error) {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "change model versions")
	if err != nil {
		return nil, err
	}
	var out *aims.ModelVersion
	err = s.transact(ctx, func(tx *store.Tx) error {
		sys, err := store.FindSystemByID(ctx, tx, readScope, systemID)
		if err != nil {
			return err
		}
		scope, _, err := authz.AuthorizeSystemEdit(ctx, sys.OwnerID, "change model versions of this system")
		if err != nil {
			return err
		}
		before, err := store.FindModelVersionByID(ctx, tx, scope, systemID, id)
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkStatusEdit(before.Status, after.Status); err != nil {
			return err
		}
		if err := checkDatasetRefs(ctx, tx, scope, after.Datasets); err != nil {
			return err
		}
		if err := checkFeatureRefs(ctx, tx, scope, "features", after.Features); err != nil {
			return err
		}
		if err := store.UpdateModelVersion(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		if err := reopenForVersionDatasets(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		if err := putMetrics(ctx, tx, scope, systemID, id, metrics); err != nil {
			return err
		}
		// What a gate request's approvers approved (the content and the
		// metrics) changed: pending requests are void.
		if err := voidGateRequests(ctx, tx, scope, systemID, id); err != nil {
			return err
		}
		out, err = store.FindModelVersionByID(ctx, tx, scope, systemID, id)
		return err
	})
	return out, err
}

// DeleteModelVersion removes a model version registered by mistake.
func (s *Service) DeleteModelVersion(ctx context.Context, systemID, id string) error {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "delete model versions")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		sys, err := store.FindSystemByID(ctx, tx, readScope, systemID)
		if err != nil {
			return err
		}
		scope, _, err := authz.AuthorizeSystemEdit(ctx, sys.OwnerID, "delete model versions of this system")
		if err != nil {
			return err
		}
		before, err := store.FindModelVersionByID(ctx, tx, scope, systemID, id)
		if err != nil {
			return err
		}
		if err := store.DeleteGateReopeningsOf(ctx, tx, scope, systemID, before.ID); err != nil {
			return err
		}
		return store.DeleteModelVersion(ctx, tx, scope, before)
	})
}
