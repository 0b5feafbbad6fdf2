package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/store"
)

// The Statement of Applicability (ISO/IEC 42001 6.1.3 d and e). Editing
// needs Edit (AIMS managers, contributors, admins); approving needs Approve
// (AIMS managers and admins); auditors read and export every version.

// FindSoAVersions lists the SoA versions, newest first.
func (s *Service) FindSoAVersions(ctx context.Context) ([]*aims.SoAVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	return store.FindSoAVersions(ctx, s.db, scope)
}

// FindSoAVersion returns version number (0: the newest) with the rows that
// pass f, their titles filled from the catalog.
func (s *Service) FindSoAVersion(ctx context.Context, number int, f aims.SoAFilter) (*aims.SoAVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	if err := validateSoAFilter(f); err != nil {
		return nil, err
	}
	v, c, err := loadSoA(ctx, s.db, scope, number)
	if err != nil {
		return nil, err
	}
	_ = c
	rows := v.Rows[:0:0]
	for _, r := range v.Rows {
		if f.Match(r) {
			rows = append(rows, r)
		}
	}
	v.Rows = rows
	return v, nil
}

func validateSoAFilter(f aims.SoAFilter) error {
	var v aims.Validation
	if f.Applicability != "" && !f.Applicability.IsValid() {
		v.Add("applicability", "must be one of undecided, applicable, excluded")
	}
	if f.Status != "" && !f.Status.IsValid() {
		v.Add("implementation_status", "must be one of not_started, planned, partially_implemented, implemented")
	}
	return v.Err()
}

// loadSoA reads a version and fills its rows' titles.
func loadSoA(ctx context.Context, q store.Querier, scope aims.Scope, number int) (*aims.SoAVersion, *catalog.Catalog, error) {
	v, err := store.FindSoAVersion(ctx, q, scope, number)
	if err != nil {
		return nil, nil, err
	}
	c, err := orgCatalog(ctx, q, scope)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range v.Rows {
		if req, ok := c.Requirement(r.Ref()); ok {
			r.Title = req.Title
		}
	}
	return v, c, nil
}

// StartSoADraft starts a new draft: a copy of the last approved version, or,
// for an organization without one, every Annex A control undecided. Controls
// the catalog gained since are added undecided. Only one draft exists at a
// time.
func (s *Service) StartSoADraft(ctx context.Context, note string) (*aims.SoAVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "start a draft of the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var out *aims.SoAVersion
	err = s.transact(ctx, func(tx *store.Tx) error {
		versions, err := store.FindSoAVersions(ctx, tx, scope)
		if err != nil {
			return err
		}
		for _, v := range versions {
			if v.Status == aims.SoADraft {
				return aims.Errorf(aims.KindConflict, "SoA version %d is a draft already: edit it, or approve it first", v.Number)
			}
		}
		n, err := store.NextSoANumber(ctx, tx, scope)
		if err != nil {
			return err
		}
		draft := &aims.SoAVersion{Number: n, CreatedBy: scope.Actor().Label, Note: note}
		have := map[aims.Ref]bool{}
		last, err := store.FindLastApprovedSoAVersion(ctx, tx, scope)
		switch {
		case err == nil:
			draft.BasedOn = last.Number
			for _, r := range last.Rows {
				row := *r
				draft.Rows = append(draft.Rows, &row)
				have[r.Ref()] = true
			}
		case !aims.IsKind(err, aims.KindNotFound):
			return err
		}
		iso, _ := catalog.Builtin().Framework(catalog.ISO42001)
		for _, ctl := range catalog.Builtin().SoAControls(iso) {
			ref := aims.Ref{Framework: iso.ID, ID: ctl.ID}
			if !have[ref] {
				draft.Rows = append(draft.Rows, &aims.SoARow{Framework: iso.ID, RequirementID: ctl.ID, Applicability: aims.Undecided, Status: aims.NotStarted})
			}
		}
		if err := store.CreateSoAVersion(ctx, tx, scope, draft); err != nil {
			return err
		}
		out = draft
		return nil
	})
	return out, err
}

