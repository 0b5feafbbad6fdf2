package service

import (
	"context"
	"io"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// competenceRequirements is the register of what each AIMS role requires
// (ISO/IEC 42001 7.2, A.4.6).
var competenceRequirements = register[aims.CompetenceRequirement, *aims.CompetenceRequirement, aims.CompetenceRequirementFilter, aims.CompetenceRequirementUpdate]{
	plural: "competence requirements",
	list:   store.FindCompetenceRequirements, find: store.FindCompetenceRequirementByID,
	create: store.CreateCompetenceRequirement, update: store.UpdateCompetenceRequirement, delete: store.DeleteCompetenceRequirement,
	checkRefs: func(ctx context.Context, q store.Querier, scope aims.Scope, c *aims.CompetenceRequirement) error {
		return checkRef(ctx, q, scope, "role_id", "role", c.RoleID, store.FindAIMSRoleByID)
	},
}

// FindCompetenceRequirements lists requirements.
func (s *Service) FindCompetenceRequirements(ctx context.Context, f aims.CompetenceRequirementFilter) ([]*aims.CompetenceRequirement, int, error) {
	return competenceRequirements.findAll(ctx, s, f)
}

// FindCompetenceRequirementByID returns one requirement.
func (s *Service) FindCompetenceRequirementByID(ctx context.Context, id string) (*aims.CompetenceRequirement, error) {
	return competenceRequirements.findByID(ctx, s, id)
}

// CreateCompetenceRequirement adds a requirement to a role.
func (s *Service) CreateCompetenceRequirement(ctx context.Context, in *aims.CompetenceRequirement) error {
	return competenceRequirements.add(ctx, s, in)
}

// UpdateCompetenceRequirement changes a requirement.
func (s *Service) UpdateCompetenceRequirement(ctx context.Context, id string, upd aims.CompetenceRequirementUpdate) (*aims.CompetenceRequirement, error) {
	return competenceRequirements.change(ctx, s, id, upd)
}

// DeleteCompetenceRequirement removes a requirement.
func (s *Service) DeleteCompetenceRequirement(ctx context.Context, id string) error {
	return competenceRequirements.remove(ctx, s, id)
}

// trainingRecords is the register of courses and qualifications people
// hold (7.2 d).
var trainingRecords = register[aims.TrainingRecord, *aims.TrainingRecord, aims.TrainingRecordFilter, aims.TrainingRecordUpdate]{
	plural: "training records",
	list:   store.FindTrainingRecords, find: store.FindTrainingRecordByID,
	create: store.CreateTrainingRecord, update: store.UpdateTrainingRecord, delete: store.DeleteTrainingRecord,
	checkRefs: func(ctx context.Context, q store.Querier, scope aims.Scope, t *aims.TrainingRecord) error {
		return checkRef(ctx, q, scope, "person_id", "person", t.PersonID, store.FindPersonByID)
	},
}

// FindTrainingRecords lists training records, newest first.
func (s *Service) FindTrainingRecords(ctx context.Context, f aims.TrainingRecordFilter) ([]*aims.TrainingRecord, int, error) {
	return trainingRecords.findAll(ctx, s, f)
}

// FindTrainingRecordByID returns one record.
func (s *Service) FindTrainingRecordByID(ctx context.Context, id string) (*aims.TrainingRecord, error) {
	return trainingRecords.findByID(ctx, s, id)
}

// CreateTrainingRecord adds a record; an expiry not after the date is 422.
func (s *Service) CreateTrainingRecord(ctx context.Context, in *aims.TrainingRecord) error {
	return trainingRecords.add(ctx, s, in)
}

// UpdateTrainingRecord changes a record.
func (s *Service) UpdateTrainingRecord(ctx context.Context, id string, upd aims.TrainingRecordUpdate) (*aims.TrainingRecord, error) {
	return trainingRecords.change(ctx, s, id, upd)
}

// DeleteTrainingRecord removes a record.
func (s *Service) DeleteTrainingRecord(ctx context.Context, id string) error {
	return trainingRecords.remove(ctx, s, id)
}

// awarenessSessions is the register of awareness sessions (7.3).
var awarenessSessions = register[aims.AwarenessSession, *aims.AwarenessSession, aims.AwarenessSessionFilter, aims.AwarenessSessionUpdate]{
	plural: "awareness sessions",
	list:   store.FindAwarenessSessions, find: store.FindAwarenessSessionByID,
	create: store.CreateAwarenessSession, update: store.UpdateAwarenessSession, delete: store.DeleteAwarenessSession,
	checkRefs: func(ctx context.Context, q store.Querier, scope aims.Scope, a *aims.AwarenessSession) error {
		return checkPeopleRefs(ctx, q, scope, "attendee_ids", a.AttendeeIDs)
	},
}

// FindAwarenessSessions lists sessions, newest first.
func (s *Service) FindAwarenessSessions(ctx context.Context, f aims.AwarenessSessionFilter) ([]*aims.AwarenessSession, int, error) {
	return awarenessSessions.findAll(ctx, s, f)
}

// FindAwarenessSessionByID returns one session.
func (s *Service) FindAwarenessSessionByID(ctx context.Context, id string) (*aims.AwarenessSession, error) {
	return awarenessSessions.findByID(ctx, s, id)
}

// CreateAwarenessSession adds a session with its attendees.
func (s *Service) CreateAwarenessSession(ctx context.Context, in *aims.AwarenessSession) error {
	return awarenessSessions.add(ctx, s, in)
}

// UpdateAwarenessSession changes a session.
func (s *Service) UpdateAwarenessSession(ctx context.Context, id string, upd aims.AwarenessSessionUpdate) (*aims.AwarenessSession, error) {
	return awarenessSessions.change(ctx, s, id, upd)
}

// DeleteAwarenessSession removes a session.
func (s *Service) DeleteAwarenessSession(ctx context.Context, id string) error {
	return awarenessSessions.remove(ctx, s, id)
}

// today is the day the gap and literacy rules are judged on.
func today() aims.Date { return aims.DateOf(time.Now()) }

// FindRoleGaps lists the competence gaps of the active holders of one role
// on today, with the action to close each (7.2 c).
func (s *Service) FindRoleGaps(ctx context.Context, roleID string) ([]aims.CompetenceGap, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read competence gaps")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindAIMSRoleByID(ctx, s.db, scope, roleID); err != nil {
		return nil, err
	}
	holders, reqs, training, err := store.RoleGapInputs(ctx, s.db, scope, roleID)
	if err != nil {
		return nil, err
	}
	day := today()
	out := []aims.CompetenceGap{}
	for _, h := range holders {
		var applies []*aims.CompetenceRequirement
		for _, c := range reqs {
			if h.Applies(c) {
				applies = append(applies, c)
			}
		}
		out = append(out, rules.CompetenceGaps(&h.Person, applies, training[h.Person.ID], day)...)
	}
	return out, nil
}

