package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// people is the people register's table (ISO/IEC 42001 7.2).
var people = register{table: "people", noun: "person", entity: aims.EntityPerson}

// personWriteError turns a failed write of p into a kind: the only unique
// columns a person enters is the email (the account link is aims').
func personWriteError(err error, p *aims.Person) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		if p.Email != "" {
			return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("a person with the email %q already exists", p.Email),
				Fields: []aims.FieldError{{Field: "email", Detail: "is already used by another person"}}}
		}
		return &aims.Error{Kind: aims.KindConflict, Message: "the account is already linked to another person"}
	}
	return fmt.Errorf("write person %q: %w", p.Name, mapError(err))
}

// emailKey is the folded email a person is unique by; no email is NULL,
// which a unique index lets repeat.
func emailKey(email string) any {
	if email == "" {
		return nil
	}
	return nameKey(email)
}

// CreatePerson adds a person to the organization in scope.
func CreatePerson(ctx context.Context, tx *Tx, scope aims.Scope, p *aims.Person) error {
	p.ID = newID()
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO people (id, org_id, name, name_key, email, email_key, job_title, department, department_key,
			site, site_key, user_id, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		p.ID, scope.OrgID(), p.Name, nameKey(p.Name), p.Email, emailKey(p.Email), p.JobTitle, p.Department, nameKey(p.Department),
		p.Site, nameKey(p.Site), nullString(p.UserID), p.Active, p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return personWriteError(err, p)
	}
	return tx.recordCreate(ctx, scope, aims.EntityPerson, p.ID, p)
}

const personSelect = `
	SELECT p.id, p.name, p.email, p.job_title, p.department, p.site, COALESCE(p.user_id, ''), p.active, p.created_at, p.updated_at
	FROM people p`

