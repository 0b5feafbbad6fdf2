package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// aimsRoles is the AIMS roles register's table (5.3, A.3.2).
var aimsRoles = register{table: "aims_roles", noun: "role", entity: aims.EntityAIMSRole}

// CreateAIMSRole adds a role to the organization in scope.
func CreateAIMSRole(ctx context.Context, tx *Tx, scope aims.Scope, r *aims.AIMSRole) error {
	r.ID = newID()
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	err := aimsRoles.insert(ctx, tx, r.Name, `
		INSERT INTO aims_roles (id, org_id, name, name_key, responsibilities, authorities, stop_authority, receives_report, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ID, scope.OrgID(), r.Name, nameKey(r.Name), r.Responsibilities, r.Authorities, r.StopAuthority, r.ReceivesReport, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityAIMSRole, r.ID, r)
}

const aimsRoleSelect = `
	SELECT r.id, r.name, r.responsibilities, r.authorities, r.stop_authority, r.receives_report, r.created_at, r.updated_at,
		(SELECT COUNT(*) FROM role_assignments a WHERE a.org_id = r.org_id AND a.role_id = r.id)
	FROM aims_roles r`

func scanAIMSRole(sc scanner, extra ...any) (*aims.AIMSRole, error) {
	var r aims.AIMSRole
	dest := []any{&r.ID, &r.Name, &r.Responsibilities, &r.Authorities, &r.StopAuthority, &r.ReceivesReport, &r.CreatedAt, &r.UpdatedAt, &r.AssignmentCount}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// FindAIMSRoleByID returns one role of the organization in scope.
func FindAIMSRoleByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.AIMSRole, error) {
	r, err := scanAIMSRole(q.queryer().QueryRowContext(ctx, aimsRoleSelect+` WHERE r.org_id = $1 AND r.id = $2`, scope.OrgID(), id))
	return r, aimsRoles.one(err)
}

// FindAIMSRoles lists the roles of the organization in scope by name.
func FindAIMSRoles(ctx context.Context, q Querier, scope aims.Scope, f aims.AIMSRoleFilter) ([]*aims.AIMSRole, int, error) {
	return findPage(ctx, q, "roles", `
	SELECT r.id, r.name, r.responsibilities, r.authorities, r.stop_authority, r.receives_report, r.created_at, r.updated_at,
		(SELECT COUNT(*) FROM role_assignments a WHERE a.org_id = r.org_id AND a.role_id = r.id),
		(SELECT COUNT(*) FROM aims_roles c WHERE c.org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR c.name_key LIKE $2 ESCAPE '\'))
	FROM aims_roles r
	WHERE r.org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR r.name_key LIKE $2 ESCAPE '\')
	ORDER BY r.name_key, r.id
	LIMIT $3 OFFSET $4`,
		[]any{scope.OrgID(), likePattern(f.Search)}, f.Page,
		func(sc scanner, total *int) (*aims.AIMSRole, error) { return scanAIMSRole(sc, total) })
}

// UpdateAIMSRole writes after over before.
func UpdateAIMSRole(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.AIMSRole) error {
	after.UpdatedAt = tx.now
	err := aimsRoles.update(ctx, tx, after.Name, `
		UPDATE aims_roles SET name = $1, name_key = $2, responsibilities = $3, authorities = $4, stop_authority = $5,
			receives_report = $6, updated_at = $7
		WHERE org_id = $8 AND id = $9`,
		after.Name, nameKey(after.Name), after.Responsibilities, after.Authorities, after.StopAuthority, after.ReceivesReport,
		after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityAIMSRole, before.ID, before, after)
}

// DeleteAIMSRole removes a role that nobody holds and nothing names.
func DeleteAIMSRole(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.AIMSRole) error {
	return aimsRoles.remove(ctx, tx, scope, before, before.ID,
		fmt.Sprintf("people hold the role %q, or the RACI or competence requirements name it: change them first", before.Name))
}

// roleAssignments is the assignments' table.
var roleAssignments = register{table: "role_assignments", noun: "role assignment", entity: aims.EntityRoleAssignment}

const assignmentSelect = `
	SELECT a.id, a.role_id, a.person_id, COALESCE(a.system_id, ''), a.note, a.created_at, a.updated_at,
		r.name, p.name, COALESCE(s.name, '')
	FROM role_assignments a
	JOIN aims_roles r ON r.org_id = a.org_id AND r.id = a.role_id
	JOIN people p ON p.org_id = a.org_id AND p.id = a.person_id
	LEFT JOIN ai_systems s ON s.org_id = a.org_id AND s.id = a.system_id`

func scanAssignment(sc scanner, extra ...any) (*aims.RoleAssignment, error) {
	var a aims.RoleAssignment
	dest := []any{&a.ID, &a.RoleID, &a.PersonID, &a.SystemID, &a.Note, &a.CreatedAt, &a.UpdatedAt, &a.RoleName, &a.PersonName, &a.SystemName}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

func assignmentWriteError(err error) error {
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: "the person already holds this role here",
			Fields: []aims.FieldError{{Field: "person_id", Detail: "already holds this role for this scope"}}}
	}
	return fmt.Errorf("write role assignment: %w", mapError(err))
}

// CreateRoleAssignment gives a person a role; the caller has checked that
// the role, person and system are the organization's.
func CreateRoleAssignment(ctx context.Context, tx *Tx, scope aims.Scope, a *aims.RoleAssignment) error {
	a.ID = newID()
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO role_assignments (id, org_id, role_id, person_id, system_id, note, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.ID, scope.OrgID(), a.RoleID, a.PersonID, nullString(a.SystemID), a.Note, a.CreatedAt, a.UpdatedAt); err != nil {
		return assignmentWriteError(err)
	}
	stored, err := FindRoleAssignmentByID(ctx, tx, scope, a.ID)
	if err != nil {
		return err
	}
	*a = *stored
	return tx.recordCreate(ctx, scope, aims.EntityRoleAssignment, a.ID, a)
}

// FindRoleAssignmentByID returns one assignment of the organization in scope.
func FindRoleAssignmentByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.RoleAssignment, error) {
	a, err := scanAssignment(q.queryer().QueryRowContext(ctx, assignmentSelect+` WHERE a.org_id = $1 AND a.id = $2`, scope.OrgID(), id))
	return a, roleAssignments.one(err)
}

// FindRoleAssignments lists assignments by role, person and system name.
func FindRoleAssignments(ctx context.Context, q Querier, scope aims.Scope, f aims.RoleAssignmentFilter) ([]*aims.RoleAssignment, int, error) {
	const where = `
		WHERE a.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR a.role_id = $2)
			AND (CAST($3 AS TEXT) IS NULL OR a.person_id = $3)
			AND (CAST($4 AS TEXT) IS NULL OR a.system_id = $4)`
	args := []any{scope.OrgID(), opt(f.RoleID), opt(f.PersonID), opt(f.SystemID)}
	return findPage(ctx, q, "role assignments", `
	SELECT a.id, a.role_id, a.person_id, COALESCE(a.system_id, ''), a.note, a.created_at, a.updated_at,
		r.name, p.name, COALESCE(s.name, ''),
		(SELECT COUNT(*) FROM role_assignments a`+where+`)
	FROM role_assignments a
	JOIN aims_roles r ON r.org_id = a.org_id AND r.id = a.role_id
	JOIN people p ON p.org_id = a.org_id AND p.id = a.person_id
	LEFT JOIN ai_systems s ON s.org_id = a.org_id AND s.id = a.system_id`+where+`
	ORDER BY r.name_key, p.name_key, COALESCE(s.name_key, ''), a.id
	LIMIT $5 OFFSET $6`, args, f.Page,
		func(sc scanner, total *int) (*aims.RoleAssignment, error) { return scanAssignment(sc, total) })
}

// UpdateRoleAssignment writes after over before.
func UpdateRoleAssignment(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.RoleAssignment) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE role_assignments SET system_id = $1, note = $2, updated_at = $3 WHERE org_id = $4 AND id = $5`,
		nullString(after.SystemID), after.Note, after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return assignmentWriteError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("role assignment")
	}
	stored, err := FindRoleAssignmentByID(ctx, tx, scope, before.ID)
	if err != nil {
		return err
	}
	*after = *stored
	return tx.recordUpdate(ctx, scope, aims.EntityRoleAssignment, before.ID, before, after)
}