// draftFor loads version number for a change, refusing an approved one.
func draftFor(ctx context.Context, tx *store.Tx, scope aims.Scope, number int) (*aims.SoAVersion, *catalog.Catalog, error) {
	v, c, err := loadSoA(ctx, tx, scope, number)
	if err != nil {
		return nil, nil, err
	}
	if v.Status != aims.SoADraft {
		return nil, nil, aims.Errorf(aims.KindConflict, "SoA version %d is approved and frozen: start a new draft to change it", v.Number)
	}
	return v, c, nil
}

func findRow(v *aims.SoAVersion, ref aims.Ref) *aims.SoARow {
	for _, r := range v.Rows {
		if r.Ref() == ref {
			return r
		}
	}
	return nil
}

// UpdateSoARow changes one control of a draft.
func (s *Service) UpdateSoARow(ctx context.Context, number int, ref aims.Ref, upd aims.SoARowUpdate) (*aims.SoARow, error) {
	rows, err := s.UpdateSoARows(ctx, number, []aims.Ref{ref}, upd)
	if err != nil {
		var ae *aims.Error
		if errors.As(err, &ae) {
			// One row: name its fields plainly, as a form shows them.
			for i, f := range ae.Fields {
				ae.Fields[i].Field = strings.TrimPrefix(f.Field, "rows/"+ref.String()+"/")
			}
		}
		return nil, err
	}
	return rows[0], nil
}

// UpdateSoARows applies one change to several controls of a draft (the
// editor's bulk change), all or none: each refused row is named as
// "rows/REF/FIELD".
func (s *Service) UpdateSoARows(ctx context.Context, number int, refs []aims.Ref, upd aims.SoARowUpdate) ([]*aims.SoARow, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return nil, &aims.Error{Kind: aims.KindInvalid, Message: "choose at least one control", Fields: []aims.FieldError{{Field: "controls", Detail: "is empty"}}}
	}
	if upd.IsZero() {
		return nil, &aims.Error{Kind: aims.KindInvalid, Message: "nothing to change: give at least one field"}
	}
	var out []*aims.SoARow
	err = s.transact(ctx, func(tx *store.Tx) error {
		v, _, err := draftFor(ctx, tx, scope, number)
		if err != nil {
			return err
		}
		if upd.OwnerID != nil && *upd.OwnerID != "" {
			if err := checkMember(ctx, tx, scope, *upd.OwnerID); err != nil {
				return err
			}
		}
		var val aims.Validation
		type change struct{ before, after *aims.SoARow }
		var changes []change
		for _, ref := range refs {
			before := findRow(v, ref)
			if before == nil {
				return aims.ErrNotFound("control " + ref.String() + " in SoA version " + itoa(v.Number))
			}
			after := upd.Apply(*before)
			after.Normalize()
			if err := after.Validate(); err != nil {
				val.AddAll("rows/"+ref.String(), err.(*aims.Error).Fields)
				continue
			}
			changes = append(changes, change{before, &after})
		}
		if err := val.Err(); err != nil {
			return err
		}
		for _, ch := range changes {
			if err := store.UpdateSoARow(ctx, tx, scope, v, ch.before, ch.after); err != nil {
				return err
			}
			out = append(out, ch.after)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.withOwners(ctx, number, out)
}

// withOwners reloads rows so that owner names come with them.
func (s *Service) withOwners(ctx context.Context, number int, rows []*aims.SoARow) ([]*aims.SoARow, error) {
	scope, _, _ := authz.Authorize(ctx, authz.Read, "read the Statement of Applicability")
	v, _, err := loadSoA(ctx, s.db, scope, number)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if fresh := findRow(v, r.Ref()); fresh != nil {
			rows[i] = fresh
		}
	}
	return rows, nil
}

// AddSoAControl adds a control from another catalog (a NIST subcategory,
// an EU AI Act obligation, a control of an imported catalog) to a draft.
func (s *Service) AddSoAControl(ctx context.Context, number int, ref aims.Ref) (*aims.SoARow, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	var row *aims.SoARow
	err = s.transact(ctx, func(tx *store.Tx) error {
		v, c, err := draftFor(ctx, tx, scope, number)
		if err != nil {
			return err
		}
		fw, ok := c.Framework(ref.Framework)
		req, ok2 := c.Requirement(ref)
		if !ok || !ok2 {
			return &aims.Error{Kind: aims.KindInvalid, Message: ref.String() + " is not in the catalog",
				Fields: []aims.FieldError{{Field: "requirement_id", Detail: "is not a requirement of " + ref.Framework}}}
		}
		if !fw.IsSoAKind(req.Kind) {
			return &aims.Error{Kind: aims.KindInvalid, Message: fmt.Sprintf("%s is a %s; only %s can be SoA rows", ref, req.Kind, strings.Join(fw.SoAKinds, ", ")),
				Fields: []aims.FieldError{{Field: "requirement_id", Detail: "is not a control"}}}
		}
		row = &aims.SoARow{Framework: ref.Framework, RequirementID: ref.ID, Title: req.Title, Applicability: aims.Undecided, Status: aims.NotStarted, Added: true}
		return store.AddSoARow(ctx, tx, scope, v, row)
	})
	return row, err
}

// RemoveSoAControl removes a control added from another catalog; Annex A
// controls stay (exclude them with a justification instead).
func (s *Service) RemoveSoAControl(ctx context.Context, number int, ref aims.Ref) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change the Statement of Applicability")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		v, _, err := draftFor(ctx, tx, scope, number)
		if err != nil {
			return err
		}
		r := findRow(v, ref)
		if r == nil {
			return aims.ErrNotFound("control " + ref.String() + " in SoA version " + itoa(v.Number))
		}
		if !r.Added {
			return aims.Errorf(aims.KindConflict, "%s is an Annex A control and stays in the SoA: exclude it with a justification instead", ref.ID)
		}
		return store.DeleteSoARow(ctx, tx, scope, v, r)
	})
}

