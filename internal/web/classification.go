package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/service"
)

// registerClassification mounts the EU AI Act pages: the questionnaire,
// the result, its history, and the portfolio summary.
func (ui *UI) registerClassification(r chi.Router) {
	r.Get("/classifications", ui.handle(ui.classificationSummary))
	r.Get("/systems/{id}/classification", ui.handle(ui.classificationResult))
	r.Post("/systems/{id}/classification", ui.handle(ui.classificationSave))
	r.Get("/systems/{id}/classification/edit", ui.handle(ui.questionnairePage))
	r.Get("/systems/{id}/classification/questions", ui.handle(ui.questionnaireQuestions))
	r.Get("/systems/{id}/classification/history", ui.handle(ui.classificationHistory))
	r.Post("/systems/{id}/obligations", ui.handle(ui.obligationSet))
}

func classificationURL(systemID string) string { return "/systems/" + systemID + "/classification" }

// questionnaire is the classification form of one system.
type questionnaire struct {
	System  *aims.AISystem
	Answers aims.ClassificationAnswers
	// All shows every question; otherwise follow-up questions whose
	// answer cannot matter are left out (htmx asks for that view as the
	// answers change; without JavaScript every question stays on the page).
	All    bool
	Errors formErrors
	Areas  []areaView
	// Practices, Triggers: Art. 5(1) practices and Art. 50 paragraphs.
	Practices, Triggers []choiceView
	Conditions          [][2]string // Art. 6(3) (a) to (d)
	Version             int         // the version the answers come from; 0 for none
}

// areaView is an Annex III area with its points.
type areaView struct {
	ID, Title string
	Points    []choiceView
}

// choiceView is one provision a person can tick.
type choiceView struct {
	ID, Title, Text string
}

// Show reports whether a follow-up question is on the page.
func (q questionnaire) Show(section string) bool {
	if q.All {
		return true
	}
	a := q.Answers
	aiKnownNo := a.AISystem != nil && !*a.AISystem
	switch section {
	case "public":
		return a.HasRole(aims.OperatorDeployer)
	case "act":
		return !aiKnownNo
	case "annex_i_more":
		return !aiKnownNo && a.AnnexIProduct
	case "derogation":
		return !aiKnownNo && len(a.AnnexIIIPoints) > 0
	case "systemic":
		return a.GPAI == aims.GPAIProvided
	}
	return true
}

// Has reports whether a list answer holds value.
func (q questionnaire) Has(field, value string) bool {
	a := q.Answers
	switch field {
	case "roles":
		return a.HasRole(aims.OperatorRole(value))
	case "prohibited_practices":
		return slices.Contains(a.ProhibitedPractices, value)
	case "annex_iii_points":
		return slices.Contains(a.AnnexIIIPoints, value)
	case "derogation_conditions":
		return slices.Contains(a.DerogationConditions, value)
	case "transparency":
		return slices.Contains(a.Transparency, value)
	}
	return false
}

// AIAnswer is the first question's answer as the radio buttons read it.
func (q questionnaire) AIAnswer() string {
	if q.Answers.AISystem == nil {
		return ""
	}
	return strconv.FormatBool(*q.Answers.AISystem)
}

// newQuestionnaire lays out the questions from the EU AI Act catalog.
func newQuestionnaire(sys *aims.AISystem, a aims.ClassificationAnswers) questionnaire {
	q := questionnaire{System: sys, Answers: a, Conditions: rules.DerogationConditions()}
	for _, r := range service.EUAIAct().Requirements {
		switch {
		case r.Kind == "prohibited-practice":
			q.Practices = append(q.Practices, choiceView{ID: strings.TrimPrefix(r.ID, "Art. "), Title: r.Title, Text: r.Text})
		case r.Kind == "annex-iii-area":
			q.Areas = append(q.Areas, areaView{ID: strings.TrimPrefix(r.ID, "Annex III "), Title: r.Title})
		case r.Kind == "annex-iii-point" && len(q.Areas) > 0:
			ar := &q.Areas[len(q.Areas)-1]
			ar.Points = append(ar.Points, choiceView{ID: strings.TrimPrefix(r.ID, "Annex III "), Title: r.Title, Text: r.Text})
		case r.Kind == "obligation" && r.Parent == "Art. 50":
			q.Triggers = append(q.Triggers, choiceView{ID: strings.TrimPrefix(r.ID, "Art. "), Title: r.Title, Text: r.Text})
		}
	}
	return q
}

