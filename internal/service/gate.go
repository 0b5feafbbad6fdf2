package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/store"
)

// Lifecycle gates (issue 17; ISO/IEC 42001 A.6.2.4, A.6.2.5, 8.1): the
// validation metrics and acceptance criteria they read, the organization's
// own gate definitions, and a model version's gates evaluated now.

// RecordValidationMetric records a metric measured on a model version.
func (s *Service) RecordValidationMetric(ctx context.Context, systemID, versionID string, m *aims.ValidationMetric) error {
	return s.transact(ctx, func(tx *store.Tx) error {
		_, scope, err := systemForWrite(ctx, tx, systemID, "record validation metrics")
		if err != nil {
			return err
		}
		if _, err := store.FindModelVersionByID(ctx, tx, scope, systemID, versionID); err != nil {
			return err
		}
		m.ModelVersionID = versionID
		m.Normalize()
		if err := m.Validate(); err != nil {
			return err
		}
		if err := checkDatasetID(ctx, tx, scope, m.DatasetID); err != nil {
			return err
		}
		if err := store.CreateValidationMetric(ctx, tx, scope, m); err != nil {
			return err
		}
		return voidGateRequests(ctx, tx, scope, systemID, versionID)
	})
}

// putMetrics records metrics of model version versionID of system
// systemID inside the caller's transaction (MLflow sync, CycloneDX
// import), each validated as one a person enters. A metric the version
// has already (same name, unit and dataset) takes the new value and
// source, unless the value is the same.
func putMetrics(ctx context.Context, tx *store.Tx, scope aims.Scope, systemID, versionID string, metrics []aims.ValidationMetric) error {
	if len(metrics) == 0 {
		return nil
	}
	have, err := store.FindValidationMetrics(ctx, tx, scope, systemID, versionID)
	if err != nil {
		return err
	}
	for i := range metrics {
		m := &metrics[i]
		m.ModelVersionID = versionID
		m.Normalize()
		if err := m.Validate(); err != nil {
			return err
		}
		if err := checkDatasetID(ctx, tx, scope, m.DatasetID); err != nil {
			return err
		}
		j := slices.IndexFunc(have, func(h aims.ValidationMetric) bool {
			return h.Name == m.Name && strings.EqualFold(h.Unit, m.Unit) && h.DatasetID == m.DatasetID
		})
		switch {
		case j < 0:
			if err := store.CreateValidationMetric(ctx, tx, scope, m); err != nil {
				return err
			}
			have = append(have, *m)
		case have[j].Value != m.Value:
			before := have[j]
			after := before
			after.Value, after.Source = m.Value, m.Source
			if err := store.UpdateValidationMetric(ctx, tx, scope, &before, &after); err != nil {
				return err
			}
			have[j], *m = after, after
		default:
			*m = have[j]
		}
	}
	return nil
}

// DeleteValidationMetric removes a metric recorded by mistake.
func (s *Service) DeleteValidationMetric(ctx context.Context, systemID, versionID, id string) error {
	return s.transact(ctx, func(tx *store.Tx) error {
		_, scope, err := systemForWrite(ctx, tx, systemID, "delete validation metrics")
		if err != nil {
			return err
		}
		list, err := store.FindValidationMetrics(ctx, tx, scope, systemID, versionID)
		if err != nil {
			return err
		}
		for i := range list {
			if list[i].ID == id {
				if err := store.DeleteValidationMetric(ctx, tx, scope, &list[i]); err != nil {
					return err
				}
				return voidGateRequests(ctx, tx, scope, systemID, versionID)
			}
		}
		return aims.ErrNotFound("validation metric")
	})
}

// FindValidationMetrics lists the metrics of a model version.
func (s *Service) FindValidationMetrics(ctx context.Context, systemID, versionID string) ([]aims.ValidationMetric, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read model versions")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindModelVersionByID(ctx, s.db, scope, systemID, versionID); err != nil {
		return nil, err
	}
	list, err := store.FindValidationMetrics(ctx, s.db, scope, systemID, versionID)
	if list == nil {
		list = []aims.ValidationMetric{}
	}
	return list, err
}

