package aims

import (
	"slices"
	"strings"
	"time"
)

// Tier is where the EU AI Act (Regulation (EU) 2024/1689) puts an AI
// system: the answer that decides which articles bind its provider and its
// deployer.
type Tier string

// The tiers, from the strictest.
const (
	TierProhibited   Tier = "prohibited"    // Art. 5
	TierHighRisk     Tier = "high-risk"     // Art. 6 with Annex I or Annex III
	TierTransparency Tier = "transparency"  // Art. 50 only ("limited risk")
	TierMinimal      Tier = "minimal"       // no specific obligation (Art. 95 codes)
	TierNotAISystem  Tier = "not-ai-system" // outside the definition of Art. 3(1)
)

// TierValues lists the tiers, strictest first.
func TierValues() []Tier {
	return []Tier{TierProhibited, TierHighRisk, TierTransparency, TierMinimal, TierNotAISystem}
}

// IsValid reports whether t is a known tier.
func (t Tier) IsValid() bool { return enumValid(t, TierValues()) }

// Title is the tier's name for people.
func (t Tier) Title() string {
	switch t {
	case TierProhibited:
		return "Prohibited"
	case TierHighRisk:
		return "High-risk"
	case TierTransparency:
		return "Transparency obligations"
	case TierMinimal:
		return "Minimal risk"
	case TierNotAISystem:
		return "Not an AI system"
	}
	return string(t)
}

// GPAI says how an AI system relates to a general-purpose AI model
// (Regulation 2024/1689 Art. 3(63), Chapter V).
type GPAI string

// The answers about general-purpose AI models.
const (
	GPAINone       GPAI = "none"       // no general-purpose AI model involved
	GPAIIntegrated GPAI = "integrated" // built on another provider's model
	GPAIProvided   GPAI = "provided"   // the organization provides the model
)

// GPAIValues lists the answers.
func GPAIValues() []GPAI { return []GPAI{GPAINone, GPAIIntegrated, GPAIProvided} }

// IsValid reports whether g is a known answer.
func (g GPAI) IsValid() bool { return enumValid(g, GPAIValues()) }

// ClassificationAnswers are a person's answers to the EU AI Act
// questionnaire for one AI system. Provisions are named in short form:
// "5(1)(c)" for Art. 5(1)(c), "4(a)" for Annex III point 4(a), "50(1)" for
// Art. 50(1), "a" to "d" for the conditions of Art. 6(3). The field names
// are also the questionnaire's form fields, so that a refused answer is
// shown next to its question.
type ClassificationAnswers struct {
	AISystem             *bool          `json:"ai_system" doc:"Is it an AI system in the sense of Art. 3(1)? Required."`
	Roles                []OperatorRole `json:"roles" required:"false" enum:"provider,deployer,importer,distributor" doc:"The organization's operator roles for this system (Art. 3(3) to (7)); required for an AI system"`
	PublicBody           bool           `json:"public_body" required:"false" doc:"The deployer is a public authority or another body governed by public law (Art. 27(1), Art. 49(3))"`
	PublicService        bool           `json:"public_service" required:"false" doc:"The deployer is a private entity providing public services (Art. 27(1))"`
	ProhibitedPractices  []string       `json:"prohibited_practices" required:"false" doc:"Art. 5(1) practices the system is used for, e.g. 5(1)(c)"`
	AnnexIProduct        bool           `json:"annex_i_product" required:"false" doc:"The system is a product, or a safety component of a product, covered by Union harmonisation legislation listed in Annex I (Art. 6(1)(a))"`
	AnnexIThirdParty     bool           `json:"annex_i_third_party" required:"false" doc:"That product must undergo a third-party conformity assessment under that legislation (Art. 6(1)(b))"`
	AnnexILegislation    string         `json:"annex_i_legislation" required:"false" maxLength:"500" doc:"Which Annex I legislation, e.g. Regulation (EU) 2023/1230 on machinery"`
	AnnexIIIPoints       []string       `json:"annex_iii_points" required:"false" doc:"Annex III points of the intended use, e.g. 5(b) (Art. 6(2))"`
	Profiling            bool           `json:"profiling" required:"false" doc:"The system performs profiling of natural persons (Art. 6(3), third subparagraph)"`
	DerogationConditions []string       `json:"derogation_conditions" required:"false" doc:"Conditions of Art. 6(3) that hold: a narrow procedural task, b improves a completed human activity, c detects decision patterns without replacing human assessment, d preparatory task"`
	NoSignificantRisk    bool           `json:"no_significant_risk" required:"false" doc:"The system poses no significant risk of harm to health, safety or fundamental rights, including by not materially influencing the outcome of decisions (Art. 6(3))"`
	Transparency         []string       `json:"transparency" required:"false" doc:"Art. 50 triggers: 50(1) interacts with people, 50(2) generates synthetic content, 50(3) emotion recognition or biometric categorisation, 50(4) deep fakes or public-interest text"`
	GPAI                 GPAI           `json:"gpai" required:"false" enum:"none,integrated,provided" doc:"none; integrated: built on another provider's general-purpose AI model; provided: the organization provides the model (Chapter V)"`
	GPAISystemicRisk     bool           `json:"gpai_systemic_risk" required:"false" doc:"The model provided has systemic risk (Art. 51: presumed above 10^25 training FLOPs)"`
	Rationale            string         `json:"rationale" maxLength:"8000" doc:"Why, in your own words: what the system does and why these answers hold"`
}

