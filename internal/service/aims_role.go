package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// aimsRoles is the register of the roles the organization defines for its
// AIMS (ISO/IEC 42001 5.3, A.3.2).
var aimsRoles = register[aims.AIMSRole, *aims.AIMSRole, aims.AIMSRoleFilter, aims.AIMSRoleUpdate]{
	plural: "AIMS roles",
	list:   store.FindAIMSRoles, find: store.FindAIMSRoleByID,
	create: store.CreateAIMSRole, update: store.UpdateAIMSRole, delete: store.DeleteAIMSRole,
}

// FindAIMSRoles lists the organization's AIMS roles.
func (s *Service) FindAIMSRoles(ctx context.Context, f aims.AIMSRoleFilter) ([]*aims.AIMSRole, int, error) {
	return aimsRoles.findAll(ctx, s, f)
}

// FindAIMSRoleByID returns one role.
func (s *Service) FindAIMSRoleByID(ctx context.Context, id string) (*aims.AIMSRole, error) {
	return aimsRoles.findByID(ctx, s, id)
}

// CreateAIMSRole adds a role.
func (s *Service) CreateAIMSRole(ctx context.Context, in *aims.AIMSRole) error {
	return aimsRoles.add(ctx, s, in)
}

// UpdateAIMSRole changes a role.
func (s *Service) UpdateAIMSRole(ctx context.Context, id string, upd aims.AIMSRoleUpdate) (*aims.AIMSRole, error) {
	return aimsRoles.change(ctx, s, id, upd)
}

// DeleteAIMSRole removes a role nobody holds and nothing names.
func (s *Service) DeleteAIMSRole(ctx context.Context, id string) error {
	return aimsRoles.remove(ctx, s, id)
}

// SeedAIMSRoles adds the default roles (aims.DefaultAIMSRoles) that the
// organization does not have yet, by name.
func (s *Service) SeedAIMSRoles(ctx context.Context) ([]*aims.AIMSRole, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "create AIMS roles")
	if err != nil {
		return nil, err
	}
	var out []*aims.AIMSRole
	err = s.transact(ctx, func(tx *store.Tx) error {
		have, _, err := store.FindAIMSRoles(ctx, tx, scope, aims.AIMSRoleFilter{Page: aims.Page{Limit: aims.MaxLimit}})
		if err != nil {
			return err
		}
		names := map[string]bool{}
		for _, r := range have {
			names[aims.FoldKey(r.Name)] = true
		}
		for _, r := range aims.DefaultAIMSRoles() {
			if names[aims.FoldKey(r.Name)] {
				continue
			}
			r.Normalize()
			if err := store.CreateAIMSRole(ctx, tx, scope, &r); err != nil {
				return err
			}
			out = append(out, &r)
		}
		return nil
	})
	return out, err
}

// roleAssignments is the register of who holds which AIMS role, for the
// whole AIMS or for one AI system.
var roleAssignments = register[aims.RoleAssignment, *aims.RoleAssignment, aims.RoleAssignmentFilter, aims.RoleAssignmentUpdate]{
	plural: "role assignments",
	list:   store.FindRoleAssignments, find: store.FindRoleAssignmentByID,
	create: store.CreateRoleAssignment, update: store.UpdateRoleAssignment, delete: store.DeleteRoleAssignment,
	checkRefs: func(ctx context.Context, q store.Querier, scope aims.Scope, a *aims.RoleAssignment) error {
		var v aims.Validation
		for _, err := range []error{
			checkRef(ctx, q, scope, "role_id", "role", a.RoleID, store.FindAIMSRoleByID),
			checkRef(ctx, q, scope, "person_id", "person", a.PersonID, store.FindPersonByID),
			checkRef(ctx, q, scope, "system_id", "AI system", a.SystemID, store.FindSystemByID),
		} {
			if fe, ok := err.(*aims.Error); ok && fe.Kind == aims.KindInvalid {
				v.AddAll("", fe.Fields)
			} else if err != nil {
				return err
			}
		}
		return v.Err()
	},
}

// FindRoleAssignments lists who holds which role.
func (s *Service) FindRoleAssignments(ctx context.Context, f aims.RoleAssignmentFilter) ([]*aims.RoleAssignment, int, error) {
	return roleAssignments.findAll(ctx, s, f)
}

// FindRoleAssignmentByID returns one assignment.
func (s *Service) FindRoleAssignmentByID(ctx context.Context, id string) (*aims.RoleAssignment, error) {
	return roleAssignments.findByID(ctx, s, id)
}

// CreateRoleAssignment gives a person a role.
func (s *Service) CreateRoleAssignment(ctx context.Context, in *aims.RoleAssignment) error {
	return roleAssignments.add(ctx, s, in)
}

// UpdateRoleAssignment changes an assignment's system or note.
func (s *Service) UpdateRoleAssignment(ctx context.Context, id string, upd aims.RoleAssignmentUpdate) (*aims.RoleAssignment, error) {
	return roleAssignments.change(ctx, s, id, upd)
}

// DeleteRoleAssignment takes a role from a person.
func (s *Service) DeleteRoleAssignment(ctx context.Context, id string) error {
	return roleAssignments.remove(ctx, s, id)
}

// FindRACI returns the RACI of the AIMS processes by role.
func (s *Service) FindRACI(ctx context.Context) (*aims.RACIMatrix, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the RACI")
	if err != nil {
		return nil, err
	}
	return store.FindRACI(ctx, s.db, scope)
}

// SetRACI sets cells of the RACI (an empty letter clears one) in one
// transaction, and returns the matrix as stored.
func (s *Service) SetRACI(ctx context.Context, changes []aims.RACIChange) (*aims.RACIMatrix, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change the RACI")
	if err != nil {
		return nil, err
	}
	var v aims.Validation
	for i, ch := range changes {
		if err := ch.Validate(); err != nil {
			if fe, ok := err.(*aims.Error); ok {
				v.AddAll("cells/"+itoa(i), fe.Fields)
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *aims.RACIMatrix
	err = s.transact(ctx, func(tx *store.Tx) error {
		for i, ch := range changes {
			r, err := store.FindAIMSRoleByID(ctx, tx, scope, ch.RoleID)
			if aims.IsKind(err, aims.KindNotFound) {
				return &aims.Error{Kind: aims.KindInvalid, Message: "no such role",
					Fields: []aims.FieldError{{Field: "cells/" + itoa(i) + "/role_id", Detail: "no such role"}}}
			}
			if err != nil {
				return err
			}
			if err := store.SetRACICell(ctx, tx, scope, ch, r.Name); err != nil {
				return err
			}
		}
		out, err = store.FindRACI(ctx, tx, scope)
		return err
	})
	return out, err
}
