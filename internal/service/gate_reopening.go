package service

import (
	"context"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// Change control (ISO/IEC 42001 8.1, A.6.2.6). The writes that change what
// a model version depends on call the reopen… functions below in their own
// transaction: rules.Reopenings decides which versions a change re-opens,
// and the re-openings are written and sealed with the change. An open
// re-opening makes the authorization answer for its version no until the
// validation gate is passed again (ClearModelVersionReopenings) or an AIMS
// manager clears it with a reason (ClearGateReopenings).

// reopen writes the re-openings a material change makes for its dependents.
func reopen(ctx context.Context, tx *store.Tx, scope aims.Scope, c rules.Change, deps []aims.DependentVersion) error {
	for _, r := range rules.Reopenings(c, deps) {
		if err := store.CreateGateReopening(ctx, tx, scope, &r); err != nil {
			return err
		}
	}
	return nil
}

// reopenForDataset re-opens the versions that use a dataset whose material
// fields changed.
func reopenForDataset(ctx context.Context, tx *store.Tx, scope aims.Scope, before, after *aims.Dataset) error {
	changed := rules.DatasetChanges(before, after)
	if len(changed) == 0 {
		return nil
	}
	deps, err := store.DatasetDependents(ctx, tx, scope, after.ID)
	if err != nil {
		return err
	}
	return reopen(ctx, tx, scope, rules.Change{Cause: aims.CauseDatasetChanged, CauseType: aims.EntityDataset, CauseID: after.ID,
		CauseLabel: after.Name, What: "dataset “" + after.Name + "” changed (" + strings.Join(changed, ", ") + ")"}, deps)
}

// reopenForFeature re-opens the versions that consume a feature whose tags
// changed.
func reopenForFeature(ctx context.Context, tx *store.Tx, scope aims.Scope, before, after *aims.Feature) error {
	if !rules.TagsChanged(before.Tags, after.Tags) {
		return nil
	}
	deps, err := store.FeatureDependents(ctx, tx, scope, after.ID)
	if err != nil {
		return err
	}
	return reopen(ctx, tx, scope, rules.Change{Cause: aims.CauseFeatureTagsChanged, CauseType: aims.EntityFeature, CauseID: after.ID,
		CauseLabel: after.Name, What: "the tags of feature “" + after.Name + "” changed"}, deps)
}

// reopenForCalibration re-opens the versions fed by an instrument whose
// recalibration failed.
func reopenForCalibration(ctx context.Context, tx *store.Tx, scope aims.Scope, c *aims.Calibration, instrument string) error {
	if c.Result != aims.CalibrationFailed {
		return nil
	}
	deps, err := store.InstrumentDependents(ctx, tx, scope, c.InstrumentID)
	if err != nil {
		return err
	}
	return reopen(ctx, tx, scope, rules.Change{Cause: aims.CauseRecalibrationFailed, CauseType: aims.EntityInstrument, CauseID: c.InstrumentID,
		CauseLabel: instrument, What: "the recalibration of instrument “" + instrument + "” on " + c.ValidFrom.Format(aims.DateLayout) + " failed"}, deps)
}

// reopenForSupplier re-opens the versions of a system whose supplier
// changed.
func reopenForSupplier(ctx context.Context, tx *store.Tx, scope aims.Scope, before, after *aims.AISystem) error {
	if before.SupplierID == after.SupplierID {
		return nil
	}
	deps, err := store.SystemDependents(ctx, tx, scope, after.ID)
	if err != nil {
		return err
	}
	what := "the supplier of the system changed"
	switch {
	case before.SupplierName != "" && after.SupplierName != "":
		what += " from “" + before.SupplierName + "” to “" + after.SupplierName + "”"
	case after.SupplierName != "":
		what += " to “" + after.SupplierName + "”"
	case before.SupplierName != "":
		what += " (“" + before.SupplierName + "” no longer supplies it)"
	}
	return reopen(ctx, tx, scope, rules.Change{Cause: aims.CauseSupplierChanged, CauseType: aims.EntityAISystem, CauseID: after.ID,
		CauseLabel: after.Name, What: what}, deps)
}

// reopenForVersionDatasets re-opens a version whose own list of datasets
// changed (another training dataset named).
func reopenForVersionDatasets(ctx context.Context, tx *store.Tx, scope aims.Scope, before, after *aims.ModelVersion) error {
	what := rules.DatasetUseChanges(before.Datasets, after.Datasets)
	if what == "" {
		return nil
	}
	return reopen(ctx, tx, scope, rules.Change{Cause: aims.CauseModelDatasetsChanged, CauseType: aims.EntityModelVersion,
		CauseID: after.ID, CauseLabel: after.Version, What: "datasets changed: " + what},
		[]aims.DependentVersion{{ModelVersionID: before.ID, Version: before.Version, SystemID: before.SystemID, Status: before.Status}})
}

// reopenForNewVersion re-opens the system's deployment gate for a newly
// registered candidate model version (where says from where: "from
// MLflow"); passing the version's gate clears it. A version registered as
// validated comes with its validation (a release recorded afterwards).
func reopenForNewVersion(ctx context.Context, tx *store.Tx, scope aims.Scope, v *aims.ModelVersion, where string) error {
	if v.Status != aims.ModelCandidate {
		return nil
	}
	r := rules.NewVersionReopening(v.SystemID, v, where)
	return store.CreateGateReopening(ctx, tx, scope, &r)
}

// FindGateReopenings lists a system's gate re-openings, newest first.
func (s *Service) FindGateReopenings(ctx context.Context, systemID string, f aims.GateReopeningFilter) ([]*aims.GateReopening, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read gate re-openings")
	if err != nil {
		return nil, 0, err
	}
	if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
		return nil, 0, err
	}
	return store.FindGateReopenings(ctx, s.db, scope, systemID, f)
}