// Normalize trims text, drops empty list entries and reads provisions in
// any of their usual forms ("Annex III 5(b)", "Art. 50(1)", "(a)"), so that
// what is validated and stored is the short form.
func (a *ClassificationAnswers) Normalize() {
	a.AnnexILegislation = CleanText(a.AnnexILegislation)
	a.Rationale = CleanText(a.Rationale)
	strip := func(list []string, prefixes ...string) []string {
		out := []string{}
		for _, s := range list {
			s = strings.Join(strings.Fields(s), " ")
			for _, p := range prefixes {
				if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
					s = CleanText(s[len(p):])
				}
			}
			if s != "" {
				out = append(out, strings.ToLower(s))
			}
		}
		return out
	}
	a.ProhibitedPractices = strip(a.ProhibitedPractices, "Art.", "Article")
	a.AnnexIIIPoints = strip(a.AnnexIIIPoints, "Annex III", "point")
	a.Transparency = strip(a.Transparency, "Art.", "Article")
	a.DerogationConditions = strip(a.DerogationConditions, "Art. 6(3)", "6(3)")
	for i, c := range a.DerogationConditions {
		a.DerogationConditions[i] = strings.Trim(c, "() ")
	}
	if a.Roles == nil {
		a.Roles = []OperatorRole{}
	}
	if a.GPAI == "" {
		a.GPAI = GPAINone
	}
}

// IsAISystem reports whether the answers say the system is an AI system.
func (a *ClassificationAnswers) IsAISystem() bool { return a.AISystem != nil && *a.AISystem }

// HasRole reports whether the organization has role r for the system.
func (a *ClassificationAnswers) HasRole(r OperatorRole) bool { return slices.Contains(a.Roles, r) }

// ClassificationResult is what the classification rules conclude from the
// answers: the tier, the provisions that put the system there, the
// obligations that bind the organization's roles, and why.
type ClassificationResult struct {
	Tier        Tier           `json:"tier"`
	Roles       []OperatorRole `json:"roles"`
	Basis       []string       `json:"basis" doc:"The provisions that decide the tier, e.g. Annex III 5(b), Art. 50(1)"`
	Obligations []Obligation   `json:"obligations"`
	Rationale   []Reason       `json:"rationale" doc:"Plain-language reasons derived from the answers, then the person's own rationale"`
}

// Obligation is one article that binds the organization for a classified
// system, with the date from which it applies (EU AI Act Art. 113, kept as
// catalog data with its legal basis and status).
type Obligation struct {
	Article string         `json:"article"`
	Title   string         `json:"title"`
	Roles   []OperatorRole `json:"roles" doc:"The organization's roles this article binds here"`
	Because string         `json:"because" doc:"Why it applies to this system"`
	// AppliesFrom is the date in the adopted text (Status "adopted"), or,
	// when only a proposal names one, the proposed date.
	AppliesFrom Date   `json:"applies_from"`
	Status      string `json:"status" enum:"adopted,proposed"`
	LegalBasis  string `json:"legal_basis"`
	// Proposed lists amendments under way that would move or add to the
	// date (e.g. the Digital Omnibus on AI), not yet law.
	Proposed []ProposedDate `json:"proposed,omitempty"`
}

