package demo

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// demoClassification is the answers the demo organization gave for one of
// its systems, oldest version first.
type demoClassification struct {
	system   string
	versions []aims.ClassificationAnswers
	// statuses are the obligations' statuses set after classifying, in
	// the order the work was done.
	statuses []aims.ObligationStatus
}

func demoYes() *bool { b := true; return &b }

// demoClassifications classify the demo portfolio (internal/demo): each
// system lands where issue 4 says, with the rationale written down. The CV
// screener has two versions, so that a new user sees a history with a
// diff: the first reading claimed the Art. 6(3) derogation, the second saw
// that ranking applicants is profiling.
var demoClassifications = []demoClassification{
	{system: "Consumer credit scoring", versions: []aims.ClassificationAnswers{{
		AISystem: demoYes(), Roles: []aims.OperatorRole{aims.OperatorProvider, aims.OperatorDeployer},
		AnnexIIIPoints: []string{"5(b)"}, Profiling: true, GPAI: aims.GPAINone,
		Rationale: "The scorecard estimates the probability that a consumer loan applicant defaults, and credit officers decide " +
			"on it: it evaluates the creditworthiness of natural persons (Annex III 5(b); it is not used for fraud detection). " +
			"It evaluates applicants' economic situation, which is profiling, so the Art. 6(3) derogation is not open to us. " +
			"We build it and offer it to partner lenders (provider) and use it ourselves (deployer): both sets of obligations bind us, " +
			"including the fundamental rights impact assessment of Art. 27 before first use.",
	}}, statuses: []aims.ObligationStatus{
		{Article: "Art. 4", Status: aims.ObligationMet, Note: "AI literacy course completed by the credit risk team and the credit officers; attendance list in the HR system."},
		{Article: "Art. 9", Status: aims.ObligationInProgress, Note: "Risk management runs through the risk register; the post-market review cycle is being set up."},
		{Article: "Art. 27", Status: aims.ObligationInProgress, Note: "Fundamental rights impact assessment drafted with the compliance office; sign-off due before the next release."},
	}},
	{system: "CV screening assistant", versions: []aims.ClassificationAnswers{{
		AISystem: demoYes(), Roles: []aims.OperatorRole{aims.OperatorDeployer},
		AnnexIIIPoints: []string{"4(a)"}, DerogationConditions: []string{"d"}, NoSignificantRisk: true, GPAI: aims.GPAIIntegrated,
		Rationale: "First reading: the assistant summarises applications and suggests a reading order, and recruiters read every " +
			"application and decide who is shortlisted, so we took it for a preparatory task (Art. 6(3)(d)).",
	}, {
		AISystem: demoYes(), Roles: []aims.OperatorRole{aims.OperatorDeployer},
		AnnexIIIPoints: []string{"4(a)"}, Profiling: true, GPAI: aims.GPAIIntegrated,
		Rationale: "Revised after legal review: suggesting a reading order ranks applicants by their personal aspects (profiling), " +
			"and the summaries steer what recruiters read first. It analyses and filters applications and evaluates candidates " +
			"(Annex III 4(a)), so it is high-risk; the derogation of Art. 6(3) cannot apply to a system that profiles. " +
			"Lumen provides the general-purpose model; we deploy the assistant and follow Art. 26: trained recruiters oversee it, " +
			"logs are kept for six months, applicants and the works council are informed.",
	}}},
	{system: "Customer service chatbot", versions: []aims.ClassificationAnswers{{
		AISystem: demoYes(), Roles: []aims.OperatorRole{aims.OperatorDeployer},
		Transparency: []string{"50(1)"}, GPAI: aims.GPAIIntegrated,
		Rationale: "It answers customers' questions about orders, deliveries and invoices, so it interacts directly with natural " +
			"persons (Art. 50(1)). Parley provides the system and its model; we deploy it in the web shop with our knowledge articles. " +
			"Customers are told at the start that they chat with an AI and can ask for a person at any time. It decides nothing about " +
			"access to essential services (not Annex III 5) and profiles no one.",
	}}},
	{system: "Dewatering setpoint optimizer", versions: []aims.ClassificationAnswers{{
		AISystem: demoYes(), Roles: []aims.OperatorRole{aims.OperatorDeployer}, GPAI: aims.GPAINone,
		Rationale: "Outside Annex III. It sets the polymer dose of the sludge dewatering centrifuge on Line 2. Not Annex III 2(a): " +
			"a paper mill's dewatering line is not critical infrastructure. It does not serve the supply of water, gas, heating or " +
			"electricity, nor critical digital infrastructure or road traffic, and the optimizer is no safety component of such " +
			"infrastructure. Not Art. 6(1): as deployed it is not a safety component of a product under Annex I legislation, nor " +
			"such a product itself: the centrifuge's safety functions (interlocks, torque and vibration trips) run in the PLC " +
			"without it, and its setpoint is clamped to 15 % either side of the operator's base setpoint. It does not interact " +
			"with people or generate content (no Art. 50 trigger). It still has an internal safety impact: it acts autonomously " +
			"on a process setpoint, so our own management system treats it as high impact (impact class), assesses its impact " +
			"and keeps the operators' manual override. Classify again if the vendor makes it part of the machine's safety functions.",
	}}},
	{system: "Press section predictive maintenance", versions: []aims.ClassificationAnswers{{
		AISystem: demoYes(), Roles: []aims.OperatorRole{aims.OperatorProvider, aims.OperatorDeployer}, GPAI: aims.GPAINone,
		Rationale: "It predicts bearing and felt failures from vibration and temperature data and lists the components at risk " +
			"for maintenance planners, who decide. It changes nothing on the machine, no safety function relies on it (not " +
			"Art. 6(1)), it concerns machines rather than people and a paper machine is not critical infrastructure (no Annex III " +
			"use), and it has no Art. 50 trigger: minimal risk. We built it and use it ourselves, so AI literacy (Art. 4) applies " +
			"to the reliability team and the planners.",
	}}},
}

// SeedClassification classifies the demo organization's AI systems
// (see demoClassifications). A system that is classified already is left
// alone, so that an interrupted demo load completes. ctx must act as
// someone who may classify every system, e.g.
// service.OperatorContext(ctx, org, "demo").
func SeedClassification(ctx context.Context, s *service.Service) error {
	for _, d := range demoClassifications {
		list, _, err := s.FindSystems(ctx, aims.SystemFilter{Search: d.system})
		if err != nil {
			return err
		}
		var sys *aims.AISystem
		for _, x := range list {
			if x.Name == d.system {
				sys = x
			}
		}
		if sys == nil {
			return fmt.Errorf("demo classification: no AI system named %q", d.system)
		}
		if _, err := s.FindClassification(ctx, sys.ID); err == nil {
			continue
		} else if !aims.IsKind(err, aims.KindNotFound) {
			return err
		}
		for _, a := range d.versions {
			if _, _, err := s.ClassifySystem(ctx, sys.ID, a); err != nil {
				return fmt.Errorf("demo classification of %s: %w", d.system, err)
			}
		}
		for _, st := range d.statuses {
			st.SystemID = sys.ID
			if _, err := s.SetObligationStatus(ctx, &st); err != nil {
				return fmt.Errorf("demo obligation %s of %s: %w", st.Article, d.system, err)
			}
		}
	}
	return nil
}
