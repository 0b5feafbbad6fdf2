package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/aimsproject/aims/internal/aims"
)

// What the competence gap and AI literacy rules (rules/competence_gap.go)
// read: who holds a role and where, what the role requires, and the
// training records that could meet it.

// Holder is a person holding a role, with the impact domains of the AI
// systems they hold it for.
type Holder struct {
	Person  aims.Person
	Domains []aims.ImpactDomain
}

// Applies reports whether requirement c applies to the holder: always
// without an impact domain, else when they hold the role for a system with
// that domain.
func (h *Holder) Applies(c *aims.CompetenceRequirement) bool {
	return c.ImpactDomain == "" || slices.Contains(h.Domains, c.ImpactDomain)
}

// RoleGapInputs reads, for one role, its active holders by name, its
// requirements and those holders' training records in the required
// competences (person, competence and dates only), by person id: three
// set-based queries whatever the number of holders.
func RoleGapInputs(ctx context.Context, q Querier, scope aims.Scope, roleID string) ([]*Holder, []*aims.CompetenceRequirement, map[string][]*aims.TrainingRecord, error) {
	// The impact domains of the systems the role is held for, read apart
	// (a thousand systems) rather than joined to each of thousands of
	// assignments.
	domainsOf := map[string][]aims.ImpactDomain{}
	decoded := map[string][]aims.ImpactDomain{}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT s.id, s.impact_domains FROM ai_systems s
		WHERE s.org_id = $1 AND s.id IN (SELECT a.system_id FROM role_assignments a WHERE a.org_id = $1 AND a.role_id = $2)`,
		scope.OrgID(), roleID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read the role's systems: %w", mapError(err))
	}
	for rows.Next() {
		var id, domains string
		if err := rows.Scan(&id, &domains); err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("read the role's systems: %w", err)
		}
		ds, ok := decoded[domains]
		if !ok {
			if err := decodeList(domains, &ds); err != nil {
				rows.Close()
				return nil, nil, nil, err
			}
			decoded[domains] = ds // a few distinct lists across many systems
		}
		domainsOf[id] = ds
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	holders := []*Holder{}
	byID := map[string]*Holder{}
	rows, err = q.queryer().QueryContext(ctx, `
		SELECT p.id, p.name, COALESCE(a.system_id, '')
		FROM role_assignments a
		JOIN people p ON p.org_id = a.org_id AND p.id = a.person_id
		WHERE a.org_id = $1 AND a.role_id = $2 AND p.active
		ORDER BY p.name_key, p.id`, scope.OrgID(), roleID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read the role's holders: %w", mapError(err))
	}
	for rows.Next() {
		var id, name, systemID string
		if err := rows.Scan(&id, &name, &systemID); err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("read the role's holders: %w", err)
		}
		h := byID[id]
		if h == nil {
			h = &Holder{Person: aims.Person{ID: id, Name: name, Active: true}}
			byID[id] = h
			holders = append(holders, h)
		}
		h.Domains = append(h.Domains, domainsOf[systemID]...)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	reqs, err := requirementsWhere(ctx, q, ` WHERE c.org_id = $1 AND c.role_id = $2`, scope.OrgID(), roleID)
	if err != nil {
		return nil, nil, nil, err
	}
	training, err := gapTraining(ctx, q, scope.OrgID(), roleID)
	return holders, reqs, training, err
}

// gapTraining reads what the gap rule needs of the current training
// (training_current.go) of a role's holders in the competences the role
// requires, by person id, in no order: the person, competence and dates
// only, a row or two per holder and competence, so that a role held by
// thousands reads a few thousand rows (issue 16: a role's gap list under
// 50 ms).
func gapTraining(ctx context.Context, q Querier, orgID, roleID string) (map[string][]*aims.TrainingRecord, error) {
	return ruleTraining(ctx, q, `
		WHERE t.org_id = $1
			AND t.person_id IN (SELECT a.person_id FROM role_assignments a WHERE a.org_id = $1 AND a.role_id = $2)
			AND t.competence_key IN (SELECT c.competence_key FROM competence_requirements c WHERE c.org_id = $1 AND c.role_id = $2)`,
		orgID, roleID)
}

// ruleTraining reads the current training (the records that can decide a
// rule, training_current.go) that where selects with only what the
// competence rules read (person, competence, dates), by person id, in no
// order.
func ruleTraining(ctx context.Context, q Querier, where string, args ...any) (map[string][]*aims.TrainingRecord, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT t.person_id, t.competence, t.completed_on, t.expires_on FROM training_current t`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read training records: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string][]*aims.TrainingRecord{}
	for rows.Next() {
		var t aims.TrainingRecord
		var done, exp sql.NullTime
		if err := rows.Scan(&t.PersonID, &t.Competence, &done, &exp); err != nil {
			return nil, fmt.Errorf("read training records: %w", err)
		}
		if d := scanDate(done); d != nil {
			t.CompletedOn = *d
		}
		t.ExpiresOn = scanDate(exp)
		out[t.PersonID] = append(out[t.PersonID], &t)
	}
	return out, rows.Err()
}

