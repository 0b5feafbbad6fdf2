package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// competenceRequirements is the requirements' table (7.2, A.4.6).
var competenceRequirements = register{table: "competence_requirements", noun: "competence requirement", entity: aims.EntityCompetenceRequirement}

const requirementSelect = `
	SELECT c.id, c.role_id, c.impact_domain, c.competence, c.valid_months, c.action, c.created_at, c.updated_at, r.name
	FROM competence_requirements c JOIN aims_roles r ON r.org_id = c.org_id AND r.id = c.role_id`

func scanRequirement(sc scanner, extra ...any) (*aims.CompetenceRequirement, error) {
	var c aims.CompetenceRequirement
	var d string
	dest := []any{&c.ID, &c.RoleID, &d, &c.Competence, &c.ValidMonths, &c.Action, &c.CreatedAt, &c.UpdatedAt, &c.RoleName}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.ImpactDomain, c.CreatedAt, c.UpdatedAt = aims.ImpactDomain(d), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// CreateCompetenceRequirement adds a requirement; the caller has checked
// that the role is the organization's.
func CreateCompetenceRequirement(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.CompetenceRequirement) error {
	c.ID = newID()
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO competence_requirements (id, org_id, role_id, impact_domain, competence, competence_key, valid_months, action, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		c.ID, scope.OrgID(), c.RoleID, string(c.ImpactDomain), c.Competence, nameKey(c.Competence), c.ValidMonths, c.Action, c.CreatedAt, c.UpdatedAt); err != nil {
		return fmt.Errorf("add competence requirement: %w", mapError(err))
	}
	stored, err := FindCompetenceRequirementByID(ctx, tx, scope, c.ID)
	if err != nil {
		return err
	}
	*c = *stored
	return tx.recordCreate(ctx, scope, aims.EntityCompetenceRequirement, c.ID, c)
}

// FindCompetenceRequirementByID returns one requirement.
func FindCompetenceRequirementByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.CompetenceRequirement, error) {
	c, err := scanRequirement(q.queryer().QueryRowContext(ctx, requirementSelect+` WHERE c.org_id = $1 AND c.id = $2`, scope.OrgID(), id))
	return c, competenceRequirements.one(err)
}

// FindCompetenceRequirements lists requirements by role and competence.
func FindCompetenceRequirements(ctx context.Context, q Querier, scope aims.Scope, f aims.CompetenceRequirementFilter) ([]*aims.CompetenceRequirement, int, error) {
	return findPage(ctx, q, "competence requirements", `
	SELECT c.id, c.role_id, c.impact_domain, c.competence, c.valid_months, c.action, c.created_at, c.updated_at, r.name,
		(SELECT COUNT(*) FROM competence_requirements x WHERE x.org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR x.role_id = $2))
	FROM competence_requirements c JOIN aims_roles r ON r.org_id = c.org_id AND r.id = c.role_id
	WHERE c.org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR c.role_id = $2)
	ORDER BY r.name_key, c.competence_key, c.id
	LIMIT $3 OFFSET $4`, []any{scope.OrgID(), opt(f.RoleID)}, f.Page,
		func(sc scanner, total *int) (*aims.CompetenceRequirement, error) { return scanRequirement(sc, total) })
}

