package demo

import "github.com/aimsproject/aims/internal/aims"

// The demo organization's risk register and impact assessments (issue 4):
// realistic risks of each demo AI system, treated with Annex A controls.

// demoRisk is one risk of the demo register. Dates are days from the day
// the demo is loaded, so that some reviews and actions are overdue.
type demoRisk struct {
	system, owner    string // system name ("" for the organization), owner email
	title, desc      string
	source           aims.RiskSource
	chars            []aims.Characteristic
	l, c, rl, rc     int
	treatment        aims.TreatmentOption
	plan             string
	controls         []string
	review           int // days from today; 0 for none
	status           aims.RiskStatus
	accept, acceptBy string // rationale, and who accepts (an email)
	actions          []demoAction
	fromImpact       aims.ImpactArea // raised from the system's impact assessment
}

type demoAction struct {
	title, owner string
	due          int
	status       aims.ActionStatus
}

func annexC(id string) aims.RiskSource { return aims.RiskSource{Kind: aims.SourceAnnexC, ID: id} }
func gai(id string) aims.RiskSource    { return aims.RiskSource{Kind: aims.SourceNISTGAI, ID: id} }

const (
	demoOptimizer   = "Dewatering setpoint optimizer"
	demoCredit      = "Consumer credit scoring"
	demoCV          = "CV screening assistant"
	demoChatbot     = "Customer service chatbot"
	demoMaintenance = "Press section predictive maintenance"
	demoManager     = "manager@demo.example"
)

