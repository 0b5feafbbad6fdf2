package demo

import "github.com/aimsproject/aims/internal/aims"

// OrgName is the demo organization's name: a fictitious group with paper
// mills and a consumer-finance arm.
const OrgName = "Kestrel Group (demo)"

// person is a member of the demo organization. Those with login are the
// demo accounts, one per role, whose passwords are printed at start; the
// others own AI systems and nobody signs in as them.
type person struct {
	email string
	name  string
	role  aims.Role
	login bool
}

// people are the demo organization's members. Emails use the reserved
// .example domain (RFC 2606).
var people = []person{
	{"admin@demo.example", "Sam Okafor (IT administrator)", aims.RoleAdmin, true},
	{"manager@demo.example", "Priya Raman (AIMS manager)", aims.RoleAIMSManager, true},
	{"owner@demo.example", "Lena Hoffmann (production manager, Riverside Mill)", aims.RoleSystemOwner, true},
	{"contributor@demo.example", "Tomás Ferreira (data scientist)", aims.RoleContributor, true},
	{"auditor@demo.example", "Grace Mbeki (internal auditor)", aims.RoleAuditor, true},
	{"viewer@demo.example", "Jonas Berg (works council)", aims.RoleViewer, true},
	{"marta.kowalski@demo.example", "Marta Kowalski (head of credit risk)", aims.RoleSystemOwner, false},
	{"david.chen@demo.example", "David Chen (head of talent acquisition)", aims.RoleSystemOwner, false},
	{"aisha.rahman@demo.example", "Aisha Rahman (customer service director)", aims.RoleSystemOwner, false},
	{"erik.lindqvist@demo.example", "Erik Lindqvist (maintenance engineering lead)", aims.RoleSystemOwner, false},
}

// suppliers are the demo organization's suppliers (ISO/IEC 42001 A.10.3).
var suppliers = []aims.Supplier{
	{
		Name: "Aquametrics Process AI GmbH", Supplies: []aims.SupplyCategory{aims.SupplyModel, aims.SupplyPlatform},
		Contact: "Key account team, support@aquametrics.example", Website: "https://aquametrics.example",
		AssessmentNotes: "Assessed 2025-02 before the site acceptance test. ISO 9001 certified. Provided a model card and the " +
			"validation report for 2.3.0; its training data cannot be inspected, which our own acceptance test on Line 2 " +
			"compensates for. The contract gives 30 days' notice of model changes and lets us stay on a version.",
	},
	{
		Name: "Meridian Credit Data plc", Supplies: []aims.SupplyCategory{aims.SupplyData},
		Contact: "Data partnerships, partners@meridian.example", Website: "https://meridian.example",
		AssessmentNotes: "Registered credit bureau. Data processing agreement in place; use limited to credit decisions. " +
			"Annual data quality report received 2025-01: match rate 96 %, no open findings.",
	},
	{
		Name: "Lumen Language Models Ltd", Supplies: []aims.SupplyCategory{aims.SupplyModel, aims.SupplyPlatform},
		Contact: "Enterprise support, enterprise@lumen.example", Website: "https://lumen.example",
		AssessmentNotes: "Enterprise terms reviewed 2024-10: prompts and applicants' data are not used for training, data " +
			"stays in the EU, model updates are announced 60 days ahead. We re-run our evaluation set before every switch.",
	},
	{
		Name: "Parley Support Cloud Inc.", Supplies: []aims.SupplyCategory{aims.SupplyPlatform, aims.SupplySystem},
		Contact: "Customer success, success@parley.example", Website: "https://parley.example",
		AssessmentNotes: "SaaS chatbot platform. SOC 2 Type II report reviewed 2025-05; subprocessors listed in the DPA. " +
			"Hand-over to human agents and the AI disclosure message are configured by us.",
	},
}