// UpdateCompetenceRequirement writes after over before.
func UpdateCompetenceRequirement(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.CompetenceRequirement) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE competence_requirements SET impact_domain = $1, competence = $2, competence_key = $3, valid_months = $4, action = $5, updated_at = $6
		WHERE org_id = $7 AND id = $8`,
		string(after.ImpactDomain), after.Competence, nameKey(after.Competence), after.ValidMonths, after.Action, after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("change competence requirement: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("competence requirement")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityCompetenceRequirement, before.ID, before, after)
}

// DeleteCompetenceRequirement removes a requirement.
func DeleteCompetenceRequirement(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.CompetenceRequirement) error {
	return competenceRequirements.remove(ctx, tx, scope, before, before.ID, "the requirement is still named by other records")
}

// trainingRecords is the training records' table.
var trainingRecords = register{table: "training_records", noun: "training record", entity: aims.EntityTrainingRecord}

const trainingSelect = `
	SELECT t.id, t.person_id, t.competence, t.completed_on, t.expires_on, t.evidence, t.created_at, t.updated_at, p.name
	FROM training_records t JOIN people p ON p.org_id = t.org_id AND p.id = t.person_id`

func scanTraining(sc scanner, extra ...any) (*aims.TrainingRecord, error) {
	var t aims.TrainingRecord
	var done sql.NullTime
	var exp sql.NullTime
	dest := []any{&t.ID, &t.PersonID, &t.Competence, &done, &exp, &t.Evidence, &t.CreatedAt, &t.UpdatedAt, &t.PersonName}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if d := scanDate(done); d != nil {
		t.CompletedOn = *d
	}
	t.ExpiresOn, t.CreatedAt, t.UpdatedAt = scanDate(exp), t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

func trainingWriteError(err error) error {
	if classify(err) == classCheck {
		return &aims.Error{Kind: aims.KindInvalid, Message: "the expiry must be after the date",
			Fields: []aims.FieldError{{Field: "expires_on", Detail: "must be after completed_on"}}}
	}
	return fmt.Errorf("write training record: %w", mapError(err))
}

// CreateTrainingRecord adds a record; the caller has checked the person.
func CreateTrainingRecord(ctx context.Context, tx *Tx, scope aims.Scope, t *aims.TrainingRecord) error {
	t.ID = newID()
	t.CreatedAt, t.UpdatedAt = tx.now, tx.now
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO training_records (id, org_id, person_id, competence, competence_key, completed_on, expires_on, evidence, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, scope.OrgID(), t.PersonID, t.Competence, nameKey(t.Competence), t.CompletedOn.Time, nullDate(t.ExpiresOn), t.Evidence,
		t.CreatedAt, t.UpdatedAt); err != nil {
		return trainingWriteError(err)
	}
	if err := refreshCurrent(ctx, tx, scope.OrgID(), []string{t.PersonID}); err != nil {
		return err
	}
	if t.PersonName == "" {
		stored, err := FindTrainingRecordByID(ctx, tx, scope, t.ID)
		if err != nil {
			return err
		}
		*t = *stored
	}
	return tx.recordCreate(ctx, scope, aims.EntityTrainingRecord, t.ID, t)
}

// trainingInsertColumns are the columns CreateTrainingRecords writes.
const trainingInsertColumns = `id, org_id, person_id, competence, competence_key, completed_on, expires_on, evidence, created_at, updated_at`

// CreateTrainingRecords adds records of people the caller has found (each
// with PersonName set) in multi-row statements, each with its audit event
// sealed like CreateTrainingRecord's (an import: issue 16).
func CreateTrainingRecords(ctx context.Context, tx *Tx, scope aims.Scope, ts []*aims.TrainingRecord) error {
	if len(ts) == 0 {
		return nil
	}
	args := make([]any, 0, 10*len(ts))
	ids := make([]string, len(ts))
	for i, t := range ts {
		t.ID = newID()
		t.CreatedAt, t.UpdatedAt = tx.now, tx.now
		ids[i] = t.ID
		args = append(args, t.ID, scope.OrgID(), t.PersonID, t.Competence, nameKey(t.Competence), t.CompletedOn.Time, nullDate(t.ExpiresOn), t.Evidence,
			t.CreatedAt, t.UpdatedAt)
	}
	if _, err := tx.insertRowsRaw(ctx, "training_records", trainingInsertColumns, 10, args, ""); err != nil {
		return trainingWriteError(err)
	}
	people := make([]string, len(ts))
	for i, t := range ts {
		people[i] = t.PersonID
	}
	if err := refreshCurrent(ctx, tx, scope.OrgID(), people); err != nil {
		return err
	}
	return recordCreates(ctx, tx, scope, aims.EntityTrainingRecord, ids, ts)
}

// FindTrainingRecordByID returns one record.
func FindTrainingRecordByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.TrainingRecord, error) {
	t, err := scanTraining(q.queryer().QueryRowContext(ctx, trainingSelect+` WHERE t.org_id = $1 AND t.id = $2`, scope.OrgID(), id))
	return t, trainingRecords.one(err)
}

const trainingWhere = `
	WHERE t.org_id = $1
		AND (CAST($2 AS TEXT) IS NULL OR t.person_id = $2)
		AND (CAST($3 AS TEXT) IS NULL OR t.competence_key LIKE $3 ESCAPE '\')`

// FindTrainingRecords lists records, newest first.
func FindTrainingRecords(ctx context.Context, q Querier, scope aims.Scope, f aims.TrainingRecordFilter) ([]*aims.TrainingRecord, int, error) {
	return findPage(ctx, q, "training records", `
	SELECT t.id, t.person_id, t.competence, t.completed_on, t.expires_on, t.evidence, t.created_at, t.updated_at, p.name,
		(SELECT COUNT(*) FROM training_records t`+trainingWhere+`)
	FROM training_records t JOIN people p ON p.org_id = t.org_id AND p.id = t.person_id`+trainingWhere+`
	ORDER BY t.completed_on DESC, t.id
	LIMIT $4 OFFSET $5`, []any{scope.OrgID(), opt(f.PersonID), likePattern(f.Search)}, f.Page,
		func(sc scanner, total *int) (*aims.TrainingRecord, error) { return scanTraining(sc, total) })
}

// UpdateTrainingRecord writes after over before.
func UpdateTrainingRecord(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.TrainingRecord) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE training_records SET competence = $1, competence_key = $2, completed_on = $3, expires_on = $4, evidence = $5, updated_at = $6
		WHERE org_id = $7 AND id = $8`,
		after.Competence, nameKey(after.Competence), after.CompletedOn.Time, nullDate(after.ExpiresOn), after.Evidence, after.UpdatedAt,
		scope.OrgID(), before.ID)
	if err != nil {
		return trainingWriteError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("training record")
	}
	if err := refreshCurrent(ctx, tx, scope.OrgID(), []string{before.PersonID}); err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityTrainingRecord, before.ID, before, after)
}

// DeleteTrainingRecord removes a record.
func DeleteTrainingRecord(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.TrainingRecord) error {
	if err := trainingRecords.remove(ctx, tx, scope, before, before.ID, "the record is still named by other records"); err != nil {
		return err
	}
	return refreshCurrent(ctx, tx, scope.OrgID(), []string{before.PersonID})
}

// awarenessSessions is the sessions' table (7.3).
var awarenessSessions = register{table: "awareness_sessions", noun: "awareness session", entity: aims.EntityAwarenessSession}

func scanSession(sc scanner, extra ...any) (*aims.AwarenessSession, error) {
	var s aims.AwarenessSession
	var held time.Time
	var ids string
	dest := []any{&s.ID, &held, &s.Topic, &s.Notes, &ids, &s.CreatedAt, &s.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	s.HeldOn, s.CreatedAt, s.UpdatedAt = aims.DateOf(held), s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, decodeList(ids, &s.AttendeeIDs)
}

const sessionSelect = `SELECT s.id, s.held_on, s.topic, s.notes, s.attendee_ids, s.created_at, s.updated_at FROM awareness_sessions s`

func writeAttendees(ctx context.Context, tx *Tx, scope aims.Scope, s *aims.AwarenessSession) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM awareness_attendees WHERE org_id = $1 AND session_id = $2`, scope.OrgID(), s.ID); err != nil {
		return fmt.Errorf("write attendees: %w", mapError(err))
	}
	for _, id := range s.AttendeeIDs {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO awareness_attendees (org_id, session_id, person_id) VALUES ($1, $2, $3)`,
			scope.OrgID(), s.ID, id); err != nil {
			if classify(err) == classForeignKey {
				return &aims.Error{Kind: aims.KindInvalid, Message: "an attendee is not a person of the organization",
					Fields: []aims.FieldError{{Field: "attendee_ids", Detail: "names a person that does not exist"}}}
			}
			return fmt.Errorf("write attendees: %w", mapError(err))
		}
	}
	return nil
}

// CreateAwarenessSession adds a session with its attendees.
func CreateAwarenessSession(ctx context.Context, tx *Tx, scope aims.Scope, s *aims.AwarenessSession) error {
	s.ID = newID()
	s.CreatedAt, s.UpdatedAt = tx.now, tx.now
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO awareness_sessions (id, org_id, held_on, topic, notes, attendee_ids, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.ID, scope.OrgID(), s.HeldOn.Time, s.Topic, s.Notes, encodeList(s.AttendeeIDs), s.CreatedAt, s.UpdatedAt); err != nil {
		return fmt.Errorf("add awareness session: %w", mapError(err))
	}
	if err := writeAttendees(ctx, tx, scope, s); err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityAwarenessSession, s.ID, s)
}

// FindAwarenessSessionByID returns one session.
func FindAwarenessSessionByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.AwarenessSession, error) {
	s, err := scanSession(q.queryer().QueryRowContext(ctx, sessionSelect+` WHERE s.org_id = $1 AND s.id = $2`, scope.OrgID(), id))
	return s, awarenessSessions.one(err)
}

// FindAwarenessSessions lists sessions, newest first.
func FindAwarenessSessions(ctx context.Context, q Querier, scope aims.Scope, f aims.AwarenessSessionFilter) ([]*aims.AwarenessSession, int, error) {
	const where = `
		WHERE s.org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR EXISTS (
			SELECT 1 FROM awareness_attendees a WHERE a.org_id = s.org_id AND a.session_id = s.id AND a.person_id = $2))`
	return findPage(ctx, q, "awareness sessions", `
	SELECT s.id, s.held_on, s.topic, s.notes, s.attendee_ids, s.created_at, s.updated_at,
		(SELECT COUNT(*) FROM awareness_sessions s`+where+`)
	FROM awareness_sessions s`+where+`
	ORDER BY s.held_on DESC, s.id
	LIMIT $3 OFFSET $4`, []any{scope.OrgID(), opt(f.PersonID)}, f.Page,
		func(sc scanner, total *int) (*aims.AwarenessSession, error) { return scanSession(sc, total) })
}

// UpdateAwarenessSession writes after over before.
func UpdateAwarenessSession(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.AwarenessSession) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE awareness_sessions SET held_on = $1, topic = $2, notes = $3, attendee_ids = $4, updated_at = $5 WHERE org_id = $6 AND id = $7`,
		after.HeldOn.Time, after.Topic, after.Notes, encodeList(after.AttendeeIDs), after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("change awareness session: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("awareness session")
	}
	if err := writeAttendees(ctx, tx, scope, after); err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityAwarenessSession, before.ID, before, after)
}