var demoRisks = []demoRisk{
	{system: demoOptimizer, owner: "owner@demo.example", title: "Polymer dose driven to its limit when the moisture probe drifts",
		desc:   "The optimizer trusts the cake moisture probe. A fouled or drifting probe reads too wet, and the optimizer raises the polymer dose to the upper limit for hours: polymer is wasted, and over-dosed sludge can blind the centrifuge and force a stop.",
		source: annexC("C.3.5"), chars: []aims.Characteristic{aims.ValidReliable, aims.Safe}, l: 3, c: 4, rl: 2, rc: 3,
		treatment: aims.TreatMitigate, plan: "Plausibility check of the probe against torque and feed flow in the PLC; monthly calibration; an alarm when the dose sits at a limit for 30 minutes.",
		controls: []string{"A.6.2.6", "A.6.2.4", "A.7.4"}, review: 120, status: aims.RiskInTreatment,
		actions: []demoAction{{"Plausibility check of the moisture probe in the PLC", "owner@demo.example", -60, aims.ActionDone},
			{"Record the monthly probe calibration in the maintenance system", "erik.lindqvist@demo.example", -12, aims.ActionInProgress}}},
	{system: demoOptimizer, owner: "owner@demo.example", title: "Operators stop watching cake dryness once the optimizer runs",
		desc:   "After months of good results operators rarely look at the dryness trend, so a slow degradation of the optimizer would be noticed late.",
		source: annexC("C.3.3"), chars: []aims.Characteristic{aims.AccountableTransparent, aims.Safe}, l: 3, c: 3, rl: 2, rc: 3,
		treatment: aims.TreatMitigate, plan: "Shift hand-over includes the dryness trend; refresher training on when to switch to manual.",
		controls: []string{"A.9.2", "A.4.6", "A.8.2"}, review: 180, status: aims.RiskAccepted, acceptBy: "owner@demo.example",
		accept: "Residual medium is within appetite: hand-over checks are in the shift routine and the PLC falls back to the base setpoint on its own."},
	{system: demoOptimizer, owner: "owner@demo.example", title: "Vendor changes the model without our acceptance test",
		desc:   "Aquametrics retrains the model on its reference data; a new version could behave differently on Line 2's sludge.",
		source: annexC("C.3.6"), chars: []aims.Characteristic{aims.ValidReliable}, l: 2, c: 4, rl: 1, rc: 4,
		treatment: aims.TreatShare, plan: "The contract gives 30 days' notice of model changes and lets us stay on a version; every new version runs two weeks in shadow mode first.",
		controls: []string{"A.10.3", "A.10.2", "A.6.2.5"}, review: 200, status: aims.RiskInTreatment},
	{system: demoOptimizer, owner: "owner@demo.example", title: "Edge controller overload delays setpoint updates",
		desc:   "The line's edge controller also runs the vibration collector; under load, setpoints arrive late and the dose lags the feed.",
		source: annexC("C.3.5"), chars: []aims.Characteristic{aims.SecureResilient, aims.ValidReliable}, l: 2, c: 3,
		treatment: aims.TreatMitigate, plan: "Measure the controller's load; move the vibration collector if needed.",
		controls: []string{"A.6.2.6", "A.4.5"}, review: -10, status: aims.RiskOpen},
	{system: demoCredit, owner: "marta.kowalski@demo.example", title: "Scorecard declines some groups more often without a credit reason",
		desc:   "Bureau attributes such as length of credit history correlate with age and migration background; the scorecard may decline these applicants more often than their repayment justifies.",
		source: annexC("C.3.4"), chars: []aims.Characteristic{aims.Fair}, l: 3, c: 4, rl: 2, rc: 4,
		treatment: aims.TreatMitigate, plan: "Disparity testing at each validation; quarterly monitoring of approval rates by age band; second look at every decline.",
		controls: []string{"A.5.4", "A.7.4", "A.6.2.4", "A.6.2.6"}, review: 90, status: aims.RiskInTreatment,
		actions: []demoAction{{"Quarterly approval-rate report by age band to the model risk committee", "marta.kowalski@demo.example", 20, aims.ActionPlanned},
			{"Review of reject inference in the training data", "contributor@demo.example", -90, aims.ActionDone}}},
	{system: demoCredit, owner: "marta.kowalski@demo.example", title: "Applicants get no meaningful reason for a decline",
		desc:   "Reason codes come from the scorecard's points; officers sometimes pass them on without explaining them.",
		source: annexC("C.3.2"), chars: []aims.Characteristic{aims.ExplainableInterpretable, aims.AccountableTransparent}, l: 2, c: 4, rl: 1, rc: 3,
		treatment: aims.TreatMitigate, plan: "Plain-language reason texts reviewed by the complaints team; every applicant may ask for a review by a person.",
		controls: []string{"A.8.2", "A.9.4", "A.5.4"}, review: 240, status: aims.RiskAccepted, acceptBy: "marta.kowalski@demo.example",
		accept: "Low residual risk: reason texts are in place and reviews by a person are offered on every decline."},
	{system: demoCredit, owner: "marta.kowalski@demo.example", title: "Calibration drifts for loans over 20,000",
		desc:   "Large loans are rare in the training data; the predicted default rate for them drifted from the observed one before.",
		source: annexC("C.3.6"), chars: []aims.Characteristic{aims.ValidReliable}, l: 4, c: 4, rl: 3, rc: 4,
		treatment: aims.TreatRetain, plan: "Monthly calibration report; officers apply a manual overlay above 20,000 until cs-2025.1 is in use.",
		controls: []string{"A.6.2.6", "A.6.2.4"}, review: 60, status: aims.RiskAccepted, acceptBy: demoManager,
		accept: "Above appetite, accepted until the refit replaces cs-2024.1: the manual overlay limits the loss, and the model risk committee watches the monthly report."},
	{system: demoCV, owner: "david.chen@demo.example", title: "Suggested reading order favours candidates who write like the model",
		source: gai("GAI-6"), chars: []aims.Characteristic{aims.Fair}, rl: 2, rc: 4, fromImpact: aims.AreaFairness,
		treatment: aims.TreatMitigate, plan: "Selection-rate review by gender and age band on every release and quarterly; recruiters read every application whatever the order.",
		controls: []string{"A.5.4", "A.6.2.4", "A.9.2", "A.10.3"}, review: 90, status: aims.RiskInTreatment,
		actions: []demoAction{{"Quarterly selection-rate review by gender and age band", "david.chen@demo.example", 25, aims.ActionPlanned}}},
	{system: demoCV, owner: "david.chen@demo.example", title: "Summaries state qualifications the applicant does not have",
		desc:   "The language model sometimes fills gaps, e.g. overstating years of experience.",
		source: gai("GAI-2"), chars: []aims.Characteristic{aims.ValidReliable}, l: 3, c: 3, rl: 2, rc: 3,
		treatment: aims.TreatMitigate, plan: "Summaries quote the application for every claim; recruiters check claims that decide a shortlist.",
		controls: []string{"A.6.2.4", "A.9.4", "A.8.2"}, review: 120, status: aims.RiskInTreatment,
		actions: []demoAction{{"Add quotation checks to the evaluation set", "contributor@demo.example", -5, aims.ActionInProgress}}},
	{system: demoChatbot, owner: "aisha.rahman@demo.example", title: "Wrong answer about an invoice or a refund",
		source: gai("GAI-2"), chars: []aims.Characteristic{aims.ValidReliable}, l: 4, c: 2, rl: 2, rc: 2,
		desc:      "Answers come from knowledge articles; an outdated article gave wrong refund deadlines before.",
		treatment: aims.TreatMitigate, plan: "Articles past their review date are excluded; invoice and refund questions offer an agent.",
		controls: []string{"A.6.2.6", "A.8.2", "A.9.4"}, review: 150, status: aims.RiskAccepted, acceptBy: "aisha.rahman@demo.example",
		accept: "Low residual risk after excluding outdated articles; customers can reach an agent in every conversation."},
	{system: demoChatbot, owner: "aisha.rahman@demo.example", title: "Customers' personal data ends up in the platform's logs",
		desc:   "Customers paste account numbers and addresses into the chat; the platform keeps transcripts for 90 days.",
		source: gai("GAI-4"), chars: []aims.Characteristic{aims.PrivacyEnhanced}, l: 4, c: 3, rl: 2, rc: 3,
		treatment: aims.TreatMitigate, plan: "Redaction of account numbers before storage; retention cut to 30 days under the DPA.",
		controls: []string{"A.10.3", "A.6.2.8", "A.7.3"}, review: -3, status: aims.RiskInTreatment},
	{system: demoMaintenance, owner: "erik.lindqvist@demo.example", title: "A bearing failure is missed after a sensor is replaced",
		desc:   "A replaced accelerometer reads differently; the model was trained on the old one and may not flag a failing bearing.",
		source: annexC("C.3.6"), chars: []aims.Characteristic{aims.ValidReliable, aims.Safe}, l: 2, c: 4, rl: 2, rc: 3,
		treatment: aims.TreatMitigate, plan: "Sensor changes trigger a check of the model's inputs; route inspections continue as before.",
		controls: []string{"A.6.2.6", "A.7.4"}, review: 150, status: aims.RiskInTreatment},
	{owner: demoManager, title: "Staff use public generative-AI tools with company data",
		desc:   "People paste documents into public chatbots to summarise them, outside every AI system in the inventory.",
		source: gai("GAI-4"), chars: []aims.Characteristic{aims.PrivacyEnhanced, aims.SecureResilient}, l: 4, c: 3, rl: 3, rc: 3,
		treatment: aims.TreatMitigate, plan: "AI policy section on public tools; an approved enterprise assistant; awareness training.",
		controls: []string{"A.2.2", "A.4.6", "A.9.2"}, review: 45, status: aims.RiskInTreatment,
		actions: []demoAction{{"Awareness training for all office staff", demoManager, 40, aims.ActionInProgress}}},
}