// FindPersonCompetence returns a person's roles, training, gaps, AI
// literacy and awareness sessions.
func (s *Service) FindPersonCompetence(ctx context.Context, personID string) (*aims.PersonCompetence, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read people")
	if err != nil {
		return nil, err
	}
	p, err := store.FindPersonByID(ctx, s.db, scope, personID)
	if err != nil {
		return nil, err
	}
	assignments, reqs, training, err := store.PersonGapInputs(ctx, s.db, scope, personID)
	if err != nil {
		return nil, err
	}
	for _, t := range training {
		t.PersonName = p.Name
	}
	out := &aims.PersonCompetence{Person: p, Assignments: assignments, Training: training}
	day := today()
	out.Gaps = rules.CompetenceGaps(p, reqs, training, day)
	setting, err := store.FindLiteracySetting(ctx, s.db, scope)
	if err != nil && !aims.IsKind(err, aims.KindNotFound) {
		return nil, err
	}
	touches, err := store.PersonTouchesAI(ctx, s.db, scope, p)
	if err != nil {
		return nil, err
	}
	out.Literacy, _ = rules.Literacy(setting, touches && p.Active, training, day)
	if out.Awareness, _, err = store.FindAwarenessSessions(ctx, s.db, scope, aims.AwarenessSessionFilter{PersonID: p.ID, Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
		return nil, err
	}
	if out.PolicyAcks, err = store.PolicyAcknowledgements(ctx, s.db, scope, p.UserID); err != nil {
		return nil, err
	}
	out.AwarenessStatus = rules.Awareness(len(out.Awareness), out.PolicyAcks)
	return out, nil
}

// FindLiteracySetting returns what the organization counts as sufficient
// AI literacy; not found until it says.
func (s *Service) FindLiteracySetting(ctx context.Context) (*aims.LiteracySetting, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the AI literacy setting")
	if err != nil {
		return nil, err
	}
	return store.FindLiteracySetting(ctx, s.db, scope)
}

// SaveLiteracySetting says what counts as sufficient AI literacy.
func (s *Service) SaveLiteracySetting(ctx context.Context, in *aims.LiteracySetting) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change the AI literacy setting")
	if err != nil {
		return err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error { return store.SaveLiteracySetting(ctx, tx, scope, in) })
}

