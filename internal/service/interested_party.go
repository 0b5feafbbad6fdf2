package service

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// interestedParties is the register of interested parties and their
// requirements (ISO/IEC 42001 4.2).
var interestedParties = register[aims.InterestedParty, *aims.InterestedParty, aims.InterestedPartyFilter, aims.InterestedPartyUpdate]{
	plural: "interested parties",
	list:   store.FindInterestedParties, find: store.FindInterestedPartyByID,
	create: store.CreateInterestedParty, update: store.UpdateInterestedParty, delete: store.DeleteInterestedParty,
	checkFilter: func(f aims.InterestedPartyFilter) error {
		if f.Kind != "" && !f.Kind.IsValid() {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown kind of party", Fields: []aims.FieldError{{Field: "kind", Detail: "is not a known kind of party"}}}
		}
		return nil
	},
	checkRefs: checkPartyRefs,
}

// checkPartyRefs checks that every control or obligation a requirement
// names is in the organization's catalog. Documents are named by id
// ("document:ID") and are not checked: the document register links them.
func checkPartyRefs(ctx context.Context, q store.Querier, scope aims.Scope, p *aims.InterestedParty) error {
	var c interface {
		Requirement(aims.Ref) (*aims.Requirement, bool)
	}
	var v aims.Validation
	for i, r := range p.Requirements {
		for j, s := range r.Through {
			ref, _ := aims.ParseRef(s)
			if ref.Framework == aims.DocumentRef {
				continue
			}
			if c == nil {
				cat, err := orgCatalog(ctx, q, scope)
				if err != nil {
					return err
				}
				c = cat
			}
			if _, ok := c.Requirement(ref); !ok {
				v.Add(fmt.Sprintf("requirements/%d/through/%d", i, j), "%q is not a requirement of a known framework (write iso42001:A.8.2, eu-ai-act:Art. 26 or document:ID)", s)
			}
		}
	}
	return v.Err()
}

// FindInterestedParties lists the interested parties of the caller's organization.
func (s *Service) FindInterestedParties(ctx context.Context, f aims.InterestedPartyFilter) ([]*aims.InterestedParty, int, error) {
	return interestedParties.findAll(ctx, s, f)
}

// FindInterestedPartyByID returns one interested party.
func (s *Service) FindInterestedPartyByID(ctx context.Context, id string) (*aims.InterestedParty, error) {
	return interestedParties.findByID(ctx, s, id)
}

// CreateInterestedParty adds an interested party.
func (s *Service) CreateInterestedParty(ctx context.Context, in *aims.InterestedParty) error {
	return interestedParties.add(ctx, s, in)
}

// UpdateInterestedParty changes an interested party.
func (s *Service) UpdateInterestedParty(ctx context.Context, id string, upd aims.InterestedPartyUpdate) (*aims.InterestedParty, error) {
	return interestedParties.change(ctx, s, id, upd)
}

// DeleteInterestedParty removes an interested party.
func (s *Service) DeleteInterestedParty(ctx context.Context, id string) error {
	return interestedParties.remove(ctx, s, id)
}

// InterestedPartyCSVColumns are the columns of the interested parties
// export: one row per requirement (a party without one has one row).
var InterestedPartyCSVColumns = []string{"name", "kind", "origin", "description", "review_date", "requirement", "addressed",
	"through", "note", "requirements", "requirements_addressed", "id"}

// ExportInterestedPartiesCSV writes the parties that f selects (all pages)
// as CSV, a row per requirement.
func (s *Service) ExportInterestedPartiesCSV(ctx context.Context, w io.Writer, f aims.InterestedPartyFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export interested parties"); err != nil {
		return err
	}
	e, err := newCSVExport(w, InterestedPartyCSVColumns)
	if err != nil {
		return err
	}
	list, err := allPages(func(p aims.Page) ([]*aims.InterestedParty, int, error) {
		f.Page = p
		return s.FindInterestedParties(ctx, f)
	})
	if err != nil {
		return err
	}
	for _, p := range list {
		head := []string{p.Name, string(p.Kind), string(p.Origin), p.Description, csvDate(p.ReviewDate)}
		tail := []string{strconv.Itoa(len(p.Requirements)), strconv.Itoa(p.Addressed()), p.ID}
		reqs := p.Requirements
		if len(reqs) == 0 {
			reqs = []aims.PartyRequirement{{}}
		}
		for _, r := range reqs {
			row := append(append(append([]string{}, head...), r.Text, string(r.Addressed), strings.Join(r.Through, "; "), r.Note), tail...)
			if err := e.Write(row); err != nil {
				return err
			}
		}
	}
	return e.Close()
}