// ApproveSoA approves a draft, recording who and when, and freezes it.
// Every control must be decided and every decision justified; otherwise the
// error lists each control still open.
func (s *Service) ApproveSoA(ctx context.Context, number int, note string) (*aims.SoAVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Approve, "approve the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	var out *aims.SoAVersion
	err = s.transact(ctx, func(tx *store.Tx) error {
		v, _, err := draftFor(ctx, tx, scope, number)
		if err != nil {
			return err
		}
		if problems := v.ApprovalProblems(); len(problems) > 0 {
			return &aims.Error{Kind: aims.KindInvalid, Fields: problems,
				Message: fmt.Sprintf("%d control(s) are undecided or unjustified: decide and justify each before approving", len(problems))}
		}
		after := *v
		if note = strings.TrimSpace(note); note != "" {
			after.Note = note
		}
		if err := store.ApproveSoAVersion(ctx, tx, scope, v, &after); err != nil {
			return err
		}
		out = &after
		return nil
	})
	return out, err
}

// DiffSoA compares two versions control by control.
func (s *Service) DiffSoA(ctx context.Context, from, to int) ([]aims.SoAChange, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	a, _, err := loadSoA(ctx, s.db, scope, from)
	if err != nil {
		return nil, err
	}
	b, _, err := loadSoA(ctx, s.db, scope, to)
	if err != nil {
		return nil, err
	}
	return aims.DiffSoA(a, b), nil
}

// SoACoverage computes, for each framework, how much of it the implemented
// controls of SoA version number (0: the newest) cover through the
// crosswalks.
func (s *Service) SoACoverage(ctx context.Context, number int) (*aims.SoAVersion, []*catalog.Coverage, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read coverage")
	if err != nil {
		return nil, nil, err
	}
	v, c, err := loadSoA(ctx, s.db, scope, number)
	if err != nil {
		return nil, nil, err
	}
	done, doing := map[aims.Ref]bool{}, map[aims.Ref]bool{}
	for _, r := range v.Rows {
		if r.Applicability != aims.Applicable {
			continue
		}
		switch r.Status {
		case aims.Implemented:
			done[r.Ref()] = true
		case aims.Planned, aims.PartiallyImplemented:
			doing[r.Ref()] = true
		}
	}
	var out []*catalog.Coverage
	for _, fw := range c.Frameworks() {
		if len(c.Units(fw)) > 0 {
			out = append(out, c.Coverage(fw, done, doing))
		}
	}
	return v, out, nil
}
