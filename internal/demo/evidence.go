package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// demoEvidence is the evidence the demo organization's pipelines and
// people pushed: small files and links on several controls, one expiring
// soon, one expired; dates in days relative to the load.
var demoEvidence = []struct {
	system, control, kind, title, file, url, body string
	collected, expires                            int // days before (collected) and after (expires; negative: past) the load
}{
	{"Consumer credit scoring", "A.6.2.4", "validation-report", "Credit model validation report",
		"credit-validation.txt", "", "Hold-out AUC 0.81; criterion 0.78. Reviewed by the validation lead.\n", 170, 10},
	{"Consumer credit scoring", "A.5.4", "fairness-test", "Credit model fairness test",
		"credit-fairness.txt", "", "Approval-rate ratio by age band: 0.93 (threshold 0.8).\n", 200, -5},
	{"CV screening assistant", "A.8.5", "notice", "Applicant notice on AI use",
		"", "https://careers.example.com/how-we-use-ai", "", 60, 300},
	{"Customer service chatbot", "A.9.4", "usage-review", "Chatbot answer review, third quarter",
		"chatbot-review-q3.txt", "", "200 sampled answers reviewed; 3 outside the policy texts, corrected.\n", 25, 90},
}

// demoExpectations are the evidence the demo organization expects per
// control: uploads with a maximum age, and its own records (live evidence).
var demoExpectations = []aims.EvidenceRequirement{
	{Requirement: "iso42001:A.6.2.4", Kind: "validation-report", MaxAgeDays: 365},
	{Requirement: "iso42001:A.5.4", Kind: "fairness-test", MaxAgeDays: 365},
	{Requirement: "iso42001:A.7.4", Kind: "data-quality-report", MaxAgeDays: 180}, // none yet: missing
	{Requirement: "iso42001:A.8.5", Kind: "notice"},
	{Requirement: "iso42001:A.6.2.8", Live: aims.LiveDecisions, MaxAgeDays: 7},
	{Requirement: "iso42001:A.7.5", Live: aims.LiveLineage, MaxAgeDays: 365},
	{Requirement: "iso42001:A.5.2", Live: aims.LiveImpact, MaxAgeDays: 365},
	{Requirement: "iso42001:A.4.2", Live: aims.LiveInventory, MaxAgeDays: 365},
}

// SeedEvidence adds the demo evidence and expectations, through the
// services (the files go to the service's blob store). It does nothing
// when the organization has evidence already.
func SeedEvidence(ctx context.Context, svc *service.Service, now time.Time) error {
	// The optimizer's validation reports come with its gates (gates.go).
	if _, n, err := svc.FindEvidence(ctx, aims.EvidenceFilter{Kind: "fairness-test", Page: aims.Page{Limit: 1}}); err != nil || n > 0 {
		return err
	}
	systems, _, err := svc.FindSystems(ctx, aims.SystemFilter{Page: aims.Page{Limit: 100}})
	if err != nil {
		return err
	}
	ids := map[string]string{}
	for _, s := range systems {
		ids[s.Name] = s.ID
	}
	for _, d := range demoEvidence {
		collected := now.AddDate(0, 0, -d.collected)
		expires := now.AddDate(0, 0, d.expires)
		up := &aims.EvidenceUpload{Kind: d.kind, Title: d.title, FileName: d.file, MediaType: "text/plain", URL: d.url,
			CollectedAt: &collected, ExpiresAt: &expires,
			Links: []aims.EvidenceLink{{Type: aims.TargetAISystem, ID: ids[d.system]}, {Type: aims.TargetRequirement, ID: "iso42001:" + d.control}}}
		var body *strings.Reader
		if d.url == "" {
			body = strings.NewReader(d.body)
		}
		var err error
		if body != nil {
			_, err = svc.AddEvidence(ctx, up, body)
		} else {
			_, err = svc.AddEvidence(ctx, up, nil)
		}
		if err != nil {
			return fmt.Errorf("evidence %q: %w", d.title, err)
		}
	}
	for _, x := range demoExpectations {
		x := x
		if err := svc.CreateEvidenceRequirement(ctx, &x); err != nil && !aims.IsKind(err, aims.KindConflict) {
			return fmt.Errorf("evidence expected for %s: %w", x.Requirement, err)
		}
	}
	return nil
}