func scanPerson(sc scanner, extra ...any) (*aims.Person, error) {
	var p aims.Person
	dest := []any{&p.ID, &p.Name, &p.Email, &p.JobTitle, &p.Department, &p.Site, &p.UserID, &p.Active, &p.CreatedAt, &p.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// FindPersonByID returns one person of the organization in scope.
func FindPersonByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Person, error) {
	p, err := scanPerson(q.queryer().QueryRowContext(ctx, personSelect+` WHERE p.org_id = $1 AND p.id = $2`, scope.OrgID(), id))
	return p, people.one(err)
}

// FindPersonByUserID returns the person of the organization in scope whose
// account is userID.
func FindPersonByUserID(ctx context.Context, q Querier, scope aims.Scope, userID string) (*aims.Person, error) {
	p, err := scanPerson(q.queryer().QueryRowContext(ctx, personSelect+` WHERE p.org_id = $1 AND p.user_id = $2`, scope.OrgID(), userID))
	return p, people.one(err)
}

// FindPersonByEmail returns the person of the organization in scope with
// this email, any case.
func FindPersonByEmail(ctx context.Context, q Querier, scope aims.Scope, email string) (*aims.Person, error) {
	p, err := scanPerson(q.queryer().QueryRowContext(ctx, personSelect+` WHERE p.org_id = $1 AND p.email_key = $2`, scope.OrgID(), emailKey(email)))
	return p, people.one(err)
}

// personWhere is the filter of the people list; every condition is static
// and skipped when its parameter is NULL.
const personWhere = `
	WHERE p.org_id = $1
		AND (CAST($2 AS TEXT) IS NULL OR p.name_key LIKE $2 ESCAPE '\' OR p.email_key LIKE $2 ESCAPE '\')
		AND (CAST($3 AS TEXT) IS NULL OR p.department_key = $3)
		AND (CAST($4 AS TEXT) IS NULL OR p.site_key = $4)
		AND (CAST($5 AS BOOLEAN) IS NULL OR p.active = $5)`

var personOrder = map[string]string{
	"name":        ` ORDER BY p.name_key, p.id`,
	"-name":       ` ORDER BY p.name_key DESC, p.id DESC`,
	"department":  ` ORDER BY p.department_key, p.name_key, p.id`,
	"-department": ` ORDER BY p.department_key DESC, p.name_key, p.id`,
	"site":        ` ORDER BY p.site_key, p.name_key, p.id`,
	"-site":       ` ORDER BY p.site_key DESC, p.name_key, p.id`,
	"updated_at":  ` ORDER BY p.updated_at, p.id`,
	"-updated_at": ` ORDER BY p.updated_at DESC, p.id DESC`,
}

func personArgs(scope aims.Scope, f aims.PersonFilter) []any {
	return []any{scope.OrgID(), likePattern(f.Search), opt(nameKey(f.Department)), opt(nameKey(f.Site)), optBool(f.Active)}
}

func personOrderOf(sort string) string {
	if o, ok := personOrder[sort]; ok {
		return o
	}
	return personOrder["name"]
}

// FindPeople lists the people of the organization in scope that match f,
// one page at a time, with the total that match.
func FindPeople(ctx context.Context, q Querier, scope aims.Scope, f aims.PersonFilter) ([]*aims.Person, int, error) {
	args := personArgs(scope, f)
	var total int
	if err := q.queryer().QueryRowContext(ctx, `SELECT COUNT(*) FROM people p`+personWhere, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count people: %w", mapError(err))
	}
	limit, offset := limitOffset(f.Page)
	if total == 0 || offset >= total {
		return []*aims.Person{}, total, nil
	}
	rows, err := q.queryer().QueryContext(ctx, personSelect+personWhere+personOrderOf(f.Sort)+` LIMIT $6 OFFSET $7`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find people: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find people: %w", err)
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// EachPerson calls fn with every person of the organization in scope that
// matches f, in f's order, ignoring f's page (exports). fn must not use q.
func EachPerson(ctx context.Context, q Querier, scope aims.Scope, f aims.PersonFilter, fn func(*aims.Person) error) error {
	rows, err := q.queryer().QueryContext(ctx, personSelect+personWhere+personOrderOf(f.Sort), personArgs(scope, f)...)
	if err != nil {
		return fmt.Errorf("read people: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return fmt.Errorf("read people: %w", err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// UpdatePerson writes after over before.
func UpdatePerson(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Person) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE people SET name = $1, name_key = $2, email = $3, email_key = $4, job_title = $5, department = $6,
			department_key = $7, site = $8, site_key = $9, user_id = $10, active = $11, updated_at = $12
		WHERE org_id = $13 AND id = $14`,
		after.Name, nameKey(after.Name), after.Email, emailKey(after.Email), after.JobTitle, after.Department,
		nameKey(after.Department), after.Site, nameKey(after.Site), nullString(after.UserID), after.Active, after.UpdatedAt,
		scope.OrgID(), before.ID)
	if err != nil {
		return personWriteError(err, after)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("person")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityPerson, before.ID, before, after)
}

// DeletePerson removes a person that has no account in the organization
// and that no other record names.
func DeletePerson(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Person) error {
	if before.UserID != "" {
		return &aims.Error{Kind: aims.KindConflict,
			Message: fmt.Sprintf("%s is a member of the organization: remove the membership first, or mark the person inactive", before.Name)}
	}
	return people.remove(ctx, tx, scope, before, before.ID,
		fmt.Sprintf("other records name %s (roles, training, ownership): change them first, or mark the person inactive", before.Name))
}

// EnsurePersonForMember gives the member u a person in the organization in
// scope: the person already linked to the account, else the person with
// the account's email (now linked to it), else a new person named after
// the account. Every member account has a person (7.2).
func EnsurePersonForMember(ctx context.Context, tx *Tx, scope aims.Scope, u *aims.User) (*aims.Person, error) {
	if p, err := FindPersonByUserID(ctx, tx, scope, u.ID); err == nil {
		return p, nil
	} else if !aims.IsKind(err, aims.KindNotFound) {
		return nil, err
	}
	if u.Email != "" {
		p, err := FindPersonByEmail(ctx, tx, scope, u.Email)
		if err == nil {
			after := *p
			after.UserID, after.Active = u.ID, true
			return &after, UpdatePerson(ctx, tx, scope, p, &after)
		}
		if !aims.IsKind(err, aims.KindNotFound) {
			return nil, err
		}
	}
	name := aims.CleanText(u.Name)
	if name == "" {
		name = u.Email
	}
	p := &aims.Person{Name: name, Email: aims.NormalizeEmail(u.Email), UserID: u.ID, Active: true}
	return p, CreatePerson(ctx, tx, scope, p)
}

// MembersWithoutPerson lists the accounts that are members of an
// organization but have no person there, by organization id: what
// migration 00130 leaves for aims to backfill.
func MembersWithoutPerson(ctx context.Context, q Querier) (map[string][]*aims.User, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT m.org_id, u.id, u.email, u.name
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.org_id = m.org_id AND p.user_id = m.user_id)
		ORDER BY m.org_id, m.created_at, u.id`)
	if err != nil {
		return nil, fmt.Errorf("members without a person: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string][]*aims.User{}
	for rows.Next() {
		var org string
		var u aims.User
		if err := rows.Scan(&org, &u.ID, &u.Email, &u.Name); err != nil {
			return nil, fmt.Errorf("members without a person: %w", err)
		}
		out[org] = append(out[org], &u)
	}
	return out, rows.Err()
}

// personInsertColumns are the columns CreatePeople writes, 15 of them.
const personInsertColumns = `id, org_id, name, name_key, email, email_key, job_title, department, department_key,
	site, site_key, user_id, active, created_at, updated_at`

// CreatePeople adds people in multi-row statements, each with its audit
// event sealed like CreatePerson's (an import of thousands: issue 16).
func CreatePeople(ctx context.Context, tx *Tx, scope aims.Scope, ps []*aims.Person) error {
	if len(ps) == 0 {
		return nil
	}
	args := make([]any, 0, 15*len(ps))
	ids := make([]string, len(ps))
	for i, p := range ps {
		p.ID = newID()
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		ids[i] = p.ID
		args = append(args, p.ID, scope.OrgID(), p.Name, nameKey(p.Name), p.Email, emailKey(p.Email), p.JobTitle, p.Department, nameKey(p.Department),
			p.Site, nameKey(p.Site), nullString(p.UserID), p.Active, p.CreatedAt, p.UpdatedAt)
	}
	if _, err := tx.insertRowsRaw(ctx, "people", personInsertColumns, 15, args, ""); err != nil {
		if isUniqueViolation(err) {
			return &aims.Error{Kind: aims.KindConflict, Message: "an email is already used by another person: import again to match them",
				Fields: []aims.FieldError{{Field: "email", Detail: "is already used by another person"}}}
		}
		return fmt.Errorf("write %d people: %w", len(ps), mapError(err))
	}
	return recordCreates(ctx, tx, scope, aims.EntityPerson, ids, ps)
}

// lookupChunk is how many keys one IN list of a bulk lookup holds.
const lookupChunk = 500

// FindPeopleByEmails returns the people of the organization with the given
// emails, by folded email (aims.FoldKey), in a few queries whatever the
// number of emails.
func FindPeopleByEmails(ctx context.Context, q Querier, scope aims.Scope, emails []string) (map[string]*aims.Person, error) {
	keys := make([]any, 0, len(emails))
	for _, e := range emails {
		if k := emailKey(e); k != nil {
			keys = append(keys, k)
		}
	}
	out := map[string]*aims.Person{}
	err := findPeopleIn(ctx, q, scope, "p.email_key", keys, func(p *aims.Person) { out[nameKey(p.Email)] = p })
	return out, err
}

// FindPeopleByIDs returns the people of the organization with the given
// ids, by id; ids of no person of the organization are left out.
func FindPeopleByIDs(ctx context.Context, q Querier, scope aims.Scope, ids []string) (map[string]*aims.Person, error) {
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	out := map[string]*aims.Person{}
	err := findPeopleIn(ctx, q, scope, "p.id", keys, func(p *aims.Person) { out[p.ID] = p })
	return out, err
}

func findPeopleIn(ctx context.Context, q Querier, scope aims.Scope, column string, keys []any, add func(*aims.Person)) error {
	for len(keys) > 0 {
		n := min(len(keys), lookupChunk)
		rows, err := q.queryer().QueryContext(ctx, personSelect+` WHERE p.org_id = $1 AND `+column+` IN (`+marks(2, n)+`)`,
			append([]any{scope.OrgID()}, keys[:n]...)...)
		if err != nil {
			return fmt.Errorf("read people: %w", mapError(err))
		}
		for rows.Next() {
			p, err := scanPerson(rows)
			if err != nil {
				rows.Close()
				return err
			}
			add(p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}
