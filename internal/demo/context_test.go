package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDemoContext checks the demo's context as issue 16 asks for it: the
// climate issue judged not relevant with a reason, interested parties with
// requirements (the regulator's EU AI Act obligations, the works council's
// information on AI at work, the loan applicants affected by credit
// scoring), the planned change of a second mill adopting the optimizer,
// and a communication plan with records, one entry overdue.
func TestDemoContext(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	svc := service.New(db, nil)
	if _, err := demo.Ensure(ctx, svc); err != nil {
		t.Fatal(err)
	}
	org, err := svc.ResolveOrganization(ctx, demo.Slug)
	must(t, err)
	octx := service.OperatorContext(ctx, org, "test")

	s, err := svc.ContextSummary(octx)
	must(t, err)
	if !s.Climate.Determined || s.Climate.Relevance != aims.RelevanceNotRelevant || s.Climate.Reason == "" {
		t.Errorf("climate answer %+v, want not relevant with a reason", s.Climate)
	}
	if s.Issues != 6 || s.UndeterminedIssues != 1 || s.IssuesNotReviewed != 2 || s.Parties != 4 || s.Requirements != 9 ||
		s.RequirementsAddressed != 4 || s.RequirementsPartly != 4 || s.RequirementsOpen != 1 || s.PartiesNotReviewed != 1 {
		t.Errorf("summary %+v", s)
	}
	parties, _, err := svc.FindInterestedParties(octx, aims.InterestedPartyFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	must(t, err)
	kinds := map[aims.PartyKind][]string{}
	for _, p := range parties {
		for _, r := range p.Requirements {
			kinds[p.Kind] = append(kinds[p.Kind], r.Through...)
		}
	}
	if !slices.Contains(kinds[aims.PartyRegulator], "eu-ai-act:Art. 26") || !slices.Contains(kinds[aims.PartyWorksCouncil], "iso42001:7.4") ||
		len(kinds[aims.PartyAffectedPersons]) == 0 || len(kinds[aims.PartyCustomer]) == 0 {
		t.Errorf("requirements' records by kind of party: %v", kinds)
	}
	changes, _, err := svc.FindPlannedChanges(octx, aims.PlannedChangeFilter{Search: "setpoint optimizer"})
	must(t, err)
	if len(changes) != 1 || changes[0].Status != aims.ChangeInProgress || changes[0].ResponsibleName == "" {
		t.Errorf("planned change %+v", changes)
	}
	_, resources, err := svc.FindResources(octx, aims.ResourceFilter{})
	must(t, err)
	over, n, err := svc.FindCommunications(octx, aims.CommunicationFilter{Overdue: true})
	must(t, err)
	all, total, err := svc.FindCommunications(octx, aims.CommunicationFilter{})
	must(t, err)
	made := 0
	for _, c := range all {
		made += len(c.Records)
	}
	if resources != 5 || total != 4 || made != 4 || n != 1 || over[0].Subject != "Use of AI at work" {
		t.Errorf("%d resources, %d communications with %d made, overdue %d", resources, total, made, n)
	}
}