// FindLiteracy returns the AI literacy of every active person whose work
// touches an AI system (EU AI Act Art. 4), by name, with the setting it
// was judged against (nil when the organization has not said).
func (s *Service) FindLiteracy(ctx context.Context) ([]aims.LiteracyRow, *aims.LiteracySetting, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI literacy")
	if err != nil {
		return nil, nil, err
	}
	setting, err := store.FindLiteracySetting(ctx, s.db, scope)
	if err != nil && !aims.IsKind(err, aims.KindNotFound) {
		return nil, nil, err
	}
	people, err := store.PeopleTouchingAI(ctx, s.db, scope)
	if err != nil {
		return nil, nil, err
	}
	var training map[string][]*aims.TrainingRecord
	if setting != nil {
		if training, err = store.LiteracyTraining(ctx, s.db, scope, setting.Competences); err != nil {
			return nil, nil, err
		}
	}
	day := today()
	out := make([]aims.LiteracyRow, 0, len(people))
	for _, p := range people {
		st, latest := rules.Literacy(setting, true, training[p.ID], day)
		out = append(out, aims.LiteracyRow{PersonID: p.ID, PersonName: p.Name, Status: st, Latest: latest})
	}
	return out, setting, nil
}

// TrainingCSVColumns are the columns of the training records export, and
// those the import reads (person_email or person names the person).
var TrainingCSVColumns = []string{"person", "person_email", "competence", "completed_on", "expires_on", "evidence", "created_at", "id"}

// ExportTrainingRecordsCSV writes the training records that f selects
// (all pages) as CSV.
func (s *Service) ExportTrainingRecordsCSV(ctx context.Context, w io.Writer, f aims.TrainingRecordFilter) error {
	scope, _, err := authz.Authorize(ctx, authz.Export, "export training records")
	if err != nil {
		return err
	}
	emails := map[string]string{}
	return exportPages(w, TrainingCSVColumns, func(p aims.Page) ([]*aims.TrainingRecord, int, error) {
		f.Page = p
		list, total, err := s.FindTrainingRecords(ctx, f)
		for _, t := range list {
			if _, ok := emails[t.PersonID]; !ok && err == nil {
				if p, perr := store.FindPersonByID(ctx, s.db, scope, t.PersonID); perr == nil {
					emails[t.PersonID] = p.Email
				}
			}
		}
		return list, total, err
	}, func(t *aims.TrainingRecord) []string {
		return []string{t.PersonName, emails[t.PersonID], t.Competence, t.CompletedOn.String(), csvDate(t.ExpiresOn), t.Evidence, csvTime(t.CreatedAt), t.ID}
	})
}
