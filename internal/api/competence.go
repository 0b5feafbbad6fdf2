package api

import (
	"context"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// CompetenceRequirementInput is a competence a role requires (7.2, A.4.6).
type CompetenceRequirementInput struct {
	RoleID       string `json:"role_id"`
	ImpactDomain string `json:"impact_domain,omitempty" doc:"Only for holders of the role for an AI system with this impact domain"`
	Competence   string `json:"competence" maxLength:"200" doc:"The course or qualification, matched with training records in any case"`
	ValidMonths  int    `json:"valid_months,omitempty" minimum:"0" maximum:"600" doc:"How recent it must be, in months; 0 for no limit"`
	Action       string `json:"action,omitempty" maxLength:"2000" doc:"What closes the gap"`
}

type competenceRequirementList struct {
	PageParams
	RoleID string `query:"role_id"`
}

// TrainingRecordInput is a course or qualification a person holds.
type TrainingRecordInput struct {
	PersonID    string `json:"person_id"`
	Competence  string `json:"competence" maxLength:"200"`
	CompletedOn string `json:"completed_on" format:"date"`
	ExpiresOn   string `json:"expires_on,omitempty" format:"date" doc:"After completed_on"`
	Evidence    string `json:"evidence,omitempty" maxLength:"2000" doc:"A link to the certificate, or a note"`
}

type trainingList struct {
	PageParams
	PersonID string `query:"person_id"`
	Q        string `query:"q" doc:"Part of the competence, any case"`
}

func (in *trainingList) filter() aims.TrainingRecordFilter {
	return aims.TrainingRecordFilter{PersonID: in.PersonID, Search: in.Q, Page: in.page()}
}

// AwarenessSessionInput is an awareness session (7.3).
type AwarenessSessionInput struct {
	HeldOn      string   `json:"held_on" format:"date"`
	Topic       string   `json:"topic" maxLength:"200"`
	Notes       string   `json:"notes,omitempty" maxLength:"20000"`
	AttendeeIDs []string `json:"attendee_ids,omitempty" doc:"The people who attended"`
}

type sessionList struct {
	PageParams
	PersonID string `query:"person_id" doc:"Sessions this person attended"`
}

// LiteracyInput is what counts as sufficient AI literacy.
type LiteracyInput struct {
	Competences  []string `json:"competences" doc:"Trainings any one of which counts"`
	MaxAgeMonths int      `json:"max_age_months,omitempty" minimum:"0" maximum:"600" doc:"How recent, in months; 0 for no limit"`
}

type literacyOutput struct {
	Setting *aims.LiteracySetting `json:"setting,omitempty"`
	People  []aims.LiteracyRow    `json:"people"`
}

func dateValue(s string) aims.Date {
	if d := dateOrNil(s); d != nil {
		return *d
	}
	return aims.Date{}
}

func (h *Handlers) registerCompetence(api huma.API) {
	crud[aims.CompetenceRequirement, competenceRequirementList, CompetenceRequirementInput, aims.CompetenceRequirementUpdate]{
		tag: "Competence", path: "/competence-requirements", noun: "competence-requirement", plural: "competence-requirements", a: "a",
		list: func(ctx context.Context, in *competenceRequirementList) ([]*aims.CompetenceRequirement, int, error) {
			return h.svc.FindCompetenceRequirements(ctx, aims.CompetenceRequirementFilter{RoleID: in.RoleID, Page: in.page()})
		},
		create: func(ctx context.Context, b CompetenceRequirementInput) (*aims.CompetenceRequirement, error) {
			return created(ctx, &aims.CompetenceRequirement{RoleID: b.RoleID, ImpactDomain: aims.ImpactDomain(b.ImpactDomain), Competence: b.Competence,
				ValidMonths: b.ValidMonths, Action: b.Action}, h.svc.CreateCompetenceRequirement)
		},
		get: h.svc.FindCompetenceRequirementByID, update: h.svc.UpdateCompetenceRequirement, delete: h.svc.DeleteCompetenceRequirement,
	}.register(api)
	crud[aims.TrainingRecord, trainingList, TrainingRecordInput, aims.TrainingRecordUpdate]{
		tag: "Competence", path: "/training-records", noun: "training-record", plural: "training-records", a: "a",
		list: func(ctx context.Context, in *trainingList) ([]*aims.TrainingRecord, int, error) {
			return h.svc.FindTrainingRecords(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *trainingList) error {
			return h.svc.ExportTrainingRecordsCSV(ctx, w, in.filter())
		},
		exportColumns: service.TrainingCSVColumns,
		create: func(ctx context.Context, b TrainingRecordInput) (*aims.TrainingRecord, error) {
			return created(ctx, &aims.TrainingRecord{PersonID: b.PersonID, Competence: b.Competence, CompletedOn: dateValue(b.CompletedOn),
				ExpiresOn: dateOrNil(b.ExpiresOn), Evidence: b.Evidence}, h.svc.CreateTrainingRecord)
		},
		get: h.svc.FindTrainingRecordByID, update: h.svc.UpdateTrainingRecord, delete: h.svc.DeleteTrainingRecord,
	}.register(api)
	crud[aims.AwarenessSession, sessionList, AwarenessSessionInput, aims.AwarenessSessionUpdate]{
		tag: "Competence", path: "/awareness-sessions", noun: "awareness-session", plural: "awareness-sessions", a: "an",
		list: func(ctx context.Context, in *sessionList) ([]*aims.AwarenessSession, int, error) {
			return h.svc.FindAwarenessSessions(ctx, aims.AwarenessSessionFilter{PersonID: in.PersonID, Page: in.page()})
		},
		create: func(ctx context.Context, b AwarenessSessionInput) (*aims.AwarenessSession, error) {
			return created(ctx, &aims.AwarenessSession{HeldOn: dateValue(b.HeldOn), Topic: b.Topic, Notes: b.Notes, AttendeeIDs: b.AttendeeIDs},
				h.svc.CreateAwarenessSession)
		},
		get: h.svc.FindAwarenessSessionByID, update: h.svc.UpdateAwarenessSession, delete: h.svc.DeleteAwarenessSession,
	}.register(api)

	huma.Register(api, operation(http.MethodGet, "/ai-literacy", "get-ai-literacy", "Competence",
		"Get the AI literacy of everyone whose work touches an AI system (EU AI Act Art. 4)", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[literacyOutput], error) {
			rows, setting, err := h.svc.FindLiteracy(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[literacyOutput]{Body: literacyOutput{Setting: setting, People: rows}}, nil
		})
	huma.Register(api, operation(http.MethodPut, "/ai-literacy", "put-ai-literacy", "Competence",
		"Say what counts as sufficient AI literacy", authz.Edit),
		func(ctx context.Context, in *Body[LiteracyInput]) (*Body[*aims.LiteracySetting], error) {
			l := &aims.LiteracySetting{Competences: in.Body.Competences, MaxAgeMonths: in.Body.MaxAgeMonths}
			if err := h.svc.SaveLiteracySetting(ctx, l); err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.LiteracySetting]{Body: l}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/people/{id}/competence", "get-person-competence", "Competence",
		"Get a person's roles, training, competence gaps, AI literacy and awareness", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.PersonCompetence], error) {
			c, err := h.svc.FindPersonCompetence(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.PersonCompetence]{Body: c}, nil
		})
}