// ProposedDate is a date of application an amendment proposes.
type ProposedDate struct {
	Date       Date   `json:"date"`
	Applies    string `json:"applies"`
	LegalBasis string `json:"legal_basis"`
}

// Reason is one line of a classification's rationale. Basis cites the
// provision; Own marks the assessor's own words.
type Reason struct {
	Basis string `json:"basis,omitempty"`
	Text  string `json:"text"`
	Own   bool   `json:"own,omitempty"`
}

// Classification is one version of an AI system's EU AI Act
// classification: the answers as given, what the rules concluded then, and
// who classified it when. Versions are never changed; a new answer makes a
// new version.
type Classification struct {
	ID         string `json:"id"`
	SystemID   string `json:"system_id"`
	SystemName string `json:"system_name"`
	Version    int    `json:"version"`
	ClassificationResult
	Answers        ClassificationAnswers `json:"answers"`
	ClassifiedAt   time.Time             `json:"classified_at"`
	ClassifiedByID string                `json:"classified_by_id,omitempty"`
	ClassifiedBy   string                `json:"classified_by"`
}

// AuditLabel names the classification in the audit trail.
func (c *Classification) AuditLabel() string {
	return c.SystemName + " (EU AI Act classification v" + itoa(c.Version) + ")"
}

// EntityClassification is the audit trail's name for a classification.
const EntityClassification = "classification"

// AnswerChange is how one answer differs between two versions.
type AnswerChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// DiffClassificationAnswers lists the answers that differ from one version
// to the next, in questionnaire order.
func DiffClassificationAnswers(from, to ClassificationAnswers) []AnswerChange {
	a, b := from.Fields(), to.Fields()
	out := []AnswerChange{}
	for i := range a {
		if a[i].Value != b[i].Value {
			out = append(out, AnswerChange{Field: a[i].Field, From: a[i].Value, To: b[i].Value})
		}
	}
	return out
}

// AnswerField is one answer written as text.
type AnswerField struct {
	Field string // the answer's JSON name
	Value string
}

// Fields writes each answer as text, in questionnaire order: yes or no,
// lists joined with commas.
func (a ClassificationAnswers) Fields() []AnswerField {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	ai := ""
	if a.AISystem != nil {
		ai = yes(*a.AISystem)
	}
	roles := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = string(r)
	}
	gpai := string(a.GPAI)
	if gpai == "" {
		gpai = string(GPAINone)
	}
	list := func(l []string) string { return strings.Join(l, ", ") }
	return []AnswerField{
		{"ai_system", ai},
		{"roles", list(roles)},
		{"public_body", yes(a.PublicBody)},
		{"public_service", yes(a.PublicService)},
		{"prohibited_practices", list(a.ProhibitedPractices)},
		{"annex_i_product", yes(a.AnnexIProduct)},
		{"annex_i_third_party", yes(a.AnnexIThirdParty)},
		{"annex_i_legislation", a.AnnexILegislation},
		{"annex_iii_points", list(a.AnnexIIIPoints)},
		{"profiling", yes(a.Profiling)},
		{"derogation_conditions", list(a.DerogationConditions)},
		{"no_significant_risk", yes(a.NoSignificantRisk)},
		{"transparency", list(a.Transparency)},
		{"gpai", gpai},
		{"gpai_systemic_risk", yes(a.GPAISystemicRisk)},
		{"rationale", a.Rationale},
	}
}

// Equal reports whether two sets of answers say the same.
func (a ClassificationAnswers) Equal(b ClassificationAnswers) bool {
	return len(DiffClassificationAnswers(a, b)) == 0
}

// ImpactClass is how much an AI system can affect people, safety or the
// organization, derived by a rule table (package rules) from its autonomy,
// impact domains, impact assessment and classification. Later requirements
// (release gates, review frequency) scale with it.
type ImpactClass string

// The impact classes, from the lowest.
const (
	ImpactLow    ImpactClass = "low"
	ImpactMedium ImpactClass = "medium"
	ImpactHigh   ImpactClass = "high"
)

// ImpactClassValues lists the classes, lowest first.
func ImpactClassValues() []ImpactClass { return []ImpactClass{ImpactLow, ImpactMedium, ImpactHigh} }

// IsValid reports whether c is a known class.
func (c ImpactClass) IsValid() bool { return enumValid(c, ImpactClassValues()) }

// Title is the class's name for people.
func (c ImpactClass) Title() string { return titleOf(string(c)) + " impact" }
