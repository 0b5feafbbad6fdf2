package rules_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/rules"
)

func euAct(t *testing.T) *aims.Framework {
	t.Helper()
	eu, ok := catalog.Builtin().Framework(catalog.EUAIAct)
	if !ok {
		t.Fatal("no EU AI Act catalog")
	}
	return eu
}

var yes, no = true, false

// answers is an AI system with one role and a rationale; opts change it.
func answers(role aims.OperatorRole, opts ...func(*aims.ClassificationAnswers)) aims.ClassificationAnswers {
	a := aims.ClassificationAnswers{AISystem: &yes, Roles: []aims.OperatorRole{role}, Rationale: "Our reading of the intended use."}
	for _, o := range opts {
		o(&a)
	}
	return a
}

func points(ps ...string) func(*aims.ClassificationAnswers) {
	return func(a *aims.ClassificationAnswers) { a.AnnexIIIPoints = ps }
}

func derogation(nsr bool, conds ...string) func(*aims.ClassificationAnswers) {
	return func(a *aims.ClassificationAnswers) { a.DerogationConditions, a.NoSignificantRisk = conds, nsr }
}

func triggers(ts ...string) func(*aims.ClassificationAnswers) {
	return func(a *aims.ClassificationAnswers) { a.Transparency = ts }
}

func roles(rs ...aims.OperatorRole) func(*aims.ClassificationAnswers) {
	return func(a *aims.ClassificationAnswers) { a.Roles = rs }
}

func with(f func(*aims.ClassificationAnswers)) func(*aims.ClassificationAnswers) { return f }

// The obligations of a provider and of a deployer of an Annex III system
// that is not used for credit, insurance or by a public body.
var (
	annexIIIProvider = []string{"Art. 4", "Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17", "Art. 43", "Art. 49", "Art. 72", "Art. 73"}
	annexIIIDeployer = []string{"Art. 4", "Art. 26", "Art. 73"}
	annexIProvider   = []string{"Art. 4", "Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17", "Art. 43", "Art. 72", "Art. 73"}
)

