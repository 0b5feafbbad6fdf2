package service

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// RiskExportFormats lists the formats of ExportRisks.
var RiskExportFormats = []string{"xlsx", "csv"}

// riskColumns are the register's columns in the spreadsheet exports, one
// row per risk.
var riskColumns = []string{"Risk", "Title", "AI system", "Source", "Trustworthiness characteristics", "Lifecycle stage", "Owner",
	"Inherent likelihood", "Inherent consequence", "Inherent level", "Treatment", "Treatment plan", "Controls",
	"Residual likelihood", "Residual consequence", "Residual level", "Status", "Accepted by", "Accepted on", "Acceptance rationale",
	"Next review", "Open actions", "Overdue", "Criteria version", "To resolve"}

var riskWidths = []float64{7, 36, 24, 30, 26, 14, 26, 10, 10, 10, 16, 40, 18, 10, 10, 10, 12, 24, 12, 36, 12, 8, 8, 8, 40}

// riskCells are the cells of risk r: text, scores and counts as numbers,
// days as dates.
func riskCells(r *aims.Risk, c *aims.RiskCriteria) []any {
	level := func(key string) string {
		if l := c.Level(key); l != nil {
			return l.Name
		}
		return key
	}
	num := func(n int) any {
		if n == 0 {
			return nil
		}
		return n
	}
	var chars []string
	for _, ch := range r.Characteristics {
		chars = append(chars, ch.Title())
	}
	owner := r.OwnerName
	if r.OwnerEmail != "" {
		owner += " <" + r.OwnerEmail + ">"
	}
	var by, why string
	var on any
	if a := r.Acceptance; a != nil {
		by, on, why = a.By, aims.DateOf(a.At), a.Rationale
	}
	open := 0
	for _, a := range r.Actions {
		if a.IsOpen() {
			open++
		}
	}
	var issues []string
	for _, i := range r.Issues {
		issues = append(issues, i.Detail)
	}
	var review any
	if r.NextReview != nil {
		review = *r.NextReview
	}
	treatment := ""
	if r.Treatment != "" {
		treatment = r.Treatment.Title()
	}
	stage := ""
	if r.LifecycleStage != "" {
		stage = r.LifecycleStage.Title()
	}
	return []any{r.Ref(), r.Title, orOrganization(r.SystemName), r.Source.Label(), strings.Join(chars, "; "), stage, owner,
		num(r.Likelihood), num(r.Consequence), level(r.Level), treatment, r.TreatmentPlan, strings.Join(r.Controls, "; "),
		num(r.ResidualLikelihood), num(r.ResidualConsequence), level(r.ResidualLevel), r.Status.Title(), by, on, why,
		review, open, yesNo(r.Overdue), r.CriteriaVersion, strings.Join(issues, " ")}
}

func orOrganization(system string) string {
	if system == "" {
		return "(the organization)"
	}
	return system
}

// eachRisk reads every risk that matches f with its actions and what to
// resolve, for exports and the heat map.
func (s *Service) eachRisk(ctx context.Context, scope aims.Scope, f aims.RiskFilter) ([]*aims.Risk, error) {
	if err := validateRiskFilter(f); err != nil {
		return nil, err
	}
	f.Today = s.today()
	var list []*aims.Risk
	if err := store.EachRisk(ctx, s.db, scope, f, func(r *aims.Risk) error { list = append(list, r); return nil }); err != nil {
		return nil, err
	}
	for _, r := range list {
		actions, err := store.FindRiskActions(ctx, s.db, scope, r.ID, f.Today)
		if err != nil {
			return nil, err
		}
		r.Actions = actions
	}
	return list, s.describeRisks(ctx, s.db, scope, list...)
}

