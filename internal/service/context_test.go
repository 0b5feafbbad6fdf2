package service_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestContextRegisters runs the context registers on both databases: the
// organization's categories (the default list until it sets its own), an
// issue's risks named in the record and leaving it when the risk is
// deleted, the relevance filter, a change's responsible member named, and
// the interested parties export with a row per requirement.
func TestContextRegisters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		ctx := w.as(aims.RoleAIMSManager)
		cats, err := w.svc.ContextCategories(ctx)
		if err != nil || cats.ID != "" || len(cats.Categories) != 7 {
			t.Fatalf("default categories %+v (%v)", cats, err)
		}
		if _, err := w.svc.SaveContextCategories(w.as(aims.RoleAuditor), []string{"Legal"}); !aims.IsKind(err, aims.KindForbidden) {
			t.Fatalf("auditor saves categories: %v", err)
		}
		if _, err := w.svc.SaveContextCategories(ctx, []string{" Legal ", "Supply chain", ""}); err != nil {
			t.Fatal(err)
		}
		if cats, _ = w.svc.ContextCategories(w.as(aims.RoleViewer)); strings.Join(cats.Categories, "|") != "Legal|Supply chain" || cats.ID == "" {
			t.Fatalf("saved categories %+v", cats)
		}

		risk := validRisk("", w.users[aims.RoleAIMSManager].ID, 2, 2)
		if err := w.svc.CreateRisk(ctx, risk); err != nil {
			t.Fatal(err)
		}
		market := &aims.ContextIssue{Title: "New entrants", Category: "Market", Origin: aims.OriginExternal}
		if err := w.svc.CreateContextIssue(ctx, market); !aims.IsKind(err, aims.KindInvalid) || fieldList(err) != "category" {
			t.Fatalf("a category no longer in the list: %v", err)
		}
		issue := &aims.ContextIssue{Title: "Single source of chips", Category: "supply CHAIN", Origin: aims.OriginExternal,
			Relevance: aims.RelevanceRelevant, Risks: []aims.LineageRef{{ID: risk.ID}}, Objectives: []string{"obj-1"}}
		if err := w.svc.CreateContextIssue(ctx, issue); err != nil {
			t.Fatal(err)
		}
		got, err := w.svc.FindContextIssueByID(w.as(aims.RoleViewer), issue.ID)
		if err != nil || got.Category != "Supply chain" || len(got.Risks) != 1 || got.Risks[0].Name != "R-1 Biased declines" ||
			strings.Join(got.Objectives, ",") != "obj-1" {
			t.Fatalf("issue %+v (%v)", got, err)
		}
		if list, n, err := w.svc.FindContextIssues(ctx, aims.ContextIssueFilter{Relevance: aims.RelevanceNotRelevant}); err != nil || n != 0 || len(list) != 0 {
			t.Fatalf("not relevant issues: %d (%v)", n, err)
		}
		if err := w.svc.DeleteRisk(ctx, risk.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ = w.svc.FindContextIssueByID(ctx, issue.ID); len(got.Risks) != 0 {
			t.Fatalf("risks after the risk's delete: %+v", got.Risks)
		}

		other := newSoAWorld(t, db, "other")
		if _, err := w.svc.FindContextIssueByID(other.as(aims.RoleAdmin), issue.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Fatalf("another organization reads the issue: %v", err)
		}

		change := &aims.PlannedChange{Title: "New site", Purpose: "Grow", ResponsibleID: w.users[aims.RoleSystemOwner].ID}
		if err := w.svc.CreatePlannedChange(ctx, change); err != nil || change.ResponsibleName == "" {
			t.Fatalf("change %+v (%v)", change, err)
		}

		party := &aims.InterestedParty{Name: "Regulator", Kind: aims.PartyRegulator, Origin: aims.OriginExternal,
			Requirements: []aims.PartyRequirement{
				{Text: "Deployer duties", Addressed: aims.AddressedFully, Through: []string{"eu-ai-act:Art. 26", "document:Policy"}},
				{Text: "Literacy"}}}
		if err := w.svc.CreateInterestedParty(ctx, party); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := w.svc.ExportInterestedPartiesCSV(w.as(aims.RoleAuditor), &buf, aims.InterestedPartyFilter{}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 3 || rows[1][5] != "Deployer duties" || rows[1][7] != "eu-ai-act:Art. 26; document:Policy" ||
			rows[2][6] != "not_addressed" || rows[2][10] != "1" {
			t.Fatalf("export %q (%v)", rows, err)
		}
	})
}