// PersonGapInputs reads one person's role assignments, the requirements of
// their roles that apply to them, and their training records.
func PersonGapInputs(ctx context.Context, q Querier, scope aims.Scope, personID string) ([]*aims.RoleAssignment, []*aims.CompetenceRequirement, []*aims.TrainingRecord, error) {
	rows, err := q.queryer().QueryContext(ctx, assignmentSelect+` WHERE a.org_id = $1 AND a.person_id = $2 ORDER BY r.name_key, COALESCE(s.name_key, '')`,
		scope.OrgID(), personID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read the person's roles: %w", mapError(err))
	}
	assignments := []*aims.RoleAssignment{}
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		assignments = append(assignments, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	var domains []string
	if err := collect(ctx, q, &domains, `
		SELECT COALESCE(s.impact_domains, '[]') FROM role_assignments a
		LEFT JOIN ai_systems s ON s.org_id = a.org_id AND s.id = a.system_id
		WHERE a.org_id = $1 AND a.person_id = $2`, scope.OrgID(), personID); err != nil {
		return nil, nil, nil, err
	}
	h := &Holder{}
	for _, d := range domains {
		var ds []aims.ImpactDomain
		if err := decodeList(d, &ds); err != nil {
			return nil, nil, nil, err
		}
		h.Domains = append(h.Domains, ds...)
	}
	all, err := requirementsWhere(ctx, q, ` WHERE c.org_id = $1 AND c.role_id IN (SELECT a.role_id FROM role_assignments a WHERE a.org_id = $1 AND a.person_id = $2)`,
		scope.OrgID(), personID)
	if err != nil {
		return nil, nil, nil, err
	}
	reqs := []*aims.CompetenceRequirement{}
	for _, c := range all {
		if h.Applies(c) {
			reqs = append(reqs, c)
		}
	}
	byPerson, err := trainingWhereBy(ctx, q, ` WHERE t.org_id = $1 AND t.person_id = $2`, scope.OrgID(), personID)
	if err != nil {
		return nil, nil, nil, err
	}
	training := byPerson[personID]
	if training == nil {
		training = []*aims.TrainingRecord{}
	}
	return assignments, reqs, training, nil
}

func requirementsWhere(ctx context.Context, q Querier, where string, args ...any) ([]*aims.CompetenceRequirement, error) {
	rows, err := q.queryer().QueryContext(ctx, requirementSelect+where+` ORDER BY r.name_key, c.competence_key, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read competence requirements: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.CompetenceRequirement{}
	for rows.Next() {
		c, err := scanRequirement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// trainingWhereBy reads training records (without the person's name) by
// person id, newest first.
func trainingWhereBy(ctx context.Context, q Querier, where string, args ...any) (map[string][]*aims.TrainingRecord, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT t.id, t.person_id, t.competence, t.completed_on, t.expires_on, t.evidence, t.created_at, t.updated_at, ''
		FROM training_records t`+where+` ORDER BY t.completed_on DESC, t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read training records: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string][]*aims.TrainingRecord{}
	for rows.Next() {
		t, err := scanTraining(rows)
		if err != nil {
			return nil, err
		}
		out[t.PersonID] = append(out[t.PersonID], t)
	}
	return out, rows.Err()
}

// touchingAI selects the ids of the people of organization $1 whose work
// touches an AI system: those holding an AIMS role and those whose account
// owns an AI system. It starts from the roles and systems, not from every
// person (50,000 people, a few thousand touching AI: issue 16).
const touchingAI = `
	SELECT a.person_id FROM role_assignments a WHERE a.org_id = $1
	UNION
	SELECT o.id FROM ai_systems s JOIN people o ON o.org_id = s.org_id AND o.user_id = s.owner_id WHERE s.org_id = $1`

// PeopleTouchingAI lists the active people whose work touches an AI
// system: those holding an AIMS role and those whose account owns an AI
// system, by name.
func PeopleTouchingAI(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.Person, error) {
	rows, err := q.queryer().QueryContext(ctx, personSelect+`
		WHERE p.org_id = $1 AND p.active AND p.id IN (`+touchingAI+`)
		ORDER BY p.name_key, p.id`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("read people touching AI: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PersonTouchesAI reports whether one person's work touches an AI system.
func PersonTouchesAI(ctx context.Context, q Querier, scope aims.Scope, p *aims.Person) (bool, error) {
	var n int
	err := q.queryer().QueryRowContext(ctx, `
		SELECT (SELECT COUNT(*) FROM role_assignments a WHERE a.org_id = $1 AND a.person_id = $2)
			+ (SELECT COUNT(*) FROM ai_systems s WHERE s.org_id = $1 AND s.owner_id = $3)`,
		scope.OrgID(), p.ID, nullString(p.UserID)).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return false, fmt.Errorf("does the person's work touch AI: %w", mapError(err))
	}
	return n > 0, nil
}

// LiteracyTraining reads the current training (training_current.go) in
// the given competences of the people whose work touches an AI system
// (those the literacy rule judges), with what the rule reads, by person id.
func LiteracyTraining(ctx context.Context, q Querier, scope aims.Scope, competences []string) (map[string][]*aims.TrainingRecord, error) {
	if len(competences) == 0 {
		return map[string][]*aims.TrainingRecord{}, nil
	}
	args := []any{scope.OrgID()}
	for _, c := range competences {
		args = append(args, nameKey(c))
	}
	return ruleTraining(ctx, q, ` WHERE t.org_id = $1 AND t.competence_key IN (`+marks(2, len(competences))+`)
		AND t.person_id IN (`+touchingAI+`)`, args...)
}