// CreateAcceptanceCriterion sets an acceptance criterion on a system (for
// all its model versions) or, with c.ModelVersionID, on one version.
func (s *Service) CreateAcceptanceCriterion(ctx context.Context, systemID string, c *aims.AcceptanceCriterion) error {
	return s.transact(ctx, func(tx *store.Tx) error {
		_, scope, err := systemForWrite(ctx, tx, systemID, "set acceptance criteria")
		if err != nil {
			return err
		}
		c.SystemID = systemID
		c.Normalize()
		if err := c.Validate(); err != nil {
			return err
		}
		if c.ModelVersionID != "" {
			if _, err := store.FindModelVersionByID(ctx, tx, scope, systemID, c.ModelVersionID); aims.IsKind(err, aims.KindNotFound) {
				return invalid("model_version_id", "is not a model version of this AI system")
			} else if err != nil {
				return err
			}
		}
		if err := checkDatasetID(ctx, tx, scope, c.DatasetID); err != nil {
			return err
		}
		return store.CreateAcceptanceCriterion(ctx, tx, scope, c)
	})
}

// DeleteAcceptanceCriterion removes an acceptance criterion.
func (s *Service) DeleteAcceptanceCriterion(ctx context.Context, systemID, id string) error {
	return s.transact(ctx, func(tx *store.Tx) error {
		_, scope, err := systemForWrite(ctx, tx, systemID, "delete acceptance criteria")
		if err != nil {
			return err
		}
		list, err := store.FindAcceptanceCriteria(ctx, tx, scope, systemID)
		if err != nil {
			return err
		}
		for i := range list {
			if list[i].ID == id {
				return store.DeleteAcceptanceCriterion(ctx, tx, scope, &list[i])
			}
		}
		return aims.ErrNotFound("acceptance criterion")
	})
}

// FindAcceptanceCriteria lists the acceptance criteria of a system and its
// model versions.
func (s *Service) FindAcceptanceCriteria(ctx context.Context, systemID string) ([]aims.AcceptanceCriterion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
		return nil, err
	}
	list, err := store.FindAcceptanceCriteria(ctx, s.db, scope, systemID)
	if list == nil {
		list = []aims.AcceptanceCriterion{}
	}
	return list, err
}

func checkDatasetID(ctx context.Context, tx *store.Tx, scope aims.Scope, id string) error {
	if id == "" {
		return nil
	}
	if _, err := store.FindDatasetByID(ctx, tx, scope, id); aims.IsKind(err, aims.KindNotFound) {
		return invalid("dataset_id", "is not a dataset of this organization")
	} else if err != nil {
		return err
	}
	return nil
}

// GateDefinitions lists the definition in force of every gate: the
// organization's own, else the default (Strict: the defaults for high
// impact or high-risk systems). Own says which are the organization's.
type GateDefinitions struct {
	Definitions []gate.Definition `json:"definitions"`
	Strict      []gate.Definition `json:"strict_defaults" doc:"The defaults for systems of high impact class or the EU AI Act high-risk tier"`
	Own         []gate.ID         `json:"own" doc:"The gates the organization defined itself"`
}

// FindGateDefinitions returns the gate definitions in force.
func (s *Service) FindGateDefinitions(ctx context.Context) (*GateDefinitions, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read gate definitions")
	if err != nil {
		return nil, err
	}
	own, err := gateDefinitions(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	out := &GateDefinitions{Own: []gate.ID{}}
	for _, g := range gate.IDValues() {
		out.Definitions = append(out.Definitions, gate.Find(own, g, false))
		out.Strict = append(out.Strict, gate.Find(own, g, true))
	}
	for _, d := range own {
		out.Own = append(out.Own, d.Gate)
	}
	return out, nil
}

// PutGateDefinition stores the organization's own definition of a gate
// (an admin's setting); it applies to every system, strict or not.
func (s *Service) PutGateDefinition(ctx context.Context, d gate.Definition) error {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "define lifecycle gates")
	if err != nil {
		return err
	}
	for i := range d.Checks {
		for j, k := range d.Checks[i].EvidenceKinds {
			d.Checks[i].EvidenceKinds[j] = strings.ToLower(strings.TrimSpace(k))
		}
	}
	if err := d.Validate(); err != nil {
		return err
	}
	checks, err := json.Marshal(d.Checks)
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		rows, err := store.FindGateDefinitions(ctx, tx, scope)
		if err != nil {
			return err
		}
		var before *store.GateDefinitionRow
		for i := range rows {
			if rows[i].Gate == string(d.Gate) {
				before = &rows[i]
			}
		}
		return store.PutGateDefinition(ctx, tx, scope, before, &store.GateDefinitionRow{Gate: string(d.Gate), Checks: checks})
	})
}

