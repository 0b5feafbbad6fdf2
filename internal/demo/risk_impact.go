package demo

import "github.com/aimsproject/aims/internal/aims"

// demoImpact is the signed-off impact assessment of one demo system.
type demoImpact struct {
	system, misuse, affected, conclusion string
	parties                              []aims.AffectedParty
	areas                                []aims.ImpactAreaAssessment
}

func area(a aims.ImpactArea, severity, likelihood int, people, mitigations string, residual aims.ImpactLevel) aims.ImpactAreaAssessment {
	return aims.ImpactAreaAssessment{Area: a, Severity: severity, Likelihood: likelihood, People: people, Mitigations: mitigations, Residual: residual}
}

func notApplicable(a aims.ImpactArea, why string) aims.ImpactAreaAssessment {
	return aims.ImpactAreaAssessment{Area: a, NotApplicable: true, Notes: why}
}

var (
	individuals = aims.PartyIndividuals
	groups      = aims.PartyGroups
	society     = aims.PartySociety
	environment = aims.PartyEnvironment
)

var demoImpacts = []demoImpact{
	{system: demoOptimizer, parties: []aims.AffectedParty{individuals, environment},
		misuse:   "Raising the dose limits to chase dryness during a quality complaint; running it while the moisture probe is out of calibration.",
		affected: "Line 2 operators and maintenance staff (about 25 people); the river downstream of the mill's treatment plant.",
		areas: []aims.ImpactAreaAssessment{
			notApplicable(aims.AreaFairness, "Makes no decision about people."),
			area(aims.AreaSafety, 3, 2, "Line 2 operators and maintenance staff", "Dose limits in the PLC; manual mode at the HMI; fallback to the base setpoint when the probe signal is lost.", aims.ResidualLow),
			notApplicable(aims.AreaPrivacy, "Uses process data only."),
			area(aims.AreaTransparency, 2, 3, "Operators", "The HMI shows the optimizer's setpoint beside the base setpoint and the reason codes of its last change.", aims.ResidualLow),
			area(aims.AreaHumanOversight, 3, 3, "Operators and the production manager", "Manual mode at any time; shift hand-over checks the dryness trend.", aims.ResidualMedium),
			area(aims.AreaSecurity, 3, 2, "The whole line", "The edge controller sits in the OT network zone; setpoint writes are limited to one PLC tag.", aims.ResidualLow),
			area(aims.AreaEnvironment, 3, 2, "The river downstream; polymer use", "Polymer dose limits; effluent monitoring by the treatment plant.", aims.ResidualLow),
			notApplicable(aims.AreaFundamentalRights, "Affects no one's rights: it sets a chemical dose."),
			area(aims.AreaEmployment, 1, 2, "Line 2 operators", "No change to staffing; operators keep authority over the line.", aims.ResidualNone),
		},
		conclusion: "Acceptable with the safeguards in place. Medium residual impact on oversight, treated in the risk register."},
	{system: demoCredit, parties: []aims.AffectedParty{individuals, groups},
		misuse:   "Using the score to set collection strategies or marketing offers; declining without a credit officer's decision.",
		affected: "About 40,000 loan applicants a year, and groups who may be under-represented in the training data.",
		areas: []aims.ImpactAreaAssessment{
			area(aims.AreaFairness, 4, 3, "Applicants by age band and migration background", "Disparity testing at each validation; second look at every decline.", aims.ResidualMedium),
			notApplicable(aims.AreaSafety, "No physical harm can follow from a score."),
			area(aims.AreaPrivacy, 3, 2, "All applicants", "Bureau data used only for credit decisions under the DPA; retention as required by law.", aims.ResidualLow),
			area(aims.AreaTransparency, 3, 3, "Declined applicants", "Plain-language reasons for every decline.", aims.ResidualLow),
			area(aims.AreaHumanOversight, 4, 2, "All applicants", "A credit officer approves every decision; applicants may ask for a review by a person.", aims.ResidualLow),
			area(aims.AreaSecurity, 3, 2, "All applicants", "The scoring service runs in the bank's zone; access is logged.", aims.ResidualLow),
			notApplicable(aims.AreaEnvironment, "Negligible computing; no physical process."),
			area(aims.AreaFundamentalRights, 4, 3, "Applicants' access to credit", "Human decision, reasons, and review on request.", aims.ResidualMedium),
			notApplicable(aims.AreaEmployment, "Affects applicants, not workers."),
		},
		conclusion: "High-risk use under the EU AI Act (Annex III 5(b)). Acceptable with the human decision and the fairness monitoring in place."},
	{system: demoCV, parties: []aims.AffectedParty{individuals, groups},
		misuse:   "Shortlisting on the suggested order without reading the applications; using it for internal promotions.",
		affected: "About 12,000 applicants a year and the recruiters who read their applications.",
		areas: []aims.ImpactAreaAssessment{
			area(aims.AreaFairness, 4, 3, "Applicants by gender and age band", "Names, photos and contact details removed; selection-rate ratios measured on the evaluation set (0.93 and 0.90).", aims.ResidualHigh),
			notApplicable(aims.AreaSafety, "No physical harm can follow from a summary."),
			area(aims.AreaPrivacy, 3, 3, "All applicants", "Enterprise terms: no training on our data, data stays in the EU; identifying details removed first.", aims.ResidualLow),
			area(aims.AreaTransparency, 3, 3, "Applicants", "Applicants are told that an AI tool assists the recruiters.", aims.ResidualLow),
			area(aims.AreaHumanOversight, 4, 2, "Applicants", "Recruiters read every application and decide the shortlist.", aims.ResidualMedium),
			area(aims.AreaSecurity, 3, 2, "All applicants", "Prompt templates are version-controlled; text from applications cannot change the instructions.", aims.ResidualLow),
			notApplicable(aims.AreaEnvironment, "A few thousand model calls a month; negligible."),
			area(aims.AreaFundamentalRights, 4, 3, "Applicants' access to work", "Human decision on every shortlist; complaints route through HR.", aims.ResidualMedium),
			area(aims.AreaEmployment, 4, 3, "Applicants and recruiters", "Recruiters remain the decision makers; no change to their roles.", aims.ResidualMedium),
		},
		conclusion: "High-risk use under the EU AI Act (Annex III 4(a)). The fairness impact stays high: raised as a risk and treated."},
	{system: demoChatbot, parties: []aims.AffectedParty{individuals},
		misuse:   "Customers asking it for legal or financial advice; agents leaving complaints to it.",
		affected: "About 9,000 customer conversations a month.",
		areas: []aims.ImpactAreaAssessment{
			area(aims.AreaFairness, 2, 2, "Customers writing in other languages", "Hands over to an agent when it is unsure of the language.", aims.ResidualLow),
			notApplicable(aims.AreaSafety, "Answers order questions; no physical effect."),
			area(aims.AreaPrivacy, 3, 4, "Customers who paste personal data", "Redaction of account numbers; 30 days' retention.", aims.ResidualMedium),
			area(aims.AreaTransparency, 2, 2, "All customers", "Told at the start that they chat with an AI (EU AI Act Art. 50(1)).", aims.ResidualNone),
			area(aims.AreaHumanOversight, 2, 2, "All customers", "Agents can take over; customers may ask for a person at any time.", aims.ResidualLow),
			area(aims.AreaSecurity, 3, 3, "The shop's customers", "Answers only from knowledge articles; no access to orders' payment data.", aims.ResidualLow),
			notApplicable(aims.AreaEnvironment, "Runs on the supplier's shared platform; negligible."),
			area(aims.AreaFundamentalRights, 2, 1, "Customers", "Complaints always go to an agent.", aims.ResidualNone),
			area(aims.AreaEmployment, 2, 3, "Customer service agents", "Agents handle fewer routine questions; staffing agreed with the works council.", aims.ResidualLow),
		},
		conclusion: "Limited-risk use with transparency duties. Acceptable; privacy treated in the register."},
	{system: demoMaintenance, parties: []aims.AffectedParty{individuals, society},
		misuse:   "Skipping route inspections because the board shows no warning.",
		affected: "Maintenance planners and the PM3 crew (about 40 people).",
		areas: []aims.ImpactAreaAssessment{
			notApplicable(aims.AreaFairness, "Makes no decision about people."),
			area(aims.AreaSafety, 3, 2, "PM3 crew", "Route inspections continue; the model only adds warnings.", aims.ResidualLow),
			notApplicable(aims.AreaPrivacy, "Uses machine data only."),
			area(aims.AreaTransparency, 1, 2, "Planners", "Each warning shows the signals behind it.", aims.ResidualNone),
			area(aims.AreaHumanOversight, 2, 2, "Planners", "Planners decide every job; the model changes nothing on the machine.", aims.ResidualNone),
			area(aims.AreaSecurity, 2, 2, "PM3", "Read-only access to the historian.", aims.ResidualNone),
			area(aims.AreaEnvironment, 2, 2, "The mill", "Fewer breakdowns mean less waste paper.", aims.ResidualNone),
			notApplicable(aims.AreaFundamentalRights, "Affects no one's rights."),
			area(aims.AreaEmployment, 1, 1, "Maintenance staff", "No change to roles.", aims.ResidualNone),
		},
		conclusion: "Minimal risk. Acceptable as is."},
}