func TestClassify(t *testing.T) {
	eu := euAct(t)
	tests := []struct {
		name        string
		in          aims.ClassificationAnswers
		tier        aims.Tier
		obligations []string          // exactly these articles, in catalog order
		dates       map[string]string // article -> "applies_from status [proposed...]"
		basis       []string
		reason      string // a reason must contain this
	}{
		// One case per Annex III area (Art. 6(2)).
		{name: "area 1 biometrics", in: answers(aims.OperatorProvider, points("1(a)")), tier: aims.TierHighRisk,
			obligations: annexIIIProvider, basis: []string{"Annex III 1(a)"}, reason: "Remote biometric identification"},
		{name: "area 2 critical infrastructure", in: answers(aims.OperatorProvider, points("2(a)")), tier: aims.TierHighRisk,
			obligations: annexIIIProvider, basis: []string{"Annex III 2(a)"}, reason: "Safety components of critical infrastructure"},
		{name: "area 3 education", in: answers(aims.OperatorProvider, points("3(b)")), tier: aims.TierHighRisk,
			obligations: annexIIIProvider, basis: []string{"Annex III 3(b)"}},
		{name: "area 4 employment", in: answers(aims.OperatorProvider, points("4(a)")), tier: aims.TierHighRisk,
			obligations: annexIIIProvider, basis: []string{"Annex III 4(a)"},
			dates: map[string]string{"Art. 9": "2026-08-02 adopted 2027-12-02", "Art. 4": "2025-02-02 adopted"}},
		{name: "area 5 credit scoring", in: answers(aims.OperatorProvider, points("Annex III 5(b)")), tier: aims.TierHighRisk,
			obligations: annexIIIProvider, basis: []string{"Annex III 5(b)"}},
		{name: "area 6 law enforcement", in: answers(aims.OperatorProvider, points("6(d)")), tier: aims.TierHighRisk,
			obligations: annexIIIProvider, basis: []string{"Annex III 6(d)"}},
		{name: "area 7 migration", in: answers(aims.OperatorProvider, points("7(c)")), tier: aims.TierHighRisk,
			obligations: annexIIIProvider, basis: []string{"Annex III 7(c)"}},
		{name: "area 8 justice and democracy", in: answers(aims.OperatorProvider, points("8(b)")), tier: aims.TierHighRisk,
			obligations: annexIIIProvider, basis: []string{"Annex III 8(b)"}},

		// Each condition of Art. 6(3), with no significant risk, takes an
		// Annex III system out of high risk; its provider still registers.
		{name: "6(3)(a) narrow procedural task", in: answers(aims.OperatorProvider, points("4(a)"), derogation(true, "a")),
			tier: aims.TierMinimal, obligations: []string{"Art. 4", "Art. 49"}, reason: "(a) it performs a narrow procedural task",
			dates: map[string]string{"Art. 49": "2026-08-02 adopted 2027-12-02"}},
		{name: "6(3)(b) improves a completed human activity", in: answers(aims.OperatorProvider, points("3(b)"), derogation(true, "b")),
			tier: aims.TierMinimal, obligations: []string{"Art. 4", "Art. 49"}, reason: "(b) it improves the result"},
		{name: "6(3)(c) detects decision patterns", in: answers(aims.OperatorProvider, points("5(a)"), derogation(true, "(c)")),
			tier: aims.TierMinimal, obligations: []string{"Art. 4", "Art. 49"}, reason: "(c) it detects decision-making patterns"},
		{name: "6(3)(d) preparatory task", in: answers(aims.OperatorDeployer, points("8(a)"), derogation(true, "d")),
			tier: aims.TierMinimal, obligations: []string{"Art. 4"}, reason: "(d) it performs a preparatory task"},
		{name: "6(3) provider documents and registers", in: answers(aims.OperatorProvider, points("4(a)"), derogation(true, "a", "d")),
			tier: aims.TierMinimal, obligations: []string{"Art. 4", "Art. 49"}, reason: "As its provider, document this assessment"},
		{name: "6(3) condition without no significant risk", in: answers(aims.OperatorProvider, points("4(a)"), derogation(false, "a")),
			tier: aims.TierHighRisk, obligations: annexIIIProvider, reason: "you did not confirm the second"},
		{name: "6(3) no significant risk without a condition", in: answers(aims.OperatorProvider, points("4(a)"), derogation(true)),
			tier: aims.TierHighRisk, obligations: annexIIIProvider, reason: "none is named"},
		{name: "6(3) derogated system with a transparency trigger", in: answers(aims.OperatorProvider, points("4(a)"), derogation(true, "a"), triggers("50(1)")),
			tier: aims.TierTransparency, obligations: []string{"Art. 4", "Art. 49", "Art. 50(1)"}},

		// Profiling of natural persons overrides the derogation.
		{name: "profiling overrides 6(3)", in: answers(aims.OperatorProvider, points("4(a)"), derogation(true, "a"), with(func(a *aims.ClassificationAnswers) { a.Profiling = true })),
			tier: aims.TierHighRisk, obligations: annexIIIProvider, basis: []string{"Annex III 4(a)"}, reason: "performs profiling of natural persons, and an Annex III system that does so is always high-risk"},

		// Each Art. 50 trigger; the duty binds the role the paragraph names.
		{name: "50(1) chatbot provider", in: answers(aims.OperatorProvider, triggers("Art. 50(1)")), tier: aims.TierTransparency,
			obligations: []string{"Art. 4", "Art. 50(1)"}, basis: []string{"Art. 50(1)"}, dates: map[string]string{"Art. 50(1)": "2026-08-02 adopted"}},
		{name: "50(1) chatbot deployer", in: answers(aims.OperatorDeployer, triggers("50(1)")), tier: aims.TierTransparency,
			obligations: []string{"Art. 4"}, reason: "make sure its provider meets it"},
		{name: "50(2) synthetic content", in: answers(aims.OperatorProvider, triggers("50(2)")), tier: aims.TierTransparency,
			obligations: []string{"Art. 4", "Art. 50(2)"}, dates: map[string]string{"Art. 50(2)": "2026-08-02 adopted 2026-12-02"}},
		{name: "50(3) emotion recognition", in: answers(aims.OperatorDeployer, triggers("50(3)")), tier: aims.TierTransparency,
			obligations: []string{"Art. 4", "Art. 50(3)"}},
		{name: "50(4) deep fakes", in: answers(aims.OperatorDeployer, triggers("50(4)")), tier: aims.TierTransparency,
			obligations: []string{"Art. 4", "Art. 50(4)"}, reason: "so yours"},
		{name: "high-risk with a transparency trigger keeps both", in: answers(aims.OperatorProvider, points("1(c)"), triggers("50(3)"), roles(aims.OperatorProvider, aims.OperatorDeployer)),
			tier: aims.TierHighRisk, obligations: []string{"Art. 4", "Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17", "Art. 26", "Art. 43", "Art. 49", "Art. 50(3)", "Art. 72", "Art. 73"},
			basis: []string{"Annex III 1(c)", "Art. 50(3)"}},

		// An Art. 5 practice wins over everything else.
		{name: "5(1)(c) social scoring", in: answers(aims.OperatorDeployer, with(func(a *aims.ClassificationAnswers) { a.ProhibitedPractices = []string{"Art. 5(1)(c)"} }), points("5(a)")),
			tier: aims.TierProhibited, obligations: []string{"Art. 4", "Art. 5"}, basis: []string{"Art. 5(1)(c)"}, reason: "Social scoring is a prohibited practice",
			dates: map[string]string{"Art. 5": "2025-02-02 adopted 2026-12-02"}},

		{name: "not an AI system", in: aims.ClassificationAnswers{AISystem: &no, Rationale: "A fixed rule table written by engineers."},
			tier: aims.TierNotAISystem, obligations: []string{}, basis: []string{"Art. 3(1)"}, reason: "Not an AI system"},
		{name: "minimal", in: answers(aims.OperatorDeployer), tier: aims.TierMinimal, obligations: []string{"Art. 4"}, reason: "minimal risk"},
		{name: "minimal for an importer binds nothing", in: answers(aims.OperatorImporter), tier: aims.TierMinimal, obligations: []string{}},

		// General-purpose AI models (Chapter V).
		{name: "GPAI provided", in: answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.GPAI = aims.GPAIProvided })),
			tier: aims.TierMinimal, obligations: []string{"Art. 4", "Art. 53"}, basis: []string{"Art. 53"}, dates: map[string]string{"Art. 53": "2025-08-02 adopted"}},
		{name: "GPAI with systemic risk", in: answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.GPAI, a.GPAISystemicRisk = aims.GPAIProvided, true })),
			tier: aims.TierMinimal, obligations: []string{"Art. 4", "Art. 53", "Art. 55"}, reason: "10^25"},
		{name: "GPAI integrated binds its provider", in: answers(aims.OperatorDeployer, points("4(a)"), with(func(a *aims.ClassificationAnswers) { a.GPAI = aims.GPAIIntegrated })),
			tier: aims.TierHighRisk, obligations: annexIIIDeployer, reason: "bind that provider"},
		{name: "GPAI model that is not an AI system itself", in: aims.ClassificationAnswers{AISystem: &no, GPAI: aims.GPAIProvided, Roles: []aims.OperatorRole{aims.OperatorProvider}, Rationale: "A foundation model we publish."},
			tier: aims.TierNotAISystem, obligations: []string{"Art. 53"}},

		// Obligations depend on the role.
		{name: "deployer of an Annex III system", in: answers(aims.OperatorDeployer, points("4(a)")), tier: aims.TierHighRisk, obligations: annexIIIDeployer},
		{name: "deployer of credit scoring owes a FRIA", in: answers(aims.OperatorDeployer, points("5(b)")), tier: aims.TierHighRisk,
			obligations: []string{"Art. 4", "Art. 26", "Art. 27", "Art. 73"}, dates: map[string]string{"Art. 27": "2026-08-02 adopted 2027-12-02"}},
		{name: "public body deployer registers and owes a FRIA", in: answers(aims.OperatorDeployer, points("4(a)"), with(func(a *aims.ClassificationAnswers) { a.PublicBody = true })),
			tier: aims.TierHighRisk, obligations: []string{"Art. 4", "Art. 26", "Art. 27", "Art. 49", "Art. 73"}},
		{name: "private provider of public services owes a FRIA but does not register", in: answers(aims.OperatorDeployer, points("5(d)"), with(func(a *aims.ClassificationAnswers) { a.PublicService = true })),
			tier: aims.TierHighRisk, obligations: []string{"Art. 4", "Art. 26", "Art. 27", "Art. 73"}},
		{name: "no FRIA for critical infrastructure", in: answers(aims.OperatorDeployer, points("2(a)"), with(func(a *aims.ClassificationAnswers) { a.PublicBody = true })),
			tier: aims.TierHighRisk, obligations: []string{"Art. 4", "Art. 26", "Art. 49", "Art. 73"}},
		{name: "provider and deployer", in: answers(aims.OperatorProvider, points("5(b)"), roles(aims.OperatorProvider, aims.OperatorDeployer)), tier: aims.TierHighRisk,
			obligations: []string{"Art. 4", "Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17", "Art. 26", "Art. 27", "Art. 43", "Art. 49", "Art. 72", "Art. 73"}},
		{name: "importer", in: answers(aims.OperatorImporter, points("4(a)")), tier: aims.TierHighRisk, obligations: []string{"Art. 23"}},
		{name: "distributor", in: answers(aims.OperatorDistributor, points("4(a)")), tier: aims.TierHighRisk, obligations: []string{"Art. 24"}},

		// Art. 6(1): Annex I products, with the Annex I dates.
		{name: "Annex I safety component", in: answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) {
			a.AnnexIProduct, a.AnnexIThirdParty, a.AnnexILegislation = true, true, "Regulation (EU) 2023/1230 on machinery"
		})), tier: aims.TierHighRisk, obligations: annexIProvider, basis: []string{"Art. 6(1)"},
			dates: map[string]string{"Art. 9": "2027-08-02 adopted 2028-08-02", "Art. 73": "2027-08-02 adopted 2028-08-02"}},
		{name: "Annex I product without third-party assessment", in: answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.AnnexIProduct = true })),
			tier: aims.TierMinimal, obligations: []string{"Art. 4"}, reason: "Art. 6(1) does not make it high-risk"},
		{name: "Annex I and Annex III take the earlier dates", in: answers(aims.OperatorProvider, points("2(a)"), with(func(a *aims.ClassificationAnswers) { a.AnnexIProduct, a.AnnexIThirdParty = true, true })),
			tier: aims.TierHighRisk, obligations: annexIIIProvider, basis: []string{"Art. 6(1)", "Annex III 2(a)"},
			dates: map[string]string{"Art. 9": "2026-08-02 adopted 2027-12-02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rules.Classify(eu, tt.in)
			if err != nil {
				t.Fatalf("Classify: %v", err)
			}
			if got.Tier != tt.tier {
				t.Errorf("tier %s, want %s; rationale %v", got.Tier, tt.tier, got.Rationale)
			}
			arts := []string{}
			for _, o := range got.Obligations {
				arts = append(arts, o.Article)
				if o.AppliesFrom.IsZero() || o.Status == "" || o.LegalBasis == "" || o.Title == "" || o.Because == "" || len(o.Roles) == 0 {
					t.Errorf("obligation %s lacks a date, status, legal basis, title, reason or role: %+v", o.Article, o)
				}
			}
			if diff := cmp.Diff(tt.obligations, arts); diff != "" {
				t.Errorf("obligations (-want +got):\n%s", diff)
			}
			for art, want := range tt.dates {
				i := slices.Index(arts, art)
				if i < 0 {
					t.Errorf("no obligation %s", art)
					continue
				}
				o := got.Obligations[i]
				s := o.AppliesFrom.String() + " " + o.Status
				for _, p := range o.Proposed {
					s += " " + p.Date.String()
				}
				if s != want {
					t.Errorf("%s applies %q, want %q", art, s, want)
				}
			}
			if tt.basis != nil {
				if diff := cmp.Diff(tt.basis, got.Basis); diff != "" {
					t.Errorf("basis (-want +got):\n%s", diff)
				}
			}
			last := got.Rationale[len(got.Rationale)-1]
			if !last.Own || last.Text != strings.TrimSpace(tt.in.Rationale) {
				t.Errorf("the rationale ends with %+v, want the person's own text", last)
			}
			if tt.reason != "" && !slices.ContainsFunc(got.Rationale, func(r aims.Reason) bool { return strings.Contains(r.Text, tt.reason) }) {
				t.Errorf("no reason says %q: %+v", tt.reason, got.Rationale)
			}
		})
	}
}

