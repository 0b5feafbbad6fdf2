package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// SeedContext gives the demo organization its context (ISO/IEC 42001 4.1,
// 4.2): issues, one of them the climate-change question judged not
// relevant with a reason and one past its review; interested parties with
// their requirements (the regulator's EU AI Act obligations, the works
// council's information on AI at work, customers, the credit applicants);
// a planned change (a second mill adopts the setpoint optimizer),
// resources, and a communication plan with communications made, one of
// them overdue. What exists already is kept.
func SeedContext(ctx context.Context, s *service.Service) error {
	now := s.DB().Now()
	day := func(d int) *aims.Date {
		x := aims.DateOf(now.Add(time.Duration(d) * 24 * time.Hour))
		return &x
	}
	members, _, err := s.FindMembers(ctx, aims.MemberFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	member := map[string]string{}
	for _, m := range members {
		member[m.Email] = m.ID
	}
	systems, _, err := s.FindSystems(ctx, aims.SystemFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	system := map[string]string{}
	for _, x := range systems {
		system[x.Name] = x.ID
	}
	risks, _, err := s.FindRisks(ctx, aims.RiskFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	risk := func(title string) aims.LineageRef {
		for _, r := range risks {
			if r.Title == title {
				return aims.LineageRef{ID: r.ID}
			}
		}
		return aims.LineageRef{}
	}
	refs := func(titles ...string) []aims.LineageRef {
		var out []aims.LineageRef
		for _, t := range titles {
			if r := risk(t); r.ID != "" {
				out = append(out, r)
			}
		}
		return out
	}

	issues := []aims.ContextIssue{
		{Title: "EU AI Act obligations for the credit scoring system", Category: "Legal", Origin: aims.OriginExternal,
			Description: "Creditworthiness scoring of natural persons is high-risk under Annex III point 5(b). As its deployer we owe human oversight, logging, monitoring and a fundamental rights impact assessment.",
			Effect:      "Sets most of what the AIMS must show for Kestrel Finance; the obligations apply from August 2026.",
			Relevance:   aims.RelevanceRelevant, ReviewDate: day(150),
			Risks: refs("Scorecard declines some groups more often without a credit reason", "Applicants get no meaningful reason for a decline")},
		{Title: "Climate change", Category: "Environmental", Origin: aims.OriginExternal, Climate: true,
			Description: "Whether climate change is a relevant issue for the AI management system (4.1, as amended in 2024).",
			Effect:      "None found for the AIMS itself: our AI systems run on one edge controller and rented model services.",
			Relevance:   aims.RelevanceNotRelevant,
			Reason: "The energy our AI systems use is small beside the mills' own, and we train no large models. Climate effects on the mills " +
				"(drought, river temperature) are managed by the sites' environmental management system, not through AI. Revisit if we start training models ourselves.",
			ReviewDate: day(300)},
		{Title: "Too few people who can validate models", Category: "Organizational", Origin: aims.OriginInternal,
			Description: "Two data scientists serve the group; validation of vendor models depends on one of them.",
			Effect:      "Acceptance tests of new model versions wait for the same person; a leave stops releases.",
			Relevance:   aims.RelevanceRelevant, ReviewDate: day(-12),
			Risks: refs("Vendor changes the model without our acceptance test")},
		{Title: "Customers expect explainable credit decisions", Category: "Market", Origin: aims.OriginExternal,
			Description: "Brokers and consumer groups ask for the main reasons behind a decline.",
			Effect:      "Explanations become part of the product, and of what the AIMS must keep working.",
			Relevance:   aims.RelevanceRelevant, ReviewDate: day(150),
			Risks: refs("Applicants get no meaningful reason for a decline")},
		{Title: "Ageing sensors on the paper machines", Category: "Technical", Origin: aims.OriginInternal,
			Description: "Moisture probes and flow meters on lines 1 to 3 are past their planned life; calibration intervals are being shortened.",
			Effect:      "The optimizer's inputs drift more often; the AIMS depends on calibration records being current.",
			Relevance:   aims.RelevanceRelevant, ReviewDate: day(90),
			Risks: refs("Polymer dose driven to its limit when the moisture probe drifts")},
		{Title: "Energy price swings", Category: "Economic", Origin: aims.OriginExternal,
			Description: "Energy prices drive how hard the mills push drying; an optimizer tuned for cost could trade quality for energy.",
			Relevance:   aims.RelevanceToDetermine},
	}
	existing, _, err := s.FindContextIssues(ctx, aims.ContextIssueFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, c := range existing {
		have[c.Title] = true
	}
	for _, spec := range issues {
		c := spec
		if have[c.Title] {
			continue
		}
		if err := keep(s.CreateContextIssue(ctx, &c)); err != nil {
			return fmt.Errorf("demo context issue %s: %w", c.Title, err)
		}
	}

	parties := []aims.InterestedParty{
		{Name: "Market surveillance authority (EU AI Act)", Kind: aims.PartyRegulator, Origin: aims.OriginExternal,
			Description: "The national authority that supervises high-risk AI systems and their deployers.", ReviewDate: day(150),
			Requirements: []aims.PartyRequirement{
				{Text: "Deployer obligations for the credit scoring system: use as instructed, human oversight, logs kept, monitoring",
					Addressed: aims.AddressedFully, Through: []string{"eu-ai-act:Art. 26", "iso42001:A.6.2.6", "iso42001:A.9.2"}},
				{Text: "Fundamental rights impact assessment before the credit scoring system is used", Addressed: aims.AddressedPartly,
					Through: []string{"eu-ai-act:Art. 27", "iso42001:A.5.2"}, Note: "The impact assessment is out of date since model 3.2 was deployed."},
				{Text: "Sufficient AI literacy of staff who operate or use AI systems", Addressed: aims.AddressedPartly,
					Through: []string{"eu-ai-act:Art. 4", "iso42001:A.4.6"}, Note: "Training records for operators are being collected."},
			}},
		{Name: "Works council", Kind: aims.PartyWorksCouncil, Origin: aims.OriginInternal,
			Description: "The elected works council of the Riverside Mill and the head office.", ReviewDate: day(-30),
			Requirements: []aims.PartyRequirement{
				{Text: "Information on every AI system used at work before it is introduced, and on its effect on jobs and workload",
					Addressed: aims.AddressedFully, Through: []string{"iso42001:7.4", "iso42001:A.8.2", "document:AI-at-work briefing pack"}},
				{Text: "Consultation before any AI system assesses individual workers' performance", Addressed: aims.AddressedNot,
					Note: "No such system today; the CV screening assistant concerns applicants, not staff."},
			}},
		{Name: "Paper customers", Kind: aims.PartyCustomer, Origin: aims.OriginExternal, ReviewDate: day(200),
			Requirements: []aims.PartyRequirement{
				{Text: "Consistent sheet moisture within the agreed specification", Addressed: aims.AddressedFully, Through: []string{"iso42001:A.6.2.6"}},
			}},
		{Name: "Loan applicants", Kind: aims.PartyAffectedPersons, Origin: aims.OriginExternal,
			Description: "People who apply for consumer credit and are scored by the credit scoring system.", ReviewDate: day(150),
			Requirements: []aims.PartyRequirement{
				{Text: "Be told that an AI system scores their application", Addressed: aims.AddressedFully,
					Through: []string{"eu-ai-act:Art. 26", "iso42001:A.8.2", "document:Credit decision notice"}},
				{Text: "A meaningful reason for a decline, and a person to contest it with", Addressed: aims.AddressedPartly,
					Through: []string{"iso42001:A.8.3"}},
				{Text: "Not be declined because of a protected characteristic", Addressed: aims.AddressedPartly,
					Through: []string{"iso42001:A.5.4"}},
			}},
	}
	for _, spec := range parties {
		p := spec
		if err := keep(s.CreateInterestedParty(ctx, &p)); err != nil {
			return fmt.Errorf("demo interested party %s: %w", p.Name, err)
		}
	}

	changes := []aims.PlannedChange{
		{Title: "Hillside Mill adopts the setpoint optimizer", Status: aims.ChangeInProgress,
			Purpose:       "Run the dewatering setpoint optimizer on Hillside Mill's press line after its success on Riverside Line 2.",
			Consequences:  "A new site in the AIMS scope; the optimizer's risks and impact assessment cover a second line with other sensors; operators there need training.",
			Resources:     "Vendor commissioning (10 days), one data scientist for the acceptance test, training of 12 operators.",
			ResponsibleID: member["owner@demo.example"], TargetDate: day(75)},
		{Title: "Internal audit of the AIMS moves to the group audit team", Status: aims.ChangeCompleted,
			Purpose:       "Give internal audits of the AIMS auditors independent of the AIMS manager.",
			Consequences:  "The audit programme changes hands; open findings are handed over.",
			ResponsibleID: member["manager@demo.example"], TargetDate: day(-40), CompletedOn: day(-35),
			CompletionNote: "Handed over with the open findings; the group audit team ran its first audit."},
	}
	for _, spec := range changes {
		c := spec
		if err := keep(s.CreatePlannedChange(ctx, &c)); err != nil {
			return fmt.Errorf("demo planned change %s: %w", c.Title, err)
		}
	}

	resources := []aims.Resource{
		{Name: "Data science team", Kind: aims.ResourceHuman, Quantity: "2 people", Process: "Model validation",
			Description: "Validates vendor models and builds the credit scorecard.", OwnerID: member["contributor@demo.example"]},
		{Name: "Line 2 edge controller", Kind: aims.ResourceCompute, Quantity: "1 industrial PC", SystemID: system["Dewatering setpoint optimizer"],
			Description: "Runs the optimizer next to the PLC.", OwnerID: member["owner@demo.example"]},
		{Name: "Credit bureau data feed", Kind: aims.ResourceData, SystemID: system["Consumer credit scoring"],
			Description: "Bureau records for each application, under the data processing agreement.", OwnerID: member["marta.kowalski@demo.example"]},
		{Name: "Model evaluation tooling", Kind: aims.ResourceTooling, Process: "Model validation",
			Description: "Evaluation sets and scripts that every new model version is run through.", OwnerID: member["contributor@demo.example"]},
		{Name: "AIMS budget", Kind: aims.ResourceBudget, Quantity: "EUR 120,000 a year", Process: "Management of the AIMS",
			Description: "Training, external audit and tooling.", OwnerID: member["manager@demo.example"]},
	}
	for _, spec := range resources {
		r := spec
		if err := keep(s.CreateResource(ctx, &r)); err != nil {
			return fmt.Errorf("demo resource %s: %w", r.Name, err)
		}
	}

	comms := []aims.Communication{
		{Subject: "Use of AI at work", AudienceKind: aims.AudienceInternal, Audience: "Works council", Channel: "Briefing at the works council meeting",
			Cadence: aims.CadenceQuarterly, FirstDue: day(-200), ResponsibleID: member["manager@demo.example"],
			Records: []aims.CommunicationRecord{
				{Date: *day(-195), Summary: "Presented the AI policy and the inventory of AI systems.", Evidence: "Minutes of the works council meeting"},
				{Date: *day(-100), Summary: "Presented the CV screening assistant before its pilot."},
			}},
		{Subject: "AI in credit decisions", AudienceKind: aims.AudienceAffected, Audience: "Loan applicants",
			Channel: "Online application form and decision letters", Cadence: aims.CadenceAsNeeded, ResponsibleID: member["marta.kowalski@demo.example"],
			Records: []aims.CommunicationRecord{{Date: *day(-60), Summary: "Notice that an AI system scores the application added to the online form."}}},
		{Subject: "Optimizer operating limits", AudienceKind: aims.AudienceInternal, Audience: "Line 2 operators", Channel: "Shift briefing",
			Cadence: aims.CadenceYearly, FirstDue: day(-300), ResponsibleID: member["owner@demo.example"],
			Records: []aims.CommunicationRecord{{Date: *day(-280), Summary: "Limits, manual mode and what to do when the moisture probe fails."}}},
		{Subject: "AI transparency statement", AudienceKind: aims.AudienceExternal, Audience: "Customers and the public", Channel: "Website",
			Cadence: aims.CadenceYearly, FirstDue: day(30), ResponsibleID: member["manager@demo.example"]},
	}
	for _, spec := range comms {
		c := spec
		if err := keep(s.CreateCommunication(ctx, &c)); err != nil {
			return fmt.Errorf("demo communication %s: %w", c.Subject, err)
		}
	}
	return nil
}

// keep treats a record that an earlier, interrupted load made (its name is
// taken) as made.
func keep(err error) error {
	if aims.IsKind(err, aims.KindConflict) {
		return nil
	}
	return err
}