// answersFromForm reads the questionnaire. Field names are the answers'
// JSON names, so that a refused answer shows next to its question.
func answersFromForm(f url.Values) aims.ClassificationAnswers {
	a := aims.ClassificationAnswers{
		Roles: enumList[aims.OperatorRole](f["roles"]), PublicBody: f.Get("public_body") == "true", PublicService: f.Get("public_service") == "true",
		ProhibitedPractices: f["prohibited_practices"], AnnexIProduct: f.Get("annex_i_product") == "true",
		AnnexIThirdParty: f.Get("annex_i_third_party") == "true", AnnexILegislation: f.Get("annex_i_legislation"),
		AnnexIIIPoints: f["annex_iii_points"], Profiling: f.Get("profiling") == "true", DerogationConditions: f["derogation_conditions"],
		NoSignificantRisk: f.Get("no_significant_risk") == "true", Transparency: f["transparency"], GPAI: aims.GPAI(f.Get("gpai")),
		GPAISystemicRisk: f.Get("gpai_systemic_risk") == "true", Rationale: f.Get("rationale"),
	}
	if v := f.Get("ai_system"); v == "true" || v == "false" {
		b := v == "true"
		a.AISystem = &b
	}
	return a
}

// defaultAnswers starts a first classification from what the inventory
// says: the Act's operator roles (a developer is a provider).
func defaultAnswers(sys *aims.AISystem) aims.ClassificationAnswers {
	a := aims.ClassificationAnswers{GPAI: aims.GPAINone}
	for _, r := range sys.OperatorRoles {
		if r == aims.OperatorDeveloper {
			r = aims.OperatorProvider
		}
		if !a.HasRole(r) {
			a.Roles = append(a.Roles, r)
		}
	}
	return a
}

// loadQuestionnaire reads the system and its current answers, for a
// person who may classify it.
func (ui *UI) loadQuestionnaire(r *http.Request) (questionnaire, error) {
	ctx := r.Context()
	sys, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return questionnaire{}, err
	}
	if err := ui.allowed(r, viewer(r).CanEditSystem(sys.OwnerID), "classify this AI system"); err != nil {
		return questionnaire{}, err
	}
	a, version := defaultAnswers(sys), 0
	cur, err := ui.Svc.FindClassification(ctx, sys.ID)
	switch {
	case err == nil:
		a, version = cur.Answers, cur.Version
	case !aims.IsKind(err, aims.KindNotFound):
		return questionnaire{}, err
	}
	q := newQuestionnaire(sys, a)
	q.Version = version
	return q, nil
}

func (ui *UI) questionnairePage(w http.ResponseWriter, r *http.Request) error {
	q, err := ui.loadQuestionnaire(r)
	if err != nil {
		return err
	}
	q.All = true
	return render(w, r, http.StatusOK, QuestionnairePage(ui.page(r, "Classify "+q.System.Name, "systems"), q))
}

// questionnaireQuestions answers htmx with the questions that matter for
// the answers given so far.
func (ui *UI) questionnaireQuestions(w http.ResponseWriter, r *http.Request) error {
	q, err := ui.loadQuestionnaire(r)
	if err != nil {
		return err
	}
	q.Answers = answersFromForm(r.URL.Query())
	return render(w, r, http.StatusOK, questions(q))
}

func (ui *UI) classificationSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	a := answersFromForm(r.PostForm)
	c, changed, err := ui.Svc.ClassifySystem(r.Context(), id, a)
	if fe, ok := fieldErrors(err); ok {
		q, lerr := ui.loadQuestionnaire(r)
		if lerr != nil {
			return lerr
		}
		q.Answers, q.All, q.Errors = a, true, fe
		return render(w, r, errorStatus(err), QuestionnairePage(ui.page(r, "Classify "+q.System.Name, "systems"), q))
	}
	if err != nil {
		return err
	}
	msg := "Classified as " + c.Tier.Title() + " (version " + strconv.Itoa(c.Version) + ")."
	if !changed {
		msg = "The answers are those of version " + strconv.Itoa(c.Version) + ": nothing changed."
	}
	return ui.done(w, r, msg, classificationURL(id))
}

// classificationView is the result page of one system.
type classificationView struct {
	System         *aims.AISystem
	Classification *aims.Classification // nil when not classified yet
	Impact         *service.ImpactClassView
}

// classificationPanel reads a system's current classification (nil when
// there is none) and impact class.
func (ui *UI) classificationPanel(r *http.Request, sys *aims.AISystem) (classificationView, error) {
	ctx := r.Context()
	v := classificationView{System: sys}
	var err error
	v.Classification, err = ui.Svc.FindClassification(ctx, sys.ID)
	if err != nil && !aims.IsKind(err, aims.KindNotFound) {
		return v, err
	}
	v.Impact, err = ui.Svc.SystemImpactClass(ctx, sys.ID)
	return v, err
}

func (ui *UI) classificationResult(w http.ResponseWriter, r *http.Request) error {
	sys, err := ui.Svc.FindSystemByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	v, err := ui.classificationPanel(r, sys)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, ClassificationPage(ui.page(r, "EU AI Act classification of "+sys.Name, "systems"), v))
}

// historyEntry is one version with how its answers differ from the
// version before it.
type historyEntry struct {
	Classification *aims.Classification
	Changes        []aims.AnswerChange
}

