package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// asMember returns ctx acting for the demo member email, so that the audit
// trail, the approval and the acknowledgement name a person.
func asMember(ctx context.Context, userIDs map[string]string, email string) context.Context {
	op := *authz.PrincipalFrom(ctx)
	op.UserID, op.Email = userIDs[email], email+" (by "+op.Email+")"
	return authz.WithPrincipal(ctx, &op)
}

// demoDocument is a controlled document of the demo and how far it got.
type demoDocument struct {
	doc      aims.Document
	body     string
	approver string // the member who approves it
	author   string // the member who writes it; default the AIMS manager
	pending  bool   // left in review, waiting for the approver
	overdue  bool   // its review date has passed
}

const scopeBody = `# Scope of the AI management system

The AI management system of Kestrel Group covers the AI systems that the group develops, buys
or uses in its paper mills and in its consumer-finance arm, and the processes that govern them.

The AI systems in scope, and those excluded with the reason, are listed below from the
inventory. The sites, business units, our roles under the EU AI Act and the management systems
this one works with are recorded with this statement.
`

const procedureBody = `# %s

## Purpose

%s

## Steps

1. The owner of the AI system starts the procedure and records it in aims.
2. The people named below do their part and record the outcome.
3. The AIMS manager checks the record and closes it.

## Records

Every step is recorded in aims and sealed in the organization's log.
`

func demoDocuments(userIDs map[string]string) []demoDocument {
	procedure := func(title, purpose string, reqs ...string) aims.Document {
		return aims.Document{Title: title, Type: aims.DocProcedure, Classification: aims.ClassInternal,
			OwnerID: userIDs[approver], ReviewIntervalMonths: 12, Requirements: reqs, Processes: []string{title}}
	}
	return []demoDocument{
		{doc: aims.Document{Title: "AI policy", Type: aims.DocAIPolicy, Classification: aims.ClassPublic, OwnerID: userIDs[approver],
			ReviewIntervalMonths: 12, Requirements: []string{"iso42001:5.2", "iso42001:A.2.2", "iso42001:A.2.3"}},
			body: service.DocumentTemplate(aims.DocAIPolicy, "Kestrel Group"), approver: "admin@demo.example"},
		{doc: aims.Document{Title: "Scope of the AI management system", Type: aims.DocScopeStatement, Classification: aims.ClassInternal,
			OwnerID: userIDs[approver], ReviewIntervalMonths: 12, Requirements: []string{"iso42001:4.3"},
			Sites:         []string{"Riverside Mill", "Northport Mill", "Kestrel Finance, Leeds office"},
			BusinessUnits: []string{"Paper production", "Consumer finance", "Group HR", "Customer service"},
			AIRoles:       []aims.OperatorRole{aims.OperatorDeployer, aims.OperatorProvider},
			Interfaces: []aims.SystemInterface{
				{Standard: aims.StandardISO9001, Note: "Quality management at both mills: AI changes go through its change control."},
				{Standard: aims.StandardISO27001, Note: "Group information security: access control and logging controls are shared."},
				{Standard: aims.StandardISO27701, Note: "Privacy management for the finance arm's personal data."},
				{Standard: aims.StandardIEC62443, Note: "The plant network at Riverside Mill: the optimizer's gateway sits in its zone 3."},
			}},
			body: scopeBody, approver: "admin@demo.example"},
		{doc: procedure("AI risk assessment procedure", "How we identify, analyse and evaluate the risks of an AI system.",
			"iso42001:6.1.2", "iso42001:8.2"), body: "", approver: "admin@demo.example"},
		{doc: procedure("Model release procedure", "How a model version is validated and approved before it is deployed.",
			"iso42001:A.6.2.4", "iso42001:A.6.2.5"), body: "", approver: approver, author: "contributor@demo.example", pending: true},
		{doc: procedure("AI incident handling procedure", "How we detect, report and learn from incidents with AI systems.",
			"iso42001:A.8.4", "iso42001:10.2"), body: "", approver: "admin@demo.example", overdue: true},
	}
}

// SeedDocuments loads the demo's controlled documents: an approved AI
// policy acknowledged by most members but not all, an approved scope
// statement, three procedures (one waiting for the AIMS manager's
// approval) and one document whose review is overdue (issue 15). It does
// nothing when the AI policy exists already.
func SeedDocuments(ctx context.Context, svc *service.Service, userIDs map[string]string) error {
	if _, n, err := svc.FindDocuments(ctx, aims.DocumentFilter{Type: aims.DocAIPolicy}); err != nil || n > 0 {
		return err
	}
	for _, dd := range demoDocuments(userIDs) {
		d := dd.doc
		author := asMember(ctx, userIDs, approver)
		if dd.author != "" {
			author = asMember(ctx, userIDs, dd.author)
		}
		if err := svc.CreateDocument(ctx, &d); err != nil {
			return fmt.Errorf("demo document %s: %w", d.Title, err)
		}
		body := dd.body
		if body == "" {
			body = fmt.Sprintf(procedureBody, d.Title, dd.doc.Processes[0])
		}
		v := &aims.DocumentVersion{Major: 1, Minor: 0, Body: body, ChangeSummary: "First issue"}
		if err := svc.CreateDocumentVersion(author, d.ID, v); err != nil {
			return fmt.Errorf("demo document %s: %w", d.Title, err)
		}
		due := aims.DateOf(time.Now().AddDate(0, 0, 14))
		r, err := svc.SubmitDocumentVersion(author, d.ID, v.ID, aims.ApprovalAsk{Approvers: []string{userIDs[dd.approver]}, DueOn: &due})
		if err != nil {
			return fmt.Errorf("demo document %s: submit: %w", d.Title, err)
		}
		if dd.pending {
			continue
		}
		if _, err := svc.DecideApproval(asMember(ctx, userIDs, dd.approver), r.ID,
			aims.DecisionInput{Verdict: aims.VerdictApprove, Comment: "Read and agreed."}); err != nil {
			return fmt.Errorf("demo document %s: approve: %w", d.Title, err)
		}
		if dd.overdue {
			past := aims.DateOf(time.Now().AddDate(0, 0, -20))
			if _, err := svc.UpdateDocument(ctx, d.ID, aims.DocumentUpdate{NextReview: &past}); err != nil {
				return err
			}
		}
		if d.Type != aims.DocAIPolicy {
			continue
		}
		// Everyone but the maintenance lead has acknowledged the policy;
		// the auditor writes nothing.
		for _, p := range people {
			if p.role == aims.RoleAuditor || p.email == "erik.lindqvist@demo.example" {
				continue
			}
			if _, err := svc.AcknowledgeDocumentVersion(asMember(ctx, userIDs, p.email), d.ID, v.ID); err != nil {
				return fmt.Errorf("demo acknowledgement by %s: %w", p.email, err)
			}
		}
	}
	return nil
}
