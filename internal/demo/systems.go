package demo

import "github.com/aimsproject/aims/internal/aims"

// systems is the demo portfolio: five AI systems the group builds, buys or
// uses, from the plant floor to the customer.
var systems = []systemSpec{
	{
		owner: "owner@demo.example", supplier: "Aquametrics Process AI GmbH",
		AISystem: aims.AISystem{
			Name: "Dewatering setpoint optimizer",
			Purpose: "Sets the polymer dose of the sludge dewatering centrifuge on Line 2 every five minutes, from centrifuge " +
				"torque, feed flow and the cake moisture probe, to keep cake dryness on target with as little polymer as possible.",
			Description: "A vendor-supplied model on the line's edge controller writes the setpoint to the PLC, within limits " +
				"set by process engineering (15 % either side of the operator's base setpoint). Operators can switch it to manual " +
				"at the HMI at any time; the PLC returns to the base setpoint by itself when the moisture probe signal is lost.",
			BusinessUnit: "Kestrel Paper - Riverside Mill", Site: "Riverside Mill, Line 2",
			OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer},
			// Registered in verification and validation; it reaches deployed
			// through its system deployment gate (deploySystemThroughGate).
			LifecycleStage: aims.StageVerification, Autonomy: aims.AutonomyAutonomous,
			ImpactDomains: []aims.ImpactDomain{aims.DomainSafety, aims.DomainQuality, aims.DomainEnvironment},
			Techniques:    []string{"gradient-boosted trees", "soft sensor", "closed-loop control"},
			InScope:       true, Tags: []string{"plant", "dewatering", "ot", "edge"},
		},
		versions: []versionSpec{
			{version: "2.1.0", status: aims.ModelRetired,
				source:  "oci://registry.aquametrics.example/dewatering/setpoint-optimizer:2.1.0",
				summary: "Trained by the vendor on its reference data only.",
				notes:   "Failed the site acceptance test: cake dryness 1.8 points under target at high feed flow.",
				uses:    []use{{"Aquametrics centrifuge reference data", aims.PurposeTraining}}},
			{version: "2.3.0", status: aims.ModelDeployed,
				source:  "oci://registry.aquametrics.example/dewatering/setpoint-optimizer:2.3.0",
				summary: "The vendor's reference data plus 14 months of Line 2 data for the site calibration.",
				notes:   "Site acceptance test passed 2025-04-09: dryness within 0.5 points of target, polymer use down 11 %.",
				uses: []use{{"Aquametrics centrifuge reference data", aims.PurposeTraining},
					{"Line 2 dewatering historian 2023-2024", aims.PurposeTraining},
					{"Line 2 dewatering historian 2025 Q1", aims.PurposeValidation},
					{"Line 2 dewatering historian 2025 Q1", aims.PurposeTest}}},
			{version: "2.4.0-rc1", status: aims.ModelCandidate, later: true,
				source: "oci://registry.aquametrics.example/dewatering/setpoint-optimizer:2.4.0-rc1",
				summary: "Adds bowl speed as an input; retrained by the vendor on its reference data and the 2025 Q1 extract, " +
					"the first with bowl speed logged and taken after the moisture probe's March 2024 repair.",
				notes: "Next step: two weeks in shadow mode beside 2.3.0, without writing to the PLC.",
				uses: []use{{"Aquametrics centrifuge reference data", aims.PurposeTraining},
					{"Line 2 dewatering historian 2025 Q1", aims.PurposeTraining}}},
		},
	},
	{
		owner: "marta.kowalski@demo.example",
		AISystem: aims.AISystem{
			Name:    "Consumer credit scoring",
			Purpose: "Estimates the probability that a consumer loan applicant defaults, to support credit officers' decisions and pricing.",
			Description: "A scorecard built by the credit risk analytics team and also offered to partner lenders as a scoring " +
				"service. A credit officer approves every decision; a decline always gets a second look. Applicants are told " +
				"the main reasons for a decision and may ask for a review by a person.",
			BusinessUnit: "Kestrel Finance - Credit Risk", Site: "Head office",
			OperatorRoles:  []aims.OperatorRole{aims.OperatorProvider, aims.OperatorDeployer},
			LifecycleStage: aims.StageDeployed, Autonomy: aims.AutonomyHumanApproval,
			ImpactDomains: []aims.ImpactDomain{aims.DomainCreditFinance, aims.DomainFundamentalRights, aims.DomainPrivacy},
			Techniques:    []string{"logistic regression scorecard", "gradient boosting (challenger model)"},
			InScope:       true, Tags: []string{"finance", "eu-ai-act-annex-iii"},
		},
		versions: []versionSpec{
			{version: "cs-2023.2", status: aims.ModelRetired,
				source:  "s3://kestrel-models/credit/scorecard/cs-2023.2",
				summary: "Applications 2018-2022 with bureau attributes.",
				notes:   "Replaced after the annual review found its calibration drifting for loans over 20,000."},
			{version: "cs-2024.1", status: aims.ModelDeployed,
				source:  "s3://kestrel-models/credit/scorecard/cs-2024.1",
				summary: "Applications 2019-2023 with bureau attributes; out-of-time test on 2024.",
				notes:   "Approved by the model risk committee 2024-06-12. Gini 0.61 out of time.",
				uses: []use{{"Loan applications and outcomes 2019-2023", aims.PurposeTraining},
					{"Meridian bureau attributes", aims.PurposeTraining},
					{"Loan applications 2024 holdout", aims.PurposeTest},
					{"Meridian bureau attributes", aims.PurposeOperation}}},
			{version: "cs-2025.1", status: aims.ModelValidated,
				source:  "s3://kestrel-models/credit/scorecard/cs-2025.1",
				summary: "Refit on applications 2019-2024.",
				notes:   "Independent validation passed; waiting for the model risk committee's approval.",
				uses: []use{{"Loan applications and outcomes 2019-2023", aims.PurposeTraining},
					{"Loan applications 2024 holdout", aims.PurposeTraining},
					{"Meridian bureau attributes", aims.PurposeTraining}}},
		},
	},
	{
		owner: "david.chen@demo.example", supplier: "Lumen Language Models Ltd",
		AISystem: aims.AISystem{
			Name: "CV screening assistant",
			Purpose: "Summarises job applications against the role's published criteria and suggests a reading order for " +
				"recruiters, who read every application and decide who is shortlisted.",
			Description: "Uses a general-purpose large language model from Lumen under enterprise terms, with our own instructions " +
				"and criteria templates. Names, photos and contact details are removed before text reaches the model. " +
				"Applicants are told that an AI tool assists the recruiters.",
			BusinessUnit: "Group HR", Site: "HR shared service centre",
			OperatorRoles:  []aims.OperatorRole{aims.OperatorDeployer},
			LifecycleStage: aims.StageDeployed, Autonomy: aims.AutonomyAdvisory,
			ImpactDomains: []aims.ImpactDomain{aims.DomainEmployment, aims.DomainFundamentalRights, aims.DomainPrivacy},
			Techniques:    []string{"large language model", "prompt templates"},
			InScope:       true, Tags: []string{"hr", "llm", "eu-ai-act-annex-iii"},
		},
		versions: []versionSpec{
			{version: "1.0 (lumen-large 2024-09)", status: aims.ModelRetired,
				source:  "git+https://git.kestrel.example/hr/cv-assistant@v1.0",
				summary: "No training by us: instructions and criteria templates on the vendor's model.",
				notes:   "Suggested order agreed with recruiters for 71 % of shortlists; summaries overstated years of experience.",
				uses:    []use{{"Anonymised applications evaluation set 2024", aims.PurposeTest}}},
			{version: "1.1 (lumen-large 2025-03)", status: aims.ModelDeployed,
				source:  "git+https://git.kestrel.example/hr/cv-assistant@v1.1",
				summary: "No training by us: revised instructions on the vendor's 2025-03 model.",
				notes:   "Agreement 84 %; selection-rate ratio by gender 0.93 and by age band 0.90 on the evaluation set.",
				uses:    []use{{"Anonymised applications evaluation set 2024", aims.PurposeTest}}},
			{version: "1.2 (lumen-large 2025-03)", status: aims.ModelCandidate,
				source:  "git+https://git.kestrel.example/hr/cv-assistant@v1.2",
				summary: "Adds criteria templates for apprenticeships.",
				notes:   "To be evaluated on the set before release."},
		},
	},
	{
		owner: "aisha.rahman@demo.example", supplier: "Parley Support Cloud Inc.",
		AISystem: aims.AISystem{
			Name: "Customer service chatbot",
			Purpose: "Answers customers' questions about orders, deliveries and invoices in the web shop, and hands the " +
				"conversation to an agent when it cannot help or the customer asks for a person.",
			Description: "Runs on the Parley platform and answers from our knowledge articles only. Customers are told at the " +
				"start that they are chatting with an AI. Agents see the conversation and can take over at any time.",
			BusinessUnit: "Kestrel Paper - Customer Service", Site: "Web shop and customer portal",
			OperatorRoles:  []aims.OperatorRole{aims.OperatorDeployer},
			LifecycleStage: aims.StageDeployed, Autonomy: aims.AutonomyHumanOverride,
			ImpactDomains: []aims.ImpactDomain{aims.DomainPrivacy},
			Techniques:    []string{"large language model", "retrieval-augmented generation", "intent classification"},
			InScope:       true, Tags: []string{"customer", "llm", "transparency"},
		},
		versions: []versionSpec{
			{version: "2025.03", status: aims.ModelRetired,
				source:  "https://parley.example/workspaces/kestrel/bots/orders/releases/2025.03",
				summary: "Platform model with our knowledge articles; no training on our data.",
				notes:   "Handed over 38 % of conversations; answered invoice questions from outdated articles.",
				uses: []use{{"Customer service knowledge articles", aims.PurposeOperation},
					{"Chat transcripts 2024, redacted", aims.PurposeTest}}},
			{version: "2025.07", status: aims.ModelDeployed,
				source:  "https://parley.example/workspaces/kestrel/bots/orders/releases/2025.07",
				summary: "Platform model with our knowledge articles; articles past their review date excluded.",
				notes:   "Handed over 24 % of conversations; no answer from an outdated article in the test.",
				uses: []use{{"Customer service knowledge articles", aims.PurposeOperation},
					{"Chat transcripts 2024, redacted", aims.PurposeTest}}},
		},
	},
	{
		owner: "erik.lindqvist@demo.example",
		AISystem: aims.AISystem{
			Name: "Press section predictive maintenance",
			Purpose: "Predicts bearing and felt failures in the press section of paper machine 3 from vibration and temperature " +
				"data, so that maintenance can plan work before a breakdown.",
			Description: "Built by the reliability team. Scores every hour and lists the components at risk on the maintenance " +
				"planners' board; planners decide what to do. It changes nothing on the machine.",
			BusinessUnit: "Kestrel Paper - Maintenance", Site: "Riverside Mill, PM3",
			OperatorRoles:  []aims.OperatorRole{aims.OperatorDeveloper, aims.OperatorDeployer},
			LifecycleStage: aims.StageDeployed, Autonomy: aims.AutonomyAdvisory,
			ImpactDomains: []aims.ImpactDomain{aims.DomainQuality, aims.DomainSafety},
			Techniques:    []string{"isolation forest", "survival analysis"},
			InScope:       true, Tags: []string{"plant", "maintenance"},
		},
		versions: []versionSpec{
			{version: "0.9.0", status: aims.ModelRetired,
				source:  "s3://kestrel-models/maintenance/pm3-press/0.9.0",
				summary: "Vibration data 2021-2023 with failure labels from work orders.",
				notes:   "Pilot: warned of 6 of 9 bearing failures, with 14 false alarms in six months.",
				uses:    []use{{"PM3 press vibration and work orders 2021-2025", aims.PurposeTraining}}},
			{version: "1.0.0", status: aims.ModelDeployed,
				source:  "s3://kestrel-models/maintenance/pm3-press/1.0.0",
				summary: "Vibration and temperature data 2021-2024; validated on 2025.",
				notes:   "Warned of 8 of 9 failures at least 5 days ahead; 5 false alarms in six months.",
				uses: []use{{"PM3 press vibration and work orders 2021-2025", aims.PurposeTraining},
					{"PM3 press vibration and work orders 2021-2025", aims.PurposeValidation}}},
			{version: "1.1.0", status: aims.ModelCandidate,
				source:  "s3://kestrel-models/maintenance/pm3-press/1.1.0",
				summary: "Adds felt moisture readings.",
				notes:   "Training; validation planned after the autumn shutdown.",
				uses:    []use{{"PM3 press vibration and work orders 2021-2025", aims.PurposeTraining}}},
		},
	},
}