// ClearGateReopenings clears, with a reason, the open re-openings of one
// model version of a system (or of the system's own deployment gate): the
// act of an AIMS manager or an admin who checked that the change does not
// need the gate passed again (403 for others). The clearings are sealed.
func (s *Service) ClearGateReopenings(ctx context.Context, systemID string, in aims.GateClearance) ([]*aims.GateReopening, error) {
	scope, p, err := authz.Authorize(ctx, authz.Approve, "clear a re-opened gate")
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []*aims.GateReopening
	err = s.transact(ctx, func(tx *store.Tx) error {
		sys, err := store.FindSystemByID(ctx, tx, scope, systemID)
		if err != nil {
			return err
		}
		if in.ModelVersionID != "" {
			if _, err := store.FindModelVersionByID(ctx, tx, scope, sys.ID, in.ModelVersionID); aims.IsKind(err, aims.KindNotFound) {
				return &aims.Error{Kind: aims.KindInvalid, Message: "no such model version",
					Fields: []aims.FieldError{{Field: "model_version_id", Detail: "is not a model version of this AI system"}}}
			} else if err != nil {
				return err
			}
		}
		out, err = store.ClearGateReopenings(ctx, tx, scope, sys.ID, in.ModelVersionID, p.UserID, in.Reason)
		if err != nil {
			return err
		}
		if len(out) == 0 {
			return aims.Errorf(aims.KindConflict, "no gate is re-opened there")
		}
		return nil
	})
	if err == nil {
		s.announceAuthorization(ctx, systemID)
	}
	return out, err
}

// ClearModelVersionReopenings clears the open re-openings of a model
// version in tx because its validation gate was passed again (the gate
// pass calls it; reason says which pass). Nothing open is no error.
func ClearModelVersionReopenings(ctx context.Context, tx *store.Tx, scope aims.Scope, systemID, versionID, by, reason string) ([]*aims.GateReopening, error) {
	return store.ClearGateReopenings(ctx, tx, scope, systemID, versionID, by, reason)
}
