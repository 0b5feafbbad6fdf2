package service

import (
	"context"
	"errors"
	"io"
	"slices"
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
		// The people the file names, found in a few queries (issue 16:
		// 50,000 rows under 10 s).
		var ids, wanted []string
		for _, row := range sh.rows {
			if id, _ := sh.cell(row, "id"); strings.TrimSpace(id) != "" {
				ids = append(ids, strings.TrimSpace(id))
			}
			if email, _ := sh.cell(row, "email"); aims.NormalizeEmail(email) != "" {
				wanted = append(wanted, aims.NormalizeEmail(email))
			}
		}
		byID, err := store.FindPeopleByIDs(ctx, tx, scope, ids)
		if err != nil {
			return err
		}
		byEmail, err := store.FindPeopleByEmails(ctx, tx, scope, wanted)
		if err != nil {
			return err
		}
		var plan []change
		emails := map[string]int{}
		for _, row := range sh.rows {
			p := &aims.Person{Active: true}
			var before *aims.Person
			if id, _ := sh.cell(row, "id"); strings.TrimSpace(id) != "" {
				// An exported file names each person by id.
				if found := byID[strings.TrimSpace(id)]; found == nil {
					sh.problems.add(row.line, "id", "names no person of the organization: leave it empty to add a person")
				} else {
					before = found
					was := *found
					p = &was
				}
			}
			email, _ := sh.cell(row, "email")
			if email = aims.NormalizeEmail(email); email != "" && before == nil {
				if found := byEmail[aims.FoldKey(email)]; found != nil {
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
		var added []*aims.Person
		for _, c := range plan {
			if c.before == nil {
				added = append(added, c.after)
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
		res.Created = len(added)
		return store.CreatePeople(ctx, tx, scope, added)
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
		var wanted []string
		for _, row := range sh.rows {
			email, _ := sh.cell(row, "person_email")
			wanted = append(wanted, aims.NormalizeEmail(email))
		}
		people, err := store.FindPeopleByEmails(ctx, tx, scope, slices.Compact(slices.Sorted(slices.Values(wanted))))
		if err != nil {
			return err
		}
		var plan []*aims.TrainingRecord
		for i, row := range sh.rows {
			t := &aims.TrainingRecord{}
			var p *aims.Person
			if wanted[i] != "" {
				p = people[aims.FoldKey(wanted[i])]
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
		res.Created = len(plan)
		return store.CreateTrainingRecords(ctx, tx, scope, plan)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
