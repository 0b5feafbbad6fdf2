package service

import (
	"context"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// areaRisk says how an impact area reads as a risk: the NIST
// characteristics at stake and, where one fits, the Annex C risk source.
var areaRisk = map[aims.ImpactArea]struct {
	chars  []aims.Characteristic
	source string
}{
	aims.AreaFairness:          {[]aims.Characteristic{aims.Fair}, ""},
	aims.AreaSafety:            {[]aims.Characteristic{aims.Safe, aims.ValidReliable}, ""},
	aims.AreaPrivacy:           {[]aims.Characteristic{aims.PrivacyEnhanced}, ""},
	aims.AreaTransparency:      {[]aims.Characteristic{aims.ExplainableInterpretable, aims.AccountableTransparent}, "C.3.2"},
	aims.AreaHumanOversight:    {[]aims.Characteristic{aims.AccountableTransparent}, "C.3.3"},
	aims.AreaSecurity:          {[]aims.Characteristic{aims.SecureResilient}, ""},
	aims.AreaEnvironment:       {[]aims.Characteristic{}, ""},
	aims.AreaFundamentalRights: {[]aims.Characteristic{aims.Fair, aims.AccountableTransparent}, ""},
	aims.AreaEmployment:        {[]aims.Characteristic{aims.Fair}, ""},
}

// RaiseRiskFromImpact turns the assessed impact of one area into a risk of
// the system in the register, in one step, linked to the assessment and
// the area; its likelihood and consequence come from the area's, placed on
// the criteria's scales, and its owner is the system's owner. An area left
// blank or marked not applicable is refused (422); an area that raised a
// risk already answers 409.
func (s *Service) RaiseRiskFromImpact(ctx context.Context, systemID, assessmentID string, area aims.ImpactArea) (*aims.Risk, error) {
	var out *aims.Risk
	err := s.transact(ctx, func(tx *store.Tx) error {
		sys, scope, err := systemForWrite(ctx, tx, systemID, "add risks")
		if err != nil {
			return err
		}
		a, err := store.FindImpactAssessment(ctx, tx, scope, sys.ID, assessmentID)
		if err != nil {
			return err
		}
		a.Normalize()
		x := a.Area(area)
		field := "areas/" + string(area)
		switch {
		case x == nil:
			return aims.ErrNotFound("impact area " + string(area))
		case x.NotApplicable:
			return &aims.Error{Kind: aims.KindInvalid, Message: area.Title() + " is marked as not applying to this system",
				Fields: []aims.FieldError{{Field: field, Detail: "does not apply: no risk to raise"}}}
		case x.Severity == 0 || x.Likelihood == 0:
			return &aims.Error{Kind: aims.KindInvalid, Message: "assess " + area.Title() + " first: its severity and likelihood become the risk's",
				Fields: []aims.FieldError{{Field: field, Detail: "give its severity and likelihood first"}}}
		}
		links, err := store.FindRiskLinks(ctx, tx, scope, []string{a.ID})
		if err != nil {
			return err
		}
		if l := links[a.ID][area]; len(l) > 0 {
			return aims.Errorf(aims.KindConflict, "%s of impact assessment version %d raised risk R-%d already", area.Title(), a.Version, l[0].Number)
		}
		c, err := criteriaForAssessment(ctx, tx, scope)
		if err != nil {
			return err
		}
		spec := areaRisk[area]
		r := &aims.Risk{SystemID: sys.ID, OwnerID: sys.OwnerID, LifecycleStage: sys.LifecycleStage,
			Title:           area.Title() + " impact of " + sys.Name,
			Description:     areaDescription(a, x),
			Characteristics: spec.chars, AssessmentID: a.ID, ImpactArea: area, Status: aims.RiskOpen,
			Likelihood:  onScale(x.Likelihood, len(c.Likelihood)),
			Consequence: onScale(x.Severity, len(c.Consequence)),
			Source:      aims.RiskSource{Kind: aims.SourceCustom, Text: "Impact assessment: " + area.Title()},
		}
		if spec.source != "" {
			r.Source = aims.RiskSource{Kind: aims.SourceAnnexC, ID: spec.source}
		}
		r.Normalize()
		if err := s.checkRisk(ctx, tx, scope, r); err != nil {
			return err
		}
		if err := store.CreateRisk(ctx, tx, scope, r); err != nil {
			return err
		}
		out = r
		return s.describeRisks(ctx, tx, scope, r)
	})
	return out, err
}

// onScale places step n of a five-step impact scale on a scale of size
// steps.
func onScale(n, size int) int {
	if size == 5 || size < 1 {
		return n
	}
	v := (n*size + 4) / 5
	return max(1, min(size, v))
}

func areaDescription(a *aims.ImpactAssessment, x *aims.ImpactAreaAssessment) string {
	var b strings.Builder
	b.WriteString("Raised from impact assessment version " + itoa(a.Version) + ", " + x.Area.Title() + ": severity " +
		strings.ToLower(aims.SeverityName(x.Severity)) + ", likelihood " + strings.ToLower(aims.ImpactLikelihoodName(x.Likelihood)) +
		", residual impact " + strings.ToLower(x.Residual.Title()) + ".")
	if x.People != "" {
		b.WriteString("\n\nPeople affected: " + x.People)
	}
	if x.Mitigations != "" {
		b.WriteString("\n\nMitigations in place: " + x.Mitigations)
	}
	return b.String()
}
