package service

import (
	"context"
	"io"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// ExportImpactAssessment writes one version of a system's impact
// assessment as a PDF report: the system, the assessment area by area,
// the conclusion and sign-off, why it is out of date if it is, and the
// system's risks in the register.
func (s *Service) ExportImpactAssessment(ctx context.Context, w io.Writer, systemID, id string) (*aims.ImpactAssessment, error) {
	scope, p, err := authz.Authorize(ctx, authz.Export, "export impact assessments")
	if err != nil {
		return nil, err
	}
	a, err := s.FindImpactAssessment(ctx, systemID, id)
	if err != nil {
		return nil, err
	}
	sys, err := store.FindSystemByID(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	risks, err := s.eachRisk(ctx, scope, aims.RiskFilter{SystemID: sys.ID})
	if err != nil {
		return nil, err
	}
	c, err := currentCriteria(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	b, err := impactPDF(a, sys, risks, c, p.OrgName)
	if err != nil {
		return nil, err
	}
	_, err = w.Write(b)
	return a, err
}

func impactPDF(a *aims.ImpactAssessment, sys *aims.AISystem, risks []*aims.Risk, c *aims.RiskCriteria, org string) ([]byte, error) {
	title := "AI system impact assessment — " + sys.Name
	status := a.Status.Title()
	if len(a.OutOfDate) > 0 {
		status += ", out of date"
	}
	r, err := newPDF(pdfFrame{Org: org, Document: title, Version: a.Version, Status: status, Draft: a.Status == aims.AssessmentDraft})
	if err != nil {
		return nil, err
	}
	line := "Version " + itoa(a.Version) + ", " + strings.ToLower(a.Status.Title())
	if a.SignedOffAt != nil {
		line += " by " + a.SignedOffBy + " on " + a.SignedOffAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	r.title(title, org+" · ISO/IEC 42001:2023, 6.1.4 and 8.4; Annex A.5. "+line)
	if len(a.OutOfDate) > 0 {
		r.paragraph("Out of date: the system changed significantly since sign-off", "– "+strings.Join(a.OutOfDate, "\n– "))
	}
	deployed := "none"
	if sys.Deployed != nil {
		deployed = sys.Deployed.Version
	}
	var domains []string
	for _, d := range sys.ImpactDomains {
		domains = append(domains, d.Title())
	}
	r.paragraph("The AI system", "Purpose: "+sys.Purpose+"\nOwner: "+sys.OwnerName+" <"+sys.OwnerEmail+">"+
		"\nAutonomy: "+sys.Autonomy.Title()+"\nImpact domains: "+strings.Join(domains, ", ")+"\nDeployed model version: "+deployed)
	r.paragraph("Intended use", orNone(a.IntendedUse))
	r.paragraph("Reasonably foreseeable misuse", orNone(a.ForeseeableMisuse))
	var parties []string
	for _, p := range a.AffectedParties {
		parties = append(parties, p.Title())
	}
	r.paragraph("Who is affected", orNone(strings.Join(parties, ", "))+"\n"+a.AffectedDescription)
	r.heading("Impact areas")
	rows := make([][]string, len(a.Areas))
	for i, x := range a.Areas {
		var linked []string
		for _, l := range x.LinkedRisks {
			linked = append(linked, "R-"+itoa(l.Number))
		}
		if x.NotApplicable {
			rows[i] = []string{x.Area.Title(), "Does not apply", "", "", x.Notes, "", strings.Join(linked, ", ")}
			continue
		}
		rows[i] = []string{x.Area.Title(), aims.SeverityName(x.Severity), aims.ImpactLikelihoodName(x.Likelihood), x.People,
			strings.TrimSpace(x.Mitigations + "\n" + x.Notes), x.Residual.Title(), strings.Join(linked, ", ")}
	}
	if err := r.table([]int{2, 1, 1, 2, 4, 1, 1}, []string{"Area", "Severity", "Likelihood", "People affected", "Mitigations and notes", "Residual", "Risks"}, rows); err != nil {
		return nil, err
	}
	r.paragraph("Conclusion", orNone(a.Conclusion))
	r.heading("Risks of this system in the register")
	level := func(key string) string {
		if l := c.Level(key); l != nil {
			return l.Name
		}
		return key
	}
	rrows := make([][]string, len(risks))
	for i, x := range risks {
		rrows[i] = []string{x.Ref(), x.Title, level(x.Level), level(x.ResidualLevel), x.Status.Title(), x.Treatment.Title(), strings.Join(x.Controls, ", ")}
	}
	if err := r.table([]int{1, 4, 1, 1, 2, 1, 2}, []string{"Risk", "Title", "Inherent", "Residual", "Status", "Treatment", "Controls"}, rrows); err != nil {
		return nil, err
	}
	return r.bytes()
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
