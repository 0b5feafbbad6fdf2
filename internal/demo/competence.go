package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// The demo's people, AIMS roles, RACI, competence and AI literacy (issue 16
// items 5 and 6, issue 15 item 3): operators on the optimizer's line who
// never sign in, roles held by the team, and an AI literacy gap for
// exactly two of the operators.

// operator is a demo person without an account.
type operator struct {
	name, title, department, site string
	literate                      bool // has current AI literacy training
}

var operators = []operator{
	{"Ana Silva", "Shift operator (nights)", "Production", "Riverside Mill", true},
	{"Ben Oduya", "Shift operator (nights)", "Production", "Riverside Mill", false},
	{"Chloé Martin", "Shift operator (days)", "Production", "Riverside Mill", true},
	{"Dmitri Ivanov", "Shift operator (days)", "Production", "Riverside Mill", false},
	{"Helena Voss", "Managing director", "Executive board", "Head office", true},
}

// The names the demo's training and requirements use.
const (
	literacyBasics    = "AI literacy basics"
	literacyOperators = "AI literacy for operators"
)

// SeedCompetence loads the demo's people, roles, RACI, requirements,
// training, awareness session and AI literacy setting.
func SeedCompetence(ctx context.Context, svc *service.Service) error {
	if _, n, err := svc.FindPeople(ctx, aims.PersonFilter{Search: operators[0].name}); err != nil || n > 0 {
		return err // an earlier load got this far
	}
	byName := map[string]string{} // person name -> id
	for _, o := range operators {
		p := &aims.Person{Name: o.name, JobTitle: o.title, Department: o.department, Site: o.site, Active: true}
		if err := svc.CreatePerson(ctx, p); err != nil {
			return fmt.Errorf("person %s: %w", o.name, err)
		}
		byName[o.name] = p.ID
	}
	members, _, err := svc.FindPeople(ctx, aims.PersonFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	byEmail := map[string]*aims.Person{}
	for _, p := range members {
		byEmail[p.Email] = p
	}
	roles, err := svc.SeedAIMSRoles(ctx)
	if err != nil {
		return err
	}
	roleID := map[string]string{}
	for _, r := range roles {
		roleID[r.Name] = r.ID
	}
	op := &aims.AIMSRole{Name: "Line operator", Responsibilities: "Runs the line with the optimizer's advice; checks each setpoint against the process limits and overrides it when it looks wrong.",
		Authorities: "May override any setpoint and stop the optimizer's advice on the line."}
	if err := svc.CreateAIMSRole(ctx, op); err != nil {
		return err
	}
	roleID[op.Name] = op.ID
	systems, _, err := svc.FindSystems(ctx, aims.SystemFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	systemID := map[string]string{}
	for _, s := range systems {
		systemID[s.Name] = s.ID
	}
	optimizer := systemID["Dewatering setpoint optimizer"]
	person := func(email string) string {
		if p := byEmail[email]; p != nil {
			return p.ID
		}
		return ""
	}
	assign := []aims.RoleAssignment{
		{RoleID: roleID["AIMS owner"], PersonID: person("manager@demo.example")},
		{RoleID: roleID["System owner"], PersonID: person("owner@demo.example"), SystemID: optimizer},
		{RoleID: roleID["Validation lead"], PersonID: person("contributor@demo.example"), SystemID: optimizer},
		{RoleID: roleID["Data steward"], PersonID: person("contributor@demo.example")},
		{RoleID: roleID["Internal auditor"], PersonID: person("auditor@demo.example")},
		{RoleID: roleID["Top management sponsor"], PersonID: byName["Helena Voss"]},
	}
	for _, o := range operators[:4] {
		assign = append(assign, aims.RoleAssignment{RoleID: op.ID, PersonID: byName[o.name], SystemID: optimizer})
	}
	for i := range assign {
		if err := svc.CreateRoleAssignment(ctx, &assign[i]); err != nil {
			return fmt.Errorf("assign a role: %w", err)
		}
	}
	raci := map[aims.Process]map[string]aims.RACI{
		aims.ProcessRiskAssessment:   {"System owner": "R", "AIMS owner": "A", "Data steward": "C", "Internal auditor": "I"},
		aims.ProcessImpactAssessment: {"System owner": "R", "AIMS owner": "A", "Line operator": "C"},
		aims.ProcessReleaseApproval:  {"Validation lead": "R", "System owner": "A", "AIMS owner": "I"},
		aims.ProcessIncidentHandling: {"Line operator": "R", "System owner": "A", "AIMS owner": "I"},
		aims.ProcessInternalAudit:    {"Internal auditor": "R", "AIMS owner": "C", "Top management sponsor": "A"},
		aims.ProcessManagementReview: {"Top management sponsor": "A", "AIMS owner": "R", "Internal auditor": "C"},
	}
	var cells []aims.RACIChange
	for _, p := range aims.ProcessValues() {
		for name, l := range raci[p] {
			cells = append(cells, aims.RACIChange{Process: p, RoleID: roleID[name], Letter: l})
		}
	}
	if _, err := svc.SetRACI(ctx, cells); err != nil {
		return err
	}
	reqs := []aims.CompetenceRequirement{
		{RoleID: roleID["Validation lead"], Competence: "ML model validation", ValidMonths: 36, Action: "Attend the internal model validation course"},
		{RoleID: roleID["Validation lead"], ImpactDomain: aims.DomainSafety, Competence: "Functional safety (IEC 61508) foundation", Action: "Book the foundation course with the safety team"},
		{RoleID: roleID["Internal auditor"], Competence: "ISO/IEC 42001 internal auditor", ValidMonths: 36},
		{RoleID: op.ID, Competence: "Optimizer operation and override", ValidMonths: 12, Action: "Shadow a shift with the process engineer"},
		{RoleID: op.ID, Competence: literacyOperators, ValidMonths: 24},
	}
	for i := range reqs {
		if err := svc.CreateCompetenceRequirement(ctx, &reqs[i]); err != nil {
			return fmt.Errorf("competence requirement: %w", err)
		}
	}
	if err := svc.SaveLiteracySetting(ctx, &aims.LiteracySetting{Competences: []string{literacyBasics, literacyOperators}, MaxAgeMonths: 24}); err != nil {
		return err
	}
	now := time.Now().UTC()
	ago := func(days int) aims.Date { return aims.DateOf(now.AddDate(0, 0, -days)) }
	var training []aims.TrainingRecord
	// Everyone else whose work touches an AI system is literate.
	for _, p := range members {
		if p.UserID != "" {
			training = append(training, aims.TrainingRecord{PersonID: p.ID, Competence: literacyBasics, CompletedOn: ago(120), Evidence: "LMS completion certificate"})
		}
	}
	for _, o := range operators {
		id := byName[o.name]
		if o.literate {
			c := literacyOperators
			if o.title == "Managing director" {
				c = literacyBasics
			}
			training = append(training, aims.TrainingRecord{PersonID: id, Competence: c, CompletedOn: ago(90), Evidence: "Attendance list, plant training room"})
		}
		if o.department == "Production" {
			training = append(training, aims.TrainingRecord{PersonID: id, Competence: "Optimizer operation and override", CompletedOn: ago(200)})
		}
	}
	v := ago(500)
	exp := ago(30)
	training = append(training,
		aims.TrainingRecord{PersonID: person("contributor@demo.example"), Competence: "ML model validation", CompletedOn: ago(400), Evidence: "Course certificate MV-2024-17"},
		aims.TrainingRecord{PersonID: person("auditor@demo.example"), Competence: "ISO/IEC 42001 internal auditor", CompletedOn: v, ExpiresOn: &exp, Evidence: "Certificate expired: renewal booked"},
	)
	for i := range training {
		if err := svc.CreateTrainingRecord(ctx, &training[i]); err != nil {
			return fmt.Errorf("training record: %w", err)
		}
	}
	attendees := []string{person("manager@demo.example"), person("owner@demo.example"), byName["Ana Silva"], byName["Chloé Martin"]}
	if err := svc.CreateAwarenessSession(ctx, &aims.AwarenessSession{HeldOn: ago(60), Topic: "The AI policy and your part in it",
		Notes: "Policy walkthrough, how to report an AI incident, when to override the optimizer.", AttendeeIDs: attendees}); err != nil {
		return fmt.Errorf("awareness session: %w", err)
	}
	return nil
}
