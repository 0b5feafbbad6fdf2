// Package rules holds the pure functions that decide things from records:
// the EU AI Act classification of an AI system, its impact class, and (in
// files of their own) the risk rules. Each is a function of its inputs only,
// with table tests, so that a decision can be explained and replayed.
package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// actRoles are the operators of the EU AI Act a classification may name.
// ISO/IEC 22989's "developer" is not one: a developer that places a system
// on the market or puts it into service under its own name is its provider.
var actRoles = []aims.OperatorRole{aims.OperatorProvider, aims.OperatorDeployer, aims.OperatorImporter, aims.OperatorDistributor}

// derogationConditions are the conditions of Art. 6(3), one of which must
// hold (with no significant risk) for an Annex III system not to be
// high-risk. Our summaries.
var derogationConditions = []struct{ ID, Text string }{
	{"a", "performs a narrow procedural task"},
	{"b", "improves the result of a previously completed human activity"},
	{"c", "detects decision-making patterns or deviations from prior patterns, without replacing or influencing the previously completed human assessment without proper human review"},
	{"d", "performs a preparatory task to an assessment relevant for the Annex III use"},
}

// DerogationConditions lists the conditions of Art. 6(3) as (letter,
// summary) pairs, for the questionnaire.
func DerogationConditions() [][2]string {
	out := make([][2]string, len(derogationConditions))
	for i, c := range derogationConditions {
		out[i] = [2]string{c.ID, c.Text}
	}
	return out
}

// Classify decides the EU AI Act tier of an AI system from the answers,
// and lists the obligations that bind the organization's roles, each with
// its date of application, and the reasons. eu is the EU AI Act catalog
// (catalog.Builtin's "eu-ai-act"): its Art. 5 practices, Annex III points,
// Art. 50 paragraphs, obligations with their roles and dates of
// application. Answers that name an unknown provision or contradict each
// other are refused with an invalid error naming each field.
func Classify(eu *aims.Framework, answers aims.ClassificationAnswers) (*aims.ClassificationResult, error) {
	a := answers
	a.Normalize()
	ix := indexAct(eu)
	if err := validateAnswers(&a, ix); err != nil {
		return nil, err
	}
	c := &classifier{a: &a, ix: ix, res: &aims.ClassificationResult{Roles: a.Roles, Basis: []string{}}}
	c.decide()
	c.res.Obligations = c.obligations()
	c.res.Rationale = append(c.res.Rationale, aims.Reason{Text: a.Rationale, Own: true})
	return c.res, nil
}

// actIndex finds the provisions of the EU AI Act catalog by their short
// form ("5(1)(c)", "4(a)", "50(1)").
type actIndex struct {
	eu        *aims.Framework
	reqs      map[string]*aims.Requirement // by catalog id
	practices map[string]*aims.Requirement
	points    map[string]*aims.Requirement
	triggers  map[string]*aims.Requirement
	order     map[string]int // catalog position, for sorting
	// the short forms in catalog order, for error messages
	practiceIDs, pointIDs, triggerIDs []string
}

func indexAct(eu *aims.Framework) *actIndex {
	ix := &actIndex{eu: eu, reqs: map[string]*aims.Requirement{}, practices: map[string]*aims.Requirement{},
		points: map[string]*aims.Requirement{}, triggers: map[string]*aims.Requirement{}, order: map[string]int{}}
	for i, r := range eu.Requirements {
		ix.reqs[r.ID] = r
		ix.order[r.ID] = i
		switch {
		case r.Kind == "prohibited-practice":
			id := strings.ToLower(strings.TrimPrefix(r.ID, "Art. "))
			ix.practices[id] = r
			ix.practiceIDs = append(ix.practiceIDs, id)
		case r.Kind == "annex-iii-point":
			id := strings.TrimPrefix(r.ID, "Annex III ")
			ix.points[id] = r
			ix.pointIDs = append(ix.pointIDs, id)
		case r.Kind == "obligation" && r.Parent == "Art. 50":
			id := strings.TrimPrefix(r.ID, "Art. ")
			ix.triggers[id] = r
			ix.triggerIDs = append(ix.triggerIDs, id)
		}
	}
	return ix
}

