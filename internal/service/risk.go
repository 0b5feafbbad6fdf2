package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// The risk register (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3). A risk of an AI
// system is changed by whoever may change the system (its owner, a
// contributor, an AIMS manager); a risk of the organization needs Edit.
// Levels are computed here from the current risk criteria.

// today is the calendar day against which reviews and actions are overdue.
func (s *Service) today() aims.Date { return aims.DateOf(s.db.Now()) }

// FindRisks lists the register, one page at a time.
func (s *Service) FindRisks(ctx context.Context, f aims.RiskFilter) ([]*aims.Risk, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the risk register")
	if err != nil {
		return nil, 0, err
	}
	if err := validateRiskFilter(f); err != nil {
		return nil, 0, err
	}
	f.Today = s.today()
	list, total, err := store.FindRisks(ctx, s.db, scope, f)
	if err != nil {
		return nil, 0, err
	}
	return list, total, s.describeRisks(ctx, s.db, scope, list...)
}

func validateRiskFilter(f aims.RiskFilter) error {
	var v aims.Validation
	if f.Status != "" && !f.Status.IsValid() {
		v.Add("status", "must be one of %s", joinEnum(aims.RiskStatusValues()))
	}
	if f.Sort != "" && !slices.Contains(aims.RiskSorts(), f.Sort) {
		v.Add("sort", "must be one of %s", strings.Join(aims.RiskSorts(), ", "))
	}
	return v.Err()
}

