package service

import (
	"context"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/indicator"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// IndicatorValue is one computed indicator's definition and its value now.
type IndicatorValue struct {
	indicator.Definition
	indicator.Result
	ComputedAt time.Time `json:"computed_at"`
}

// ComputeIndicators computes every indicator of the closed set for the
// caller's organization, reading each kind of record once.
func (s *Service) ComputeIndicators(ctx context.Context) ([]IndicatorValue, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read objectives")
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	g := &indicatorInputs{scope: scope, q: s.db, in: indicator.Input{Now: now}}
	out := []IndicatorValue{}
	for _, d := range indicator.Definitions() {
		res, err := g.compute(ctx, d.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, IndicatorValue{Definition: d, Result: res, ComputedAt: now})
	}
	return out, nil
}

// computeIndicator computes one indicator at now, reading in q.
func computeIndicator(ctx context.Context, q store.Querier, scope aims.Scope, n aims.IndicatorName, now time.Time) (indicator.Result, error) {
	g := &indicatorInputs{scope: scope, q: q, in: indicator.Input{Now: now}}
	return g.compute(ctx, n)
}

// indicatorInputs gathers the records the indicators read, each kind once
// however many indicators read it.
type indicatorInputs struct {
	scope aims.Scope
	q     store.Querier
	in    indicator.Input
	read  map[string]bool
}

func (g *indicatorInputs) compute(ctx context.Context, n aims.IndicatorName) (indicator.Result, error) {
	if g.read == nil {
		g.read = map[string]bool{}
	}
	var err error
	need := func(what string, load func() error) {
		if err == nil && !g.read[what] {
			g.read[what], err = true, load()
		}
	}
	switch n {
	case aims.IndicatorImpactCurrent, aims.IndicatorHighImpactValidated:
		need("systems", func() error { return g.systems(ctx) })
	case aims.IndicatorOverdueActions:
		need("actions", func() error { return g.actions(ctx) })
	case aims.IndicatorControlsImplemented:
		need("controls", func() error { return g.controls(ctx) })
	case aims.IndicatorRiskAboveAppetite:
		need("risks", func() error { return g.risks(ctx) })
	case aims.IndicatorLiteracyCurrent:
		need("people", func() error { return g.people(ctx) })
	}
	if err != nil {
		return indicator.Result{}, err
	}
	return indicator.Compute(n, g.in)
}

// systems reads every AI system with its latest signed-off impact
// assessment (rules.ImpactOutOfDate says whether it still holds), its
// current classification (for the impact class, rules.ImpactClassOf) and
// whether its deployed model version has an approval with evidence.
func (g *indicatorInputs) systems(ctx context.Context) error {
	latest, err := store.FindLatestSignedOffAssessments(ctx, g.q, g.scope, "")
	if err != nil {
		return err
	}
	assessed := map[string]*aims.ImpactAssessment{}
	for _, a := range latest {
		assessed[a.SystemID] = a
	}
	classes, err := store.FindCurrentClassifications(ctx, g.q, g.scope, "")
	if err != nil {
		return err
	}
	validated, err := store.FindValidatedModelVersions(ctx, g.q, g.scope)
	if err != nil {
		return err
	}
	reopened, err := store.FindImpactReopenings(ctx, g.q, g.scope, "")
	if err != nil {
		return err
	}
	return store.EachSystem(ctx, g.q, g.scope, aims.SystemFilter{}, func(sys *aims.AISystem) error {
		sum := &aims.ImpactSummary{SystemID: sys.ID}
		if a := assessed[sys.ID]; a != nil {
			fillSummary(sum, a, sys, reopened[sys.ID])
		}
		tier := rules.Unclassified
		if c := classes[sys.ID]; c != nil {
			tier = c.Tier
		}
		residual := rules.AssessedUnknown
		switch sum.HighestResidual {
		case aims.ResidualNone, aims.ResidualLow:
			residual = rules.AssessedLow
		case aims.ResidualMedium:
			residual = rules.AssessedMedium
		case aims.ResidualHigh:
			residual = rules.AssessedHigh
		}
		class := rules.ImpactClassOf(rules.ImpactClassInput{Autonomy: sys.Autonomy, Domains: sys.ImpactDomains, Tier: tier,
			Residual: residual, AssessmentOutOfDate: sum.OutOfDate})
		x := indicator.System{InScope: sys.InScope, Assessed: sum.AssessmentID != "", OutOfDate: sum.OutOfDate,
			HighImpact: class.Class == aims.ImpactHigh}
		if sys.Deployed != nil {
			x.Deployed, x.Validated = true, validated[sys.Deployed.ID]
		}
		g.in.Systems = append(g.in.Systems, x)
		return nil
	})
}

func (g *indicatorInputs) actions(ctx context.Context) error {
	list, err := store.ListActionDueDates(ctx, g.q, g.scope)
	if err != nil {
		return err
	}
	for _, a := range list {
		x := indicator.Action{Open: a.IsOpen()}
		if a.DueDate != nil {
			x.Due = a.DueDate.Time
		}
		g.in.Actions = append(g.in.Actions, x)
	}
	return nil
}

// controls reads the rows of the newest Statement of Applicability; none
// yet is no control.
func (g *indicatorInputs) controls(ctx context.Context) error {
	v, err := store.FindSoAVersion(ctx, g.q, g.scope, 0)
	if aims.IsKind(err, aims.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, r := range v.Rows {
		g.in.Controls = append(g.in.Controls, indicator.Control{Applicable: r.Applicability == aims.Applicable,
			Implemented: r.Status == aims.Implemented})
	}
	return nil
}

// risks reads every risk's level against the appetite of the criteria it
// was assessed under (the criteria in force when that version is gone).
func (g *indicatorInputs) risks(ctx context.Context) error {
	list, err := store.ListRiskLevels(ctx, g.q, g.scope)
	if err != nil {
		return err
	}
	byVersion, current, err := riskCriteriaByVersion(ctx, g.q, g.scope)
	if err != nil {
		return err
	}
	for i := range list {
		r := &list[i]
		c := byVersion[r.CriteriaVersion]
		if c == nil {
			c = current
		}
		open := r.Status == aims.RiskOpen || r.Status == aims.RiskInTreatment
		g.in.Risks = append(g.in.Risks, indicator.Risk{Open: open, AboveAppetite: c != nil && rules.AboveAppetite(c, r.Current()),
			Raised: r.CreatedAt})
	}
	return nil
}

// people reads the active people whose work touches an AI system and
// judges each one's AI literacy by the organization's setting
// (rules.Literacy, as the AI literacy page does).
func (g *indicatorInputs) people(ctx context.Context) error {
	setting, err := store.FindLiteracySetting(ctx, g.q, g.scope)
	if err != nil && !aims.IsKind(err, aims.KindNotFound) {
		return err
	}
	people, err := store.PeopleTouchingAI(ctx, g.q, g.scope)
	if err != nil {
		return err
	}
	var training map[string][]*aims.TrainingRecord
	if setting != nil {
		if training, err = store.LiteracyTraining(ctx, g.q, g.scope, setting.Competences); err != nil {
			return err
		}
	}
	day := aims.DateOf(g.in.Now)
	for _, p := range people {
		st, _ := rules.Literacy(setting, true, training[p.ID], day)
		g.in.People = append(g.in.People, indicator.Person{Literacy: st})
	}
	return nil
}