func validateAnswers(a *aims.ClassificationAnswers, ix *actIndex) error {
	var v aims.Validation
	if a.AISystem == nil {
		v.Add("ai_system", "answer whether this is an AI system in the sense of Art. 3(1)")
	}
	for i, r := range a.Roles {
		switch {
		case r == aims.OperatorDeveloper:
			v.Add("roles/"+itoa(i), "developer is not an operator role of the EU AI Act: a developer that places the system on the market or puts it into service under its own name is its provider (Art. 3(3))")
		case !slices.Contains(actRoles, r):
			v.Add("roles/"+itoa(i), "%q is not an operator role: use provider, deployer, importer or distributor", string(r))
		case slices.Index(a.Roles, r) != i:
			v.Add("roles/"+itoa(i), "%q is listed twice", string(r))
		}
	}
	if (a.IsAISystem() || a.GPAI == aims.GPAIProvided) && len(a.Roles) == 0 {
		v.Add("roles", "name the organization's role for this system: provider, deployer, importer or distributor (Art. 3(3) to (7))")
	}
	if a.GPAI == aims.GPAIProvided && len(a.Roles) > 0 && !a.HasRole(aims.OperatorProvider) {
		v.Add("roles", "an organization that provides a general-purpose AI model is its provider (Art. 3(3)): add provider")
	}
	for _, f := range []struct {
		name string
		set  bool
	}{{"public_body", a.PublicBody}, {"public_service", a.PublicService}} {
		if f.set && !a.HasRole(aims.OperatorDeployer) {
			v.Add(f.name, "concerns deployers only (Art. 27(1), Art. 49(3)): add deployer to the roles, or answer no")
		}
	}
	checkIDs(&v, "prohibited_practices", a.ProhibitedPractices, ix.practices, "a practice of Art. 5(1)", ix.practiceIDs)
	checkIDs(&v, "annex_iii_points", a.AnnexIIIPoints, ix.points, "an Annex III point", ix.pointIDs)
	checkIDs(&v, "transparency", a.Transparency, ix.triggers, "a paragraph of Art. 50", ix.triggerIDs)
	letters := map[string]*aims.Requirement{}
	var letterIDs []string
	for _, c := range derogationConditions {
		letters[c.ID] = nil
		letterIDs = append(letterIDs, c.ID)
	}
	checkIDs(&v, "derogation_conditions", a.DerogationConditions, letters, "a condition of Art. 6(3)", letterIDs)
	if !a.GPAI.IsValid() {
		v.Add("gpai", "must be one of none, integrated, provided")
	}
	checkConsistency(&v, a)
	v.Required("rationale", a.Rationale)
	v.MaxLen("rationale", a.Rationale, 8000)
	v.MaxLen("annex_i_legislation", a.AnnexILegislation, 500)
	return v.Err()
}

// checkIDs checks that every entry of a list names a known provision, once.
func checkIDs(v *aims.Validation, field string, list []string, known map[string]*aims.Requirement, what string, ids []string) {
	for i, id := range list {
		if _, ok := known[id]; !ok {
			v.Add(field+"/"+itoa(i), "%q is not %s: use one of %s", id, what, strings.Join(ids, ", "))
		} else if slices.Index(list, id) != i {
			v.Add(field+"/"+itoa(i), "%q is listed twice", id)
		}
	}
}

// checkConsistency refuses answers that contradict each other, naming the
// answer that cannot stand.
func checkConsistency(v *aims.Validation, a *aims.ClassificationAnswers) {
	if a.AISystem != nil && !*a.AISystem {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"prohibited_practices", len(a.ProhibitedPractices) > 0}, {"annex_i_product", a.AnnexIProduct},
			{"annex_iii_points", len(a.AnnexIIIPoints) > 0}, {"profiling", a.Profiling},
			{"transparency", len(a.Transparency) > 0},
		} {
			if f.set {
				v.Add(f.name, "concerns AI systems only, and you answered that this is not one (ai_system): clear it, or answer yes to the first question")
			}
		}
	}
	if a.AnnexIThirdParty && !a.AnnexIProduct {
		v.Add("annex_i_third_party", "a third-party conformity assessment under Annex I legislation concerns a product that legislation covers: answer yes to annex_i_product first, or no here")
	}
	if a.AnnexILegislation != "" && !a.AnnexIProduct {
		v.Add("annex_i_legislation", "name Annex I legislation only for a product it covers: answer yes to annex_i_product, or clear this")
	}
	if len(a.AnnexIIIPoints) == 0 {
		if len(a.DerogationConditions) > 0 {
			v.Add("derogation_conditions", "the Art. 6(3) derogation concerns only a system used in an Annex III area: name its Annex III point (annex_iii_points), or clear the conditions")
		}
		if a.NoSignificantRisk {
			v.Add("no_significant_risk", "the Art. 6(3) derogation concerns only a system used in an Annex III area: name its Annex III point (annex_iii_points), or answer no")
		}
	}
	if a.GPAISystemicRisk && a.GPAI != aims.GPAIProvided {
		v.Add("gpai_systemic_risk", "concerns only a general-purpose AI model your organization provides: answer gpai provided, or no here")
	}
}