// Answers that name an unknown provision or contradict each other are
// refused, naming the field.
func TestClassifyRefuses(t *testing.T) {
	eu := euAct(t)
	tests := []struct {
		name  string
		in    aims.ClassificationAnswers
		field string
	}{
		{"unknown Annex III point", answers(aims.OperatorProvider, points("4(a)", "9(z)")), "annex_iii_points/1"},
		{"unknown Art. 5 practice", answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.ProhibitedPractices = []string{"5(1)(i)"} })), "prohibited_practices/0"},
		{"unknown Art. 50 paragraph", answers(aims.OperatorProvider, triggers("50(5)")), "transparency/0"},
		{"unknown 6(3) condition", answers(aims.OperatorProvider, points("4(a)"), derogation(true, "e")), "derogation_conditions/0"},
		{"point listed twice", answers(aims.OperatorProvider, points("4(a)", "Annex III 4(a)")), "annex_iii_points/1"},
		{"derogation without an Annex III area", answers(aims.OperatorProvider, derogation(false, "a")), "derogation_conditions"},
		{"no significant risk without an Annex III area", answers(aims.OperatorProvider, derogation(true)), "no_significant_risk"},
		{"third-party assessment without an Annex I product", answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.AnnexIThirdParty = true })), "annex_i_third_party"},
		{"Annex I legislation without an Annex I product", answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.AnnexILegislation = "Toy safety" })), "annex_i_legislation"},
		{"systemic risk without providing a model", answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.GPAISystemicRisk = true })), "gpai_systemic_risk"},
		{"GPAI provided without the provider role", answers(aims.OperatorDeployer, with(func(a *aims.ClassificationAnswers) { a.GPAI = aims.GPAIProvided })), "roles"},
		{"public body that does not deploy", answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.PublicBody = true })), "public_body"},
		{"developer is no operator role", answers(aims.OperatorDeveloper), "roles/0"},
		{"no role", answers(aims.OperatorProvider, roles()), "roles"},
		{"AI system not answered", answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.AISystem = nil })), "ai_system"},
		{"not an AI system with Annex III", answers(aims.OperatorProvider, points("4(a)"), with(func(a *aims.ClassificationAnswers) { a.AISystem = &no })), "annex_iii_points"},
		{"no rationale", answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.Rationale = "  " })), "rationale"},
		{"unknown GPAI answer", answers(aims.OperatorProvider, with(func(a *aims.ClassificationAnswers) { a.GPAI = "maybe" })), "gpai"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rules.Classify(eu, tt.in)
			var ae *aims.Error
			if !aims.IsKind(err, aims.KindInvalid) || !errorsAs(err, &ae) {
				t.Fatalf("err = %v, want invalid", err)
			}
			var fields []string
			for _, f := range ae.Fields {
				fields = append(fields, f.Field)
			}
			if !slices.Contains(fields, tt.field) {
				t.Errorf("refused fields %v, want %s among them: %+v", fields, tt.field, ae.Fields)
			}
		})
	}
}

// Every article the rules can name is an obligation of the catalog that
// binds someone, and has an adopted date of application.
func TestClassificationRulesMatchCatalog(t *testing.T) {
	eu := euAct(t)
	c := catalog.Builtin()
	for _, art := range rules.ReferencedArticles() {
		r, ok := c.Requirement(aims.Ref{Framework: eu.ID, ID: art})
		if !ok || r.Kind != "obligation" || len(r.Roles) == 0 {
			t.Errorf("%s: not an obligation with roles in the catalog (%+v)", art, r)
		}
		dated := false
		for _, d := range eu.Dates {
			if d.Status == "adopted" && slices.Contains(d.Requirements, art) {
				dated = true
			}
			if d.Scope != "" && d.Scope != aims.DateScopeAnnexI && d.Scope != aims.DateScopeAnnexIII {
				t.Errorf("date %s has an unknown scope %q", d.Date, d.Scope)
			}
		}
		if !dated {
			t.Errorf("%s has no adopted date of application", art)
		}
	}
}

func errorsAs(err error, target **aims.Error) bool { return errors.As(err, target) }
