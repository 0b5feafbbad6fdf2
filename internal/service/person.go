package service

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// persons is the people register (ISO/IEC 42001 7.2).
var persons = register[aims.Person, *aims.Person, aims.PersonFilter, aims.PersonUpdate]{
	plural: "people",
	list:   store.FindPeople, find: store.FindPersonByID,
	create: store.CreatePerson, update: store.UpdatePerson, delete: store.DeletePerson,
	checkFilter: func(f aims.PersonFilter) error {
		if f.Sort != "" && !slices.Contains(aims.PersonSorts(), f.Sort) {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown sort",
				Fields: []aims.FieldError{{Field: "sort", Detail: "must be one of " + strings.Join(aims.PersonSorts(), ", ")}}}
		}
		return nil
	},
}

// FindPeople lists the people of the caller's organization.
func (s *Service) FindPeople(ctx context.Context, f aims.PersonFilter) ([]*aims.Person, int, error) {
	return persons.findAll(ctx, s, f)
}

// FindPersonByID returns one person.
func (s *Service) FindPersonByID(ctx context.Context, id string) (*aims.Person, error) {
	return persons.findByID(ctx, s, id)
}

// FindPersonByUserID returns the person whose account is userID: pages
// that name an account (an owner, an actor) link to the person.
func (s *Service) FindPersonByUserID(ctx context.Context, userID string) (*aims.Person, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read people")
	if err != nil {
		return nil, err
	}
	return store.FindPersonByUserID(ctx, s.db, scope, userID)
}

// CreatePerson adds a person; people without an account are welcome.
func (s *Service) CreatePerson(ctx context.Context, in *aims.Person) error {
	in.UserID = "" // aims links an account when the person becomes a member
	return persons.add(ctx, s, in)
}

// UpdatePerson changes a person.
func (s *Service) UpdatePerson(ctx context.Context, id string, upd aims.PersonUpdate) (*aims.Person, error) {
	return persons.change(ctx, s, id, upd)
}

// DeletePerson removes a person without an account that nothing names.
func (s *Service) DeletePerson(ctx context.Context, id string) error {
	return persons.remove(ctx, s, id)
}

// PersonCSVColumns are the columns of the people export, and those the
// people import reads (id, user and times are ignored on import).
var PersonCSVColumns = []string{"name", "email", "job_title", "department", "site", "active", "has_account", "created_at", "updated_at", "id"}

// ExportPeopleCSV writes the people that f selects (all pages) as CSV.
func (s *Service) ExportPeopleCSV(ctx context.Context, w io.Writer, f aims.PersonFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export people"); err != nil {
		return err
	}
	return exportPages(w, PersonCSVColumns, func(p aims.Page) ([]*aims.Person, int, error) {
		f.Page = p
		return s.FindPeople(ctx, f)
	}, func(p *aims.Person) []string {
		return []string{p.Name, p.Email, p.JobTitle, p.Department, p.Site, yesNo(p.Active), yesNo(p.UserID != ""),
			csvTime(p.CreatedAt), csvTime(p.UpdatedAt), p.ID}
	})
}

// BackfillPeople gives every member account that has no person in its
// organization one, through the audited write path so that each is sealed
// in the organization's log. Migration 00130 adds the people table; aims
// runs this after migrating, and it does nothing once every member has a
// person.
func (s *Service) BackfillPeople(ctx context.Context) (int, error) {
	missing, err := store.MembersWithoutPerson(ctx, s.db)
	if err != nil {
		return 0, err
	}
	n := 0
	for org, users := range missing {
		scope := systemScope(org, "people backfill")
		err := s.transact(ctx, func(tx *store.Tx) error {
			for _, u := range users {
				if _, err := store.EnsurePersonForMember(ctx, tx, scope, u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("backfill people of organization %s: %w", org, err)
		}
		n += len(users)
	}
	return n, nil
}