func (ui *UI) classificationHistory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sys, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	versions, err := ui.Svc.FindClassificationVersions(ctx, sys.ID)
	if err != nil {
		return err
	}
	entries := make([]historyEntry, len(versions))
	for i, c := range versions {
		entries[i].Classification = c
		if i+1 < len(versions) {
			entries[i].Changes = aims.DiffClassificationAnswers(versions[i+1].Answers, c.Answers)
		}
	}
	return render(w, r, http.StatusOK, ClassificationHistoryPage(ui.page(r, "Classification history of "+sys.Name, "systems"), sys, entries))
}

func (ui *UI) classificationSummary(w http.ResponseWriter, r *http.Request) error {
	sum, err := ui.Svc.ClassificationSummary(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, ClassificationSummaryPage(ui.page(r, "EU AI Act classification", "classifications"), sum))
}

// questionLabels name each answer in the history's diff.
var questionLabels = map[string]string{
	"ai_system":             "AI system (Art. 3(1))",
	"roles":                 "Operator roles",
	"public_body":           "Public authority or body governed by public law",
	"public_service":        "Private entity providing public services",
	"prohibited_practices":  "Prohibited practices (Art. 5)",
	"annex_i_product":       "Annex I product or safety component (Art. 6(1))",
	"annex_i_third_party":   "Third-party conformity assessment",
	"annex_i_legislation":   "Annex I legislation",
	"annex_iii_points":      "Annex III points (Art. 6(2))",
	"profiling":             "Profiling of natural persons",
	"derogation_conditions": "Art. 6(3) conditions",
	"no_significant_risk":   "No significant risk of harm (Art. 6(3))",
	"transparency":          "Transparency triggers (Art. 50)",
	"gpai":                  "General-purpose AI model",
	"gpai_systemic_risk":    "Systemic risk (Art. 51)",
	"rationale":             "Rationale",
}

func questionLabel(field string) string {
	if l, ok := questionLabels[field]; ok {
		return l
	}
	return fieldLabel(field)
}

// tierBadge picks the badge style of a tier.
func tierBadge(t aims.Tier) string {
	switch t {
	case aims.TierProhibited:
		return "badge tier-prohibited"
	case aims.TierHighRisk:
		return "badge tier-high-risk"
	case aims.TierTransparency:
		return "badge tier-transparency"
	case aims.TierMinimal:
		return "badge ok"
	}
	return "badge"
}

// impactBadge picks the badge style of an impact class.
func impactBadge(c aims.ImpactClass) string {
	switch c {
	case aims.ImpactHigh:
		return "badge tier-high-risk"
	case aims.ImpactMedium:
		return "badge warn"
	}
	return "badge ok"
}

// rolesText writes operator roles for people.
func rolesText(rs []aims.OperatorRole) string { return titles(rs, operatorRoleLabel) }

// roleChoices are the Act's operator roles with what each means (our
// summaries of Art. 3).
var roleChoices = []choiceView{
	{ID: "provider", Title: "Provider", Text: "Develops the system, or has it developed, and places it on the market or puts it into service under its own name, also for its own use (Art. 3(3))."},
	{ID: "deployer", Title: "Deployer", Text: "Uses the system under its authority, other than for personal non-professional use (Art. 3(4))."},
	{ID: "importer", Title: "Importer", Text: "Established in the Union, places on the market a system bearing the name of a provider established outside it (Art. 3(6))."},
	{ID: "distributor", Title: "Distributor", Text: "Makes the system available on the Union market, being neither its provider nor its importer (Art. 3(7))."},
}

// gpaiChoices are the answers about general-purpose AI models.
var gpaiChoices = []choiceView{
	{ID: string(aims.GPAINone), Title: "No general-purpose AI model is involved"},
	{ID: string(aims.GPAIIntegrated), Title: "It is built on another provider's general-purpose AI model (e.g. a large language model under licence)"},
	{ID: string(aims.GPAIProvided), Title: "Our organization provides the general-purpose AI model (places it on the market)"},
}

// choiceID is the element id of one tickable answer: "4(a)" becomes
// "annex_iii_points-4-a", an id that CSS selectors need not escape.
func choiceID(field, value string) string {
	r := strings.NewReplacer("(", "-", ")", "", " ", "-", ".", "")
	return field + "-" + strings.Trim(r.Replace(value), "-")
}

// impactClass is the impact class as the pages show it.
type impactClass = service.ImpactClassView

// statusClass styles the status of a date of application.
func statusClass(status string) string {
	if status == "proposed" {
		return "badge warn"
	}
	return "badge"
}

// AreaTicked reports whether a point of an Annex III area is ticked, so
// that the area opens.
func (q questionnaire) AreaTicked(a areaView) bool {
	return slices.ContainsFunc(a.Points, func(c choiceView) bool { return q.Has("annex_iii_points", c.ID) })
}

// firstTrigger is when htmx asks for the questions after the first one
// changes. On a fresh page it also asks at once, to leave out the
// follow-ups that cannot matter yet; a page that shows refused answers
// keeps every question, so that each message stays next to its own.
func (q questionnaire) firstTrigger() string {
	if q.All && len(q.Errors) == 0 {
		return "load, change consume"
	}
	return "change consume"
}