func joinEnum[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

// FindRiskByID returns one risk with its actions and what to resolve.
func (s *Service) FindRiskByID(ctx context.Context, id string) (*aims.Risk, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the risk register")
	if err != nil {
		return nil, err
	}
	r, err := store.FindRiskByID(ctx, s.db, scope, id, s.today())
	if err != nil {
		return nil, err
	}
	return r, s.describeRisks(ctx, s.db, scope, r)
}

// describeRisks fills what is read, not stored: the source's title, and
// the inconsistencies to resolve (a treating control that the newest SoA
// version excludes; levels from older criteria).
func (s *Service) describeRisks(ctx context.Context, q store.Querier, scope aims.Scope, risks ...*aims.Risk) error {
	if len(risks) == 0 {
		return nil
	}
	excluded := map[string]bool{}
	soaLabel := ""
	v, err := store.FindSoAVersion(ctx, q, scope, 0)
	switch {
	case err == nil:
		soaLabel = fmt.Sprintf("SoA version %d (%s)", v.Number, v.Status)
		for _, row := range v.Rows {
			if row.Framework == catalog.ISO42001 && row.Applicability == aims.Excluded {
				excluded[row.RequirementID] = true
			}
		}
	case !aims.IsKind(err, aims.KindNotFound):
		return err
	}
	current, err := currentCriteria(ctx, q, scope)
	if err != nil {
		return err
	}
	for _, r := range risks {
		if ref, ok := r.Source.Ref(); ok {
			if req, ok := catalog.Builtin().Requirement(ref); ok {
				r.Source.Title = req.Title
			}
		} else {
			r.Source.Title = r.Source.Text
		}
		r.Issues = nil
		for i, ctl := range r.Controls {
			if excluded[ctl] {
				r.Issues = append(r.Issues, aims.RiskIssue{Field: "controls/" + itoa(i),
					Detail: soaLabel + " marks " + ctl + " not applicable, yet it treats this risk: include it in the SoA or link another control"})
			}
		}
		if current.Version > 0 && r.CriteriaVersion != current.Version && r.Status != aims.RiskClosed {
			r.Issues = append(r.Issues, aims.RiskIssue{Field: "criteria_version",
				Detail: fmt.Sprintf("assessed under risk criteria version %d; the current version is %d: assess it again", r.CriteriaVersion, current.Version)})
		}
	}
	return nil
}

// authorizeRiskWrite checks that the caller may change risks of systemID
// ("" for the organization's own), and returns the scope.
func authorizeRiskWrite(ctx context.Context, q store.Querier, readScope aims.Scope, systemID, what string) (aims.Scope, error) {
	if systemID == "" {
		scope, _, err := authz.Authorize(ctx, authz.Edit, what+" of the organization")
		return scope, err
	}
	sys, err := store.FindSystemByID(ctx, q, readScope, systemID)
	if aims.IsKind(err, aims.KindNotFound) {
		return aims.Scope{}, &aims.Error{Kind: aims.KindInvalid, Message: "the AI system does not exist",
			Fields: []aims.FieldError{{Field: "system_id", Detail: "no such AI system"}}}
	}
	if err != nil {
		return aims.Scope{}, err
	}
	scope, _, err := authz.AuthorizeSystemEdit(ctx, sys.OwnerID, what+" of "+sys.Name)
	return scope, err
}

// CreateRisk adds a risk to the register, its levels computed from the
// current criteria (saved as version 1 from the defaults when none are).
func (s *Service) CreateRisk(ctx context.Context, in *aims.Risk) error {
	readScope, p, err := authz.AuthorizeSystemWrite(ctx, "add risks")
	if err != nil {
		return err
	}
	in.Normalize()
	if in.OwnerID == "" && p != nil {
		in.OwnerID = p.UserID
	}
	in.Acceptance, in.Actions = nil, nil
	return s.transact(ctx, func(tx *store.Tx) error {
		scope, err := authorizeRiskWrite(ctx, tx, readScope, in.SystemID, "add risks")
		if err != nil {
			return err
		}
		if in.Status == aims.RiskAccepted {
			return statusAcceptedError()
		}
		if err := s.checkRisk(ctx, tx, scope, in); err != nil {
			return err
		}
		if err := store.CreateRisk(ctx, tx, scope, in); err != nil {
			return err
		}
		return s.describeRisks(ctx, tx, scope, in)
	})
}

func statusAcceptedError() error {
	return &aims.Error{Kind: aims.KindInvalid, Message: "a risk is accepted by recording an acceptance, not by setting its status",
		Fields: []aims.FieldError{{Field: "status", Detail: "use the accept action, which records who accepted it and why"}}}
}

// checkRisk validates r against the criteria, the members and the
// catalog, naming every bad field, and computes its levels.
func (s *Service) checkRisk(ctx context.Context, tx *store.Tx, scope aims.Scope, r *aims.Risk) error {
	var v aims.Validation
	if err := r.Validate(); err != nil {
		v.AddAll("", err.(*aims.Error).Fields)
	}
	c, err := criteriaForAssessment(ctx, tx, scope)
	if err != nil {
		return err
	}
	if err := assessRisk(c, r); err != nil {
		ae, ok := err.(*aims.Error)
		if !ok {
			return err
		}
		v.AddAll("", ae.Fields)
	}
	if ref, ok := r.Source.Ref(); ok && r.Source.ID != "" {
		want := map[aims.RiskSourceKind]string{aims.SourceAnnexC: "risk-source", aims.SourceNISTGAI: "gai-risk"}[r.Source.Kind]
		if req, ok := catalog.Builtin().Requirement(ref); !ok || req.Kind != want {
			v.Add("source/id", "%q is not a %s", r.Source.ID, r.Source.Kind.Title())
		}
	}
	for i, ctl := range r.Controls {
		if req, ok := catalog.Builtin().Requirement(aims.Ref{Framework: catalog.ISO42001, ID: ctl}); !ok || req.Kind != "control" {
			v.Add("controls/"+itoa(i), "%q is not an ISO/IEC 42001 Annex A control", ctl)
		}
	}
	if r.OwnerID != "" {
		if err := checkMember(ctx, tx, scope, r.OwnerID); err != nil {
			ae, ok := err.(*aims.Error)
			if !ok {
				return err
			}
			v.AddAll("", ae.Fields)
		}
	}
	return v.Err()
}

// assessRisk computes r's levels under criteria c and records the version.
func assessRisk(c *aims.RiskCriteria, r *aims.Risk) error {
	var v aims.Validation
	lvl, err := rules.RiskLevel(c, r.Likelihood, r.Consequence)
	if err != nil {
		if !addPrefixed(&v, "inherent_", err) {
			return err
		}
	} else {
		r.Level, r.LevelRank = lvl.Key, c.Rank(lvl.Key)
	}
	r.ResidualLevel, r.ResidualRank = "", -1
	if r.HasResidual() {
		lvl, err := rules.RiskLevel(c, r.ResidualLikelihood, r.ResidualConsequence)
		if err != nil {
			if !addPrefixed(&v, "residual_", err) {
				return err
			}
		} else {
			r.ResidualLevel, r.ResidualRank = lvl.Key, c.Rank(lvl.Key)
		}
	}
	r.CriteriaVersion = c.Version
	r.CurrentLevel = r.Current()
	return v.Err()
}

// addPrefixed adds the fields of an invalid error with prefix, reporting
// whether err was one.
func addPrefixed(v *aims.Validation, prefix string, err error) bool {
	ae, ok := err.(*aims.Error)
	if !ok || ae.Kind != aims.KindInvalid {
		return false
	}
	for _, f := range ae.Fields {
		v.Add(prefix+f.Field, "%s", f.Detail)
	}
	return true
}

// UpdateRisk changes a risk and assesses it again under the current
// criteria. A change of its likelihood or consequence ends an acceptance:
// what was accepted is no longer what stands.
func (s *Service) UpdateRisk(ctx context.Context, id string, upd aims.RiskUpdate) (*aims.Risk, error) {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "change risks")
	if err != nil {
		return nil, err
	}
	var out *aims.Risk
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindRiskByID(ctx, tx, readScope, id, s.today())
		if err != nil {
			return err
		}
		scope, err := authorizeRiskWrite(ctx, tx, readScope, before.SystemID, "change risks")
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		after.Normalize()
		if after.SystemID != before.SystemID {
			if scope, err = authorizeRiskWrite(ctx, tx, readScope, after.SystemID, "move risks"); err != nil {
				return err
			}
		}
		if after.Status == aims.RiskAccepted && before.Status != aims.RiskAccepted {
			return statusAcceptedError()
		}
		if err := s.checkRisk(ctx, tx, scope, &after); err != nil {
			return err
		}
		reassessed := after.Likelihood != before.Likelihood || after.Consequence != before.Consequence ||
			after.ResidualLikelihood != before.ResidualLikelihood || after.ResidualConsequence != before.ResidualConsequence ||
			after.Current() != before.Current()
		if before.Acceptance != nil && reassessed {
			after.Acceptance = nil
			if after.Status == aims.RiskAccepted {
				after.Status = aims.RiskInTreatment
			}
		}
		if after.Status != aims.RiskAccepted && before.Status == aims.RiskAccepted {
			after.Acceptance = nil
		}
		if err := store.UpdateRisk(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out, err = store.FindRiskByID(ctx, tx, scope, id, s.today())
		if err != nil {
			return err
		}
		return s.describeRisks(ctx, tx, scope, out)
	})
	return out, err
}

// DeleteRisk removes a risk with its actions, for one entered by mistake;
// a risk that no longer applies is closed instead, to keep its history.
func (s *Service) DeleteRisk(ctx context.Context, id string) error {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "delete risks")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindRiskByID(ctx, tx, readScope, id, s.today())
		if err != nil {
			return err
		}
		scope, err := authorizeRiskWrite(ctx, tx, readScope, before.SystemID, "delete risks")
		if err != nil {
			return err
		}
		return store.DeleteRisk(ctx, tx, scope, before)
	})
}