// ExportRisks writes the register (the risks that match f, every page) as
// xlsx or csv, one row per risk.
func (s *Service) ExportRisks(ctx context.Context, w io.Writer, f aims.RiskFilter, format string) error {
	scope, p, err := authz.Authorize(ctx, authz.Export, "export the risk register")
	if err != nil {
		return err
	}
	if format != "xlsx" && format != "csv" {
		return &aims.Error{Kind: aims.KindInvalid, Message: "unknown export format",
			Fields: []aims.FieldError{{Field: "format", Detail: "must be one of xlsx, csv"}}}
	}
	list, err := s.eachRisk(ctx, scope, f)
	if err != nil {
		return err
	}
	c, err := currentCriteria(ctx, s.db, scope)
	if err != nil {
		return err
	}
	rows := make([][]any, len(list))
	for i, r := range list {
		rows[i] = riskCells(r, c)
	}
	if format == "csv" {
		cw, err := newCSVExport(w, riskColumns)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := cw.Write(cellTexts(r)); err != nil {
				return err
			}
		}
		return cw.Close()
	}
	return writeWorkbook(w, workbook{
		Org: p.OrgName, Document: "AI risk register", Sheet: "Risk register",
		Columns: riskColumns, Widths: riskWidths, Rows: rows,
		About: [][2]string{
			{"Organization", p.OrgName},
			{"Document", "AI risk register (ISO/IEC 42001:2023, 6.1.2, 6.1.3, 8.2, 8.3)"},
			{"Risk criteria", "Version " + itoa(c.Version) + "; risk appetite: " + c.Appetite},
			{"Risks", itoa(len(list))},
			{"As of", time.Now().UTC().Format(aims.DateLayout)},
		},
		Created: time.Now(),
	})
}

// HeatMap places the risks of the register on the current criteria's
// matrix, inherent and residual.
type HeatMap struct {
	Criteria *aims.RiskCriteria
	// Inherent and Residual are indexed [likelihood-1][consequence-1].
	Inherent, Residual [][]HeatCell
	Risks              int // risks shown (closed ones are not)
	NoResidual         int // risks without a residual assessment
	Outside            int // risks assessed on scales the current criteria no longer have
}

// HeatCell is one cell of a heat map.
type HeatCell struct {
	Likelihood, Consequence int
	Level                   *aims.RiskLevel
	Heat                    int // colour band 0 (green) to 3 (red)
	Risks                   []*aims.Risk
}

// RiskHeatMap builds the heat maps of the open risks that match f.
func (s *Service) RiskHeatMap(ctx context.Context, f aims.RiskFilter) (*HeatMap, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the risk register")
	if err != nil {
		return nil, err
	}
	c, err := currentCriteria(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	list, err := s.eachRisk(ctx, scope, f)
	if err != nil {
		return nil, err
	}
	grid := func() [][]HeatCell {
		g := make([][]HeatCell, len(c.Likelihood))
		for l := range g {
			g[l] = make([]HeatCell, len(c.Consequence))
			for k := range g[l] {
				lvl, _ := rules.RiskLevel(c, l+1, k+1)
				g[l][k] = HeatCell{Likelihood: l + 1, Consequence: k + 1, Level: lvl}
				if lvl != nil {
					g[l][k].Heat = rules.HeatClass(c, lvl.Key)
				}
			}
		}
		return g
	}
	hm := &HeatMap{Criteria: c, Inherent: grid(), Residual: grid()}
	place := func(g [][]HeatCell, l, k int, r *aims.Risk) bool {
		if l < 1 || l > len(g) || k < 1 || k > len(g[l-1]) {
			return false
		}
		g[l-1][k-1].Risks = append(g[l-1][k-1].Risks, r)
		return true
	}
	for _, r := range list {
		if r.Status == aims.RiskClosed {
			continue
		}
		hm.Risks++
		ok := place(hm.Inherent, r.Likelihood, r.Consequence, r)
		if r.HasResidual() {
			ok = place(hm.Residual, r.ResidualLikelihood, r.ResidualConsequence, r) && ok
		} else {
			hm.NoResidual++
		}
		if !ok {
			hm.Outside++
		}
	}
	return hm, nil
}