// DeleteAwarenessSession removes a session and its attendance.
func DeleteAwarenessSession(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.AwarenessSession) error {
	return awarenessSessions.remove(ctx, tx, scope, before, before.ID, "the session is still named by other records")
}

// FindLiteracySetting returns what the organization counts as sufficient
// AI literacy, or not found when it has not said.
func FindLiteracySetting(ctx context.Context, q Querier, scope aims.Scope) (*aims.LiteracySetting, error) {
	var l aims.LiteracySetting
	var list string
	err := q.queryer().QueryRowContext(ctx, `SELECT id, competences, max_age_months, updated_at FROM literacy_settings WHERE org_id = $1`,
		scope.OrgID()).Scan(&l.ID, &list, &l.MaxAgeMonths, &l.UpdatedAt)
	if err != nil {
		return nil, notFound(err, "AI literacy setting")
	}
	l.UpdatedAt = l.UpdatedAt.UTC()
	return &l, decodeList(list, &l.Competences)
}

// SaveLiteracySetting writes the setting.
func SaveLiteracySetting(ctx context.Context, tx *Tx, scope aims.Scope, l *aims.LiteracySetting) error {
	before, err := FindLiteracySetting(ctx, tx, scope)
	if err != nil && !aims.IsKind(err, aims.KindNotFound) {
		return err
	}
	l.UpdatedAt = tx.now
	if before == nil {
		l.ID = newID()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO literacy_settings (id, org_id, competences, max_age_months, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			l.ID, scope.OrgID(), encodeList(l.Competences), l.MaxAgeMonths, l.UpdatedAt); err != nil {
			return fmt.Errorf("save AI literacy setting: %w", mapError(err))
		}
		return tx.recordCreate(ctx, scope, aims.EntityLiteracySetting, l.ID, l)
	}
	l.ID = before.ID
	if _, err := tx.tx.ExecContext(ctx, `UPDATE literacy_settings SET competences = $1, max_age_months = $2, updated_at = $3 WHERE org_id = $4`,
		encodeList(l.Competences), l.MaxAgeMonths, l.UpdatedAt, scope.OrgID()); err != nil {
		return fmt.Errorf("save AI literacy setting: %w", mapError(err))
	}
	return tx.recordUpdate(ctx, scope, aims.EntityLiteracySetting, l.ID, before, l)
}