// DeleteGateDefinition drops the organization's own definition of a gate:
// the default applies again.
func (s *Service) DeleteGateDefinition(ctx context.Context, g gate.ID) error {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "define lifecycle gates")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		rows, err := store.FindGateDefinitions(ctx, tx, scope)
		if err != nil {
			return err
		}
		for i := range rows {
			if rows[i].Gate == string(g) {
				return store.DeleteGateDefinition(ctx, tx, scope, &rows[i])
			}
		}
		return aims.ErrNotFound("gate definition")
	})
}

// ModelVersionGates evaluates now every gate of a model version, in order:
// validation, approval, deployment (the approvals check counts the
// approval acts recorded so far).
func (s *Service) ModelVersionGates(ctx context.Context, systemID, versionID string) ([]gate.Result, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read model versions")
	if err != nil {
		return nil, err
	}
	mv, err := store.FindModelVersionByID(ctx, s.db, scope, systemID, versionID)
	if err != nil {
		return nil, err
	}
	w, err := loadGates(ctx, s.db, scope, systemID, s.db.Now(), s.expiringWindow(ctx, scope))
	if err != nil {
		return nil, err
	}
	st := w.systems[systemID]
	f := *st.facts[mv.ID]
	var out []gate.Result
	for _, g := range []gate.ID{gate.VersionValidation, gate.VersionApproval, gate.VersionDeployment} {
		out = append(out, gate.Evaluate(w.definition(st, g), f))
	}
	return out, nil
}

// EvaluateAllGates evaluates every gate of every model version and system
// of the organization (the benchmark's measure: issue 17 asks for 1,000
// systems with 10 model versions each in under a second, loading
// included). It returns how many gates it evaluated and how many passed.
func (s *Service) EvaluateAllGates(ctx context.Context) (evaluated, passed int, err error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return 0, 0, err
	}
	w, err := loadGates(ctx, s.db, scope, "", s.db.Now(), s.expiringWindow(ctx, scope))
	if err != nil {
		return 0, 0, err
	}
	for _, st := range w.systems {
		count := func(r gate.Result) {
			evaluated++
			if r.Passed {
				passed++
			}
		}
		count(gate.Evaluate(w.definition(st, gate.SystemDeployment), st.base))
		for _, mv := range st.versions {
			for _, g := range []gate.ID{gate.VersionValidation, gate.VersionApproval, gate.VersionDeployment} {
				count(gate.Evaluate(w.definition(st, g), *st.facts[mv.ID]))
			}
		}
	}
	return evaluated, passed, nil
}

// gateConflict is the 409 of a gate whose checks fail: it names the gate
// and every failing check.
func gateConflict(what string, r gate.Result) *aims.Error {
	e := &aims.Error{Kind: aims.KindConflict,
		Message: fmt.Sprintf("%s has not passed its %s: %s", what, r.Gate.Title(), r.Reasons())}
	for _, c := range r.Failing() {
		e.Fields = append(e.Fields, aims.FieldError{Field: "gate/" + string(c.Kind), Detail: c.Why})
	}
	return e
}

// checkResults converts a gate's result for the record of the act.
func checkResults(r gate.Result) []aims.GateCheckResult {
	out := make([]aims.GateCheckResult, len(r.Checks))
	for i, c := range r.Checks {
		out[i] = aims.GateCheckResult{Kind: string(c.Kind), Title: c.Title, Passed: c.Passed, Why: c.Why}
	}
	return out
}

func invalid(field, detail string) error {
	return &aims.Error{Kind: aims.KindInvalid, Message: "check the " + strings.ReplaceAll(field, "_", " "),
		Fields: []aims.FieldError{{Field: field, Detail: detail}}}
}