// classifier works out one result.
type classifier struct {
	a   *aims.ClassificationAnswers
	ix  *actIndex
	res *aims.ClassificationResult
	// route says how the system is high-risk: aims.DateScopeAnnexIII,
	// aims.DateScopeAnnexI, or "" when it is not.
	route string
	// derogated is true when Art. 6(3) takes an Annex III system out of
	// high risk.
	derogated bool
}

func (c *classifier) say(basis, format string, args ...any) {
	c.res.Rationale = append(c.res.Rationale, aims.Reason{Basis: basis, Text: fmt.Sprintf(format, args...)})
}

func (c *classifier) basis(b string) { c.res.Basis = append(c.res.Basis, b) }

// decide sets the tier, the basis and the reasons, in the order the Act
// asks the questions: definition, prohibitions, high risk, transparency.
func (c *classifier) decide() {
	a := c.a
	defer c.gpai()
	if !a.IsAISystem() {
		c.res.Tier = aims.TierNotAISystem
		c.basis("Art. 3(1)")
		c.say("Art. 3(1)", "Not an AI system in the sense of Art. 3(1): the Act's rules for AI systems do not bind it. Classify it again when it changes, e.g. when it starts to infer its outputs from data.")
		return
	}
	if len(a.ProhibitedPractices) > 0 {
		c.res.Tier = aims.TierProhibited
		for _, p := range a.ProhibitedPractices {
			r := c.ix.practices[p]
			c.basis(r.ID)
			c.say(r.ID, "%s is a prohibited practice: no operator may place on the market, put into service or use an AI system for it in the Union.", r.Title)
		}
		c.say("Art. 5", "Stop the practice: while it lasts, the other answers (high risk, transparency) do not matter. Breaches of Art. 5 carry fines up to EUR 35 million or 7 %% of worldwide annual turnover (Art. 99(3)).")
		return
	}
	c.annexI()
	c.annexIII()
	c.transparency()
	switch {
	case c.route != "":
		c.res.Tier = aims.TierHighRisk
		c.say("Art. 6", "High-risk: the requirements of Chapter III, Section 2 (Art. 8 to 15) apply to the system, and each operator has the obligations listed for its role.")
	case len(a.Transparency) > 0:
		c.res.Tier = aims.TierTransparency
		c.say("Art. 50", "Not prohibited and not high-risk; the transparency obligations of Art. 50 apply.")
	default:
		c.res.Tier = aims.TierMinimal
		c.say("Art. 95", "No prohibited practice, not high-risk under Art. 6 and no Art. 50 trigger: minimal risk. Beyond AI literacy (Art. 4), the Act asks nothing specific; voluntary codes of conduct are open (Art. 95).")
	}
}

func (c *classifier) annexI() {
	a := c.a
	if !a.AnnexIProduct {
		return
	}
	leg := "Union harmonisation legislation listed in Annex I"
	if a.AnnexILegislation != "" {
		leg += " (" + a.AnnexILegislation + ")"
	}
	if !a.AnnexIThirdParty {
		c.say("Art. 6(1)", "It is a product, or a safety component of a product, covered by %s, but the product needs no third-party conformity assessment: Art. 6(1) does not make it high-risk.", leg)
		return
	}
	c.route = aims.DateScopeAnnexI
	c.basis("Art. 6(1)")
	c.say("Art. 6(1)", "It is a product, or a safety component of a product, covered by %s, and the product must undergo a third-party conformity assessment: high-risk under Art. 6(1).", leg)
}

