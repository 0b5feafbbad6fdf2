package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// The demo's supplier due diligence (issue 17 item 5; ISO/IEC 42001
// A.10.2, A.10.3): a questionnaire of the organization's own, each
// supplier rated, reviewed and answering it, and the chatbot platform's
// yearly review overdue, which shows on the customer service chatbot.

// diligenceQuestions is the demo organization's questionnaire.
var diligenceQuestions = []aims.SupplierQuestion{
	{Question: "Do they notify us before a model they supply changes?", AnswerType: aims.AnswerYesNo, Weight: 30,
		Guidance: "Yes only with a notice period in the contract, long enough for us to re-validate."},
	{Question: "Is our data kept out of their training?", AnswerType: aims.AnswerYesNo, Weight: 25,
		Guidance: "Yes only when the contract or data processing agreement says so."},
	{Question: "How well is the model or data documented?", AnswerType: aims.AnswerScale, Weight: 20,
		Guidance: "5: a model card or datasheet with intended use, limits and evaluation results; 1: nothing."},
	{Question: "Do they report incidents to us within 72 hours?", AnswerType: aims.AnswerYesNo, Weight: 15},
	{Question: "Which certifications do they hold?", AnswerType: aims.AnswerText, Weight: 0},
}

// supplierDiligence is what the demo records for one supplier: the
// answers follow the questionnaire's order.
type supplierDiligence struct {
	criticality aims.SupplierCriticality
	interval    int
	reviewed    int // days ago
	commitments [3]bool
	notes       [3]string
	answers     []string
	evidence    string
}

var diligence = map[string]supplierDiligence{
	"Aquametrics Process AI GmbH": {criticality: aims.CriticalityCritical, interval: 180, reviewed: 40,
		commitments: [3]bool{true, true, true},
		notes:       [3]string{"DPA §4: process data used only to serve us", "MSA §9: 30 days' notice, we may stay on a version", "MSA §11: within 48 hours"},
		answers:     []string{"yes", "yes", "4", "yes", "ISO 9001"},
		evidence:    "Model card and validation report of 2.3.0, filed with the site acceptance test."},
	"Meridian Credit Data plc": {criticality: aims.CriticalityHigh, interval: 365, reviewed: 120,
		commitments: [3]bool{true, false, true},
		notes:       [3]string{"DPA: use limited to credit decisions", "", "DPA §12: breaches within 72 hours"},
		answers:     []string{"no", "yes", "3", "yes", "Registered credit bureau; ISO 27001"},
		evidence:    "Annual data quality report 2025."},
	"Lumen Language Models Ltd": {criticality: aims.CriticalityHigh, interval: 365, reviewed: 200,
		commitments: [3]bool{true, true, false},
		notes:       [3]string{"Enterprise terms: no training on prompts", "60 days' notice of model updates", "Not in the enterprise terms"},
		answers:     []string{"yes", "yes", "3", "no", "SOC 2 Type II"},
		evidence:    "https://lumen.example/trust"},
	// Reviewed 400 days ago with a yearly interval: overdue.
	"Parley Support Cloud Inc.": {criticality: aims.CriticalityMedium, interval: 365, reviewed: 400,
		commitments: [3]bool{true, false, true},
		notes:       [3]string{"DPA with listed subprocessors", "", "DPA: security incidents within 72 hours"},
		answers:     []string{"no", "yes", "2", "yes", "SOC 2 Type II"},
		evidence:    "SOC 2 Type II report, reviewed at the last review."},
}

// SeedSupplierDiligence adds the questionnaire and records each demo
// supplier's criticality, review, commitments and answers.
func SeedSupplierDiligence(ctx context.Context, svc *service.Service, supplierIDs map[string]string) error {
	var qids []string
	for _, spec := range diligenceQuestions {
		q := spec
		id, err := createOrFind(func() (string, error) { err := svc.CreateSupplierQuestion(ctx, &q); return q.ID, err },
			func() (string, error) {
				list, _, err := svc.FindSupplierQuestions(ctx, aims.SupplierQuestionFilter{Search: q.Question})
				return idByName(list, q.Question, func(v *aims.SupplierQuestion) (string, string) { return v.Question, v.ID }, err)
			})
		if err != nil {
			return fmt.Errorf("demo due-diligence question: %w", err)
		}
		qids = append(qids, id)
	}
	now := svc.DB().Now()
	for _, spec := range suppliers {
		d, ok := diligence[spec.Name]
		if !ok {
			continue
		}
		last := aims.DateOf(now.Add(-time.Duration(d.reviewed) * 24 * time.Hour))
		upd := aims.SupplierUpdate{Criticality: &d.criticality, ReviewIntervalDays: &d.interval, LastReviewOn: &last,
			DiligenceEvidence: &d.evidence}
		var commitments []aims.SupplierCommitment
		for i, k := range aims.CommitmentKindValues() {
			commitments = append(commitments, aims.SupplierCommitment{Kind: k, Present: d.commitments[i], Note: d.notes[i]})
		}
		var answers []aims.SupplierAnswer
		for i, v := range d.answers {
			answers = append(answers, aims.SupplierAnswer{QuestionID: qids[i], Value: v})
		}
		upd.Commitments, upd.Answers = &commitments, &answers
		if _, err := svc.UpdateSupplier(ctx, supplierIDs[spec.Name], upd); err != nil {
			return fmt.Errorf("demo due diligence of %s: %w", spec.Name, err)
		}
	}
	return nil
}
