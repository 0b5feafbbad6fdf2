package service

import (
	"context"
	"io"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/core"

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
	m, err := newPDF(title, true)
	if err != nil {
		return nil, err
	}
	status := "Version " + itoa(a.Version) + ", " + strings.ToLower(a.Status.Title())
	if a.SignedOffAt != nil {
		status += " by " + a.SignedOffBy + " on " + a.SignedOffAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	m.AddRows(
		text.NewRow(9, title, pdfTitle),
		text.NewRow(5, org+" · ISO/IEC 42001:2023, 6.1.4 and 8.4; Annex A.5. "+status, pdfSmall),
	)
	if len(a.OutOfDate) > 0 {
		paragraph(m, "Out of date: the system changed significantly since sign-off", "– "+strings.Join(a.OutOfDate, "\n– "))
	}
	deployed := "none"
	if sys.Deployed != nil {
		deployed = sys.Deployed.Version
	}
	var domains []string
	for _, d := range sys.ImpactDomains {
		domains = append(domains, d.Title())
	}
	paragraph(m, "The AI system", "Purpose: "+sys.Purpose+"\nOwner: "+sys.OwnerName+" <"+sys.OwnerEmail+">"+
		"\nAutonomy: "+sys.Autonomy.Title()+"\nImpact domains: "+strings.Join(domains, ", ")+"\nDeployed model version: "+deployed)
	paragraph(m, "Intended use", orNone(a.IntendedUse))
	paragraph(m, "Reasonably foreseeable misuse", orNone(a.ForeseeableMisuse))
	var parties []string
	for _, p := range a.AffectedParties {
		parties = append(parties, p.Title())
	}
	paragraph(m, "Who is affected", orNone(strings.Join(parties, ", "))+"\n"+a.AffectedDescription)
	m.AddRows(text.NewRow(8, "Impact areas", pdfHeading))
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
	pdfTable(m, []int{2, 1, 1, 2, 4, 1, 1}, []string{"Area", "Severity", "Likelihood", "People affected", "Mitigations and notes", "Residual", "Risks"}, rows)
	paragraph(m, "Conclusion", orNone(a.Conclusion))
	m.AddRows(text.NewRow(8, "Risks of this system in the register", pdfHeading))
	level := func(key string) string {
		if l := c.Level(key); l != nil {
			return l.Name
		}
		return key
	}
	rrows := make([][]string, len(risks))
	for i, r := range risks {
		rrows[i] = []string{r.Ref(), r.Title, level(r.Level), level(r.ResidualLevel), r.Status.Title(), r.Treatment.Title(), strings.Join(r.Controls, ", ")}
	}
	pdfTable(m, []int{1, 4, 1, 1, 2, 1, 2}, []string{"Risk", "Title", "Inherent", "Residual", "Status", "Treatment", "Controls"}, rrows)
	return pdfBytes(m)
}

// paragraph adds a heading and a block of wrapped text.
func paragraph(m core.Maroto, heading, body string) {
	m.AddRows(text.NewRow(8, heading, pdfHeading))
	m.AddAutoRow(col.New(12).Add(text.New(body, pdfSmall)))
	m.AddRows(row.New(2))
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