func (c *classifier) annexIII() {
	a := c.a
	if len(a.AnnexIIIPoints) == 0 {
		return
	}
	for _, p := range a.AnnexIIIPoints {
		r := c.ix.points[p]
		c.say(r.ID, "Its intended use falls under %s (%s), which Art. 6(2) makes high-risk.", r.ID, r.Title)
	}
	claimed := len(a.DerogationConditions) > 0 || a.NoSignificantRisk
	switch {
	case a.Profiling && claimed:
		c.say("Art. 6(3)", "The derogation of Art. 6(3) you claimed does not apply: the system performs profiling of natural persons, and an Annex III system that does so is always high-risk (Art. 6(3), third subparagraph).")
	case a.Profiling:
		c.say("Art. 6(3)", "It performs profiling of natural persons, so the derogation of Art. 6(3) could not apply either (Art. 6(3), third subparagraph).")
	case len(a.DerogationConditions) > 0 && !a.NoSignificantRisk:
		c.say("Art. 6(3)", "The derogation of Art. 6(3) needs both a condition (a) to (d) and no significant risk of harm to health, safety or fundamental rights; you did not confirm the second, so it stays high-risk.")
	case a.NoSignificantRisk && len(a.DerogationConditions) == 0:
		c.say("Art. 6(3)", "The derogation of Art. 6(3) needs, besides no significant risk of harm, at least one of the conditions (a) to (d); none is named, so it stays high-risk.")
	case claimed:
		c.derogated = true
		var held []string
		for _, d := range derogationConditions {
			if slices.Contains(a.DerogationConditions, d.ID) {
				held = append(held, "("+d.ID+") it "+d.Text)
			}
		}
		c.say("Art. 6(3)", "Not high-risk despite Annex III: it poses no significant risk of harm to health, safety or fundamental rights, and %s.", strings.Join(held, "; "))
		if a.HasRole(aims.OperatorProvider) {
			c.say("Art. 6(4)", "As its provider, document this assessment before placing the system on the market or putting it into service, register the system (Art. 49(2)), and give the documentation to national authorities on request.")
		}
	}
	if !c.derogated {
		c.route = aims.DateScopeAnnexIII // Annex III dates come first where Annex I applies too
		for _, p := range a.AnnexIIIPoints {
			c.basis(c.ix.points[p].ID)
		}
	}
}

// triggerTexts say what each paragraph of Art. 50 asks, and of whom.
var triggerTexts = map[string]struct {
	role aims.OperatorRole
	text string
}{
	"50(1)": {aims.OperatorProvider, "It interacts directly with natural persons: they must be informed that they are interacting with an AI system, unless that is obvious from the context."},
	"50(2)": {aims.OperatorProvider, "It generates synthetic audio, image, video or text: its outputs must be marked in a machine-readable format and be detectable as artificially generated or manipulated."},
	"50(3)": {aims.OperatorDeployer, "It recognises emotions or categorises people biometrically: the people exposed to it must be informed of its operation."},
	"50(4)": {aims.OperatorDeployer, "It makes deep fakes, or text published to inform the public on matters of public interest: disclose that the content is artificially generated or manipulated."},
}

func (c *classifier) transparency() {
	for _, t := range c.a.Transparency {
		r := c.ix.triggers[t]
		c.basis(r.ID)
		tt := triggerTexts[t]
		text := tt.text + " This is the " + string(tt.role) + "'s duty"
		if c.a.HasRole(tt.role) {
			text += ", so yours."
		} else {
			text += ": your organization is not the system's " + string(tt.role) + ", so make sure its " + string(tt.role) + " meets it."
		}
		c.say(r.ID, "%s", text)
	}
}

func (c *classifier) gpai() {
	switch c.a.GPAI {
	case aims.GPAIIntegrated:
		c.say("Chapter V", "It is built on a general-purpose AI model of another provider: the model's obligations (Art. 53, Art. 55) bind that provider, who must give you the information and documentation you need to meet your own (Art. 53(1)(b)).")
	case aims.GPAIProvided:
		c.basis("Art. 53")
		c.say("Art. 53", "Your organization provides a general-purpose AI model with it: the model's obligations of Chapter V apply to you as its provider (models placed on the market before 2 August 2025 comply by 2 August 2027, Art. 111(3)).")
		if c.a.GPAISystemicRisk {
			c.basis("Art. 55")
			c.say("Art. 51", "The model has systemic risk (presumed when more than 10^25 floating-point operations were used to train it, Art. 51(2)): Art. 55 applies as well, and the Commission must be notified (Art. 52).")
		}
	}
}

func itoa(i int) string { return fmt.Sprint(i) }