// DeleteRoleAssignment takes the role from the person.
func DeleteRoleAssignment(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.RoleAssignment) error {
	return roleAssignments.remove(ctx, tx, scope, before, before.ID, "the assignment is still named by other records")
}

// FindRACI returns the organization's RACI matrix: its roles and cells.
func FindRACI(ctx context.Context, q Querier, scope aims.Scope) (*aims.RACIMatrix, error) {
	m := &aims.RACIMatrix{Processes: aims.ProcessValues(), Roles: []*aims.AIMSRole{}, Cells: []*aims.RACICell{}}
	rows, err := q.queryer().QueryContext(ctx, aimsRoleSelect+` WHERE r.org_id = $1 ORDER BY r.name_key, r.id`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("read roles: %w", mapError(err))
	}
	for rows.Next() {
		r, err := scanAIMSRole(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read roles: %w", err)
		}
		m.Roles = append(m.Roles, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.queryer().QueryContext(ctx, `
		SELECT c.id, c.process, c.role_id, c.letter, c.updated_at, r.name
		FROM raci_cells c JOIN aims_roles r ON r.org_id = c.org_id AND r.id = c.role_id
		WHERE c.org_id = $1 ORDER BY c.process, r.name_key`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("read the RACI: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var c aims.RACICell
		var p, l string
		if err := rows.Scan(&c.ID, &p, &c.RoleID, &l, &c.UpdatedAt, &c.RoleName); err != nil {
			return nil, fmt.Errorf("read the RACI: %w", err)
		}
		c.Process, c.Letter, c.UpdatedAt = aims.Process(p), aims.RACI(l), c.UpdatedAt.UTC()
		m.Cells = append(m.Cells, &c)
	}
	return m, rows.Err()
}

// SetRACICell sets, changes or (with an empty letter) clears one cell; the
// caller has checked that the role is the organization's.
func SetRACICell(ctx context.Context, tx *Tx, scope aims.Scope, ch aims.RACIChange, roleName string) error {
	var before aims.RACICell
	var p, l string
	err := tx.tx.QueryRowContext(ctx, `SELECT id, process, role_id, letter, updated_at FROM raci_cells WHERE org_id = $1 AND process = $2 AND role_id = $3`,
		scope.OrgID(), string(ch.Process), ch.RoleID).Scan(&before.ID, &p, &before.RoleID, &l, &before.UpdatedAt)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read RACI cell: %w", mapError(err))
	}
	before.Process, before.Letter, before.RoleName, before.UpdatedAt = aims.Process(p), aims.RACI(l), roleName, before.UpdatedAt.UTC()
	after := aims.RACICell{ID: before.ID, Process: ch.Process, RoleID: ch.RoleID, Letter: ch.Letter, UpdatedAt: tx.now, RoleName: roleName}
	switch {
	case ch.Letter == "" && !exists:
		return nil
	case ch.Letter == "":
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM raci_cells WHERE org_id = $1 AND id = $2`, scope.OrgID(), before.ID); err != nil {
			return fmt.Errorf("clear RACI cell: %w", mapError(err))
		}
		return tx.recordDelete(ctx, scope, aims.EntityRACICell, before.ID, &before)
	case exists:
		if before.Letter == ch.Letter {
			return nil
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE raci_cells SET letter = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`,
			string(ch.Letter), tx.now, scope.OrgID(), before.ID); err != nil {
			return fmt.Errorf("set RACI cell: %w", mapError(err))
		}
		return tx.recordUpdate(ctx, scope, aims.EntityRACICell, before.ID, &before, &after)
	default:
		after.ID = newID()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO raci_cells (id, org_id, process, role_id, letter, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			after.ID, scope.OrgID(), string(ch.Process), ch.RoleID, string(ch.Letter), tx.now); err != nil {
			return fmt.Errorf("set RACI cell: %w", mapError(err))
		}
		return tx.recordCreate(ctx, scope, aims.EntityRACICell, after.ID, &after)
	}
}
