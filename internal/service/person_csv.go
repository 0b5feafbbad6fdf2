package service

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// People and training records come from HR systems as spreadsheets
// (issue 16 item 5): both imports read CSV with a header row in the
// columns of their export, check every row first, and import nothing when
// any row is bad, naming every bad row and column as "rows/LINE/COLUMN".

// ImportPeopleCSV creates or updates people from CSV. A row whose id (as
// exported) or else email names a person of the organization updates that
// person; any other row adds one. Only name is required; a column left out leaves that field
// of existing people as it is; active reads yes or no (empty: yes).
func (s *Service) ImportPeopleCSV(ctx context.Context, r io.Reader) (*ImportResult, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "import people")
	if err != nil {
		return nil, err
	}
	sh, err := readSheetOf(r, PersonCSVColumns, "name", "is missing: every row needs the person's name")
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	err = s.transact(ctx, func(tx *store.Tx) error {
		type change struct {
			before, after *aims.Person
		}
		var plan []change
		emails := map[string]int{}
		for _, row := range sh.rows {
			p := &aims.Person{Active: true}
			var before *aims.Person
			if id, _ := sh.cell(row, "id"); strings.TrimSpace(id) != "" {
				// An exported file names each person by id.
				found, err := store.FindPersonByID(ctx, tx, scope, strings.TrimSpace(id))
				switch {
				case aims.IsKind(err, aims.KindNotFound):
					sh.problems.add(row.line, "id", "names no person of the organization: leave it empty to add a person")
				case err != nil:
					return err
				default:
					before = found
					was := *found
					p = &was
				}
			}
			email, _ := sh.cell(row, "email")
			if email = aims.NormalizeEmail(email); email != "" && before == nil {
				found, err := store.FindPersonByEmail(ctx, tx, scope, email)
				if err != nil && !aims.IsKind(err, aims.KindNotFound) {
					return err
				}
				if found != nil {
					before = found
					was := *found
					p = &was
				}
			}
			if email != "" {
				if first, dup := emails[email]; dup {
					sh.problems.add(row.line, "email", "repeats the email of line %d", first)
					continue
				}
				emails[email] = row.line
			}
			for col, dst := range map[string]*string{"name": &p.Name, "email": &p.Email, "job_title": &p.JobTitle,
				"department": &p.Department, "site": &p.Site} {
				if v, ok := sh.cell(row, col); ok {
					*dst = v
				}
			}
			if v, ok := sh.cell(row, "active"); ok {
				switch strings.ToLower(strings.TrimSpace(v)) {
				case "", "yes", "true":
					p.Active = true
				case "no", "false":
					p.Active = false
				default:
					sh.problems.add(row.line, "active", "must be yes or no (an empty cell means yes)")
				}
			}
			p.Normalize()
			addValidation(sh.problems, row.line, p.Validate(), nil)
			plan = append(plan, change{before, p})
		}
		if err := sh.err(); err != nil {
			return err
		}
		for _, c := range plan {
			if c.before == nil {
				if err := store.CreatePerson(ctx, tx, scope, c.after); err != nil {
					return err
				}
				res.Created++
				continue
			}
			if *c.before == *c.after {
				res.Unchanged++
				continue
			}
			if err := store.UpdatePerson(ctx, tx, scope, c.before, c.after); err != nil {
				return err
			}
			res.Updated++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ImportTrainingRecordsCSV adds training records from CSV: person_email
// names the person (of the organization), competence and completed_on are
// required, expires_on must be after completed_on.
func (s *Service) ImportTrainingRecordsCSV(ctx context.Context, r io.Reader) (*ImportResult, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "import training records")
	if err != nil {
		return nil, err
	}
	sh, err := readSheetOf(r, TrainingCSVColumns, "person_email", "is missing: every row names its person by email")
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	err = s.transact(ctx, func(tx *store.Tx) error {
		people := map[string]*aims.Person{}
		var plan []*aims.TrainingRecord
		for _, row := range sh.rows {
			email, _ := sh.cell(row, "person_email")
			email = aims.NormalizeEmail(email)
			t := &aims.TrainingRecord{}
			p, seen := people[email]
			if !seen && email != "" {
				found, err := store.FindPersonByEmail(ctx, tx, scope, email)
				if err != nil && !aims.IsKind(err, aims.KindNotFound) {
					return err
				}
				p, people[email] = found, found
			}
			if p == nil {
				sh.problems.add(row.line, "person_email", "names no person of the organization")
			} else {
				t.PersonID, t.PersonName = p.ID, p.Name
			}
			t.Competence, _ = sh.cell(row, "competence")
			t.Evidence, _ = sh.cell(row, "evidence")
			if v, _ := sh.cell(row, "completed_on"); v != "" {
				if d, err := aims.ParseDate(strings.TrimSpace(v)); err != nil {
					sh.problems.add(row.line, "completed_on", "%s", err.Error())
				} else {
					t.CompletedOn = d
				}
			}
			if v, _ := sh.cell(row, "expires_on"); v != "" {
				if d, err := aims.ParseDate(strings.TrimSpace(v)); err != nil {
					sh.problems.add(row.line, "expires_on", "%s", err.Error())
				} else {
					t.ExpiresOn = &d
				}
			}
			t.Normalize()
			if err := t.Validate(); err != nil {
				var ae *aims.Error
				if errors.As(err, &ae) {
					for _, f := range ae.Fields {
						if f.Field == "person_id" || sh.problems.has(row.line, f.Field) {
							continue // named above, by the column the file has
						}
						sh.problems.add(row.line, f.Field, "%s", f.Detail)
					}
				}
			}
			plan = append(plan, t)
		}
		if err := sh.err(); err != nil {
			return err
		}
		for _, t := range plan {
			if err := store.CreateTrainingRecord(ctx, tx, scope, t); err != nil {
				return err
			}
		}
		res.Created = len(plan)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
