package service

import (
	"context"
	"io"
	"strconv"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// communications is the communication plan (ISO/IEC 42001 7.4, A.8).
var communications = register[aims.Communication, *aims.Communication, aims.CommunicationFilter, aims.CommunicationUpdate]{
	plural: "communications",
	list:   store.FindCommunications, find: store.FindCommunicationByID,
	create: store.CreateCommunication, update: store.UpdateCommunication, delete: store.DeleteCommunication,
	checkFilter: func(f aims.CommunicationFilter) error {
		if f.AudienceKind != "" && !f.AudienceKind.IsValid() {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown audience", Fields: []aims.FieldError{{Field: "audience_kind", Detail: "is not a known audience"}}}
		}
		return nil
	},
	checkRefs: func(ctx context.Context, q store.Querier, scope aims.Scope, c *aims.Communication) error {
		var err error
		c.ResponsibleName, err = checkAccount(ctx, q, scope, "responsible_id", c.ResponsibleID)
		return err
	},
}

// due fills in when the entry's next communication is due and whether it
// is overdue.
func (s *Service) due(list ...*aims.Communication) {
	today := aims.DateOf(s.db.Now())
	for _, c := range list {
		if c != nil {
			c.NextDue, c.Overdue = rules.CommunicationDue(c, today)
		}
	}
}

// FindCommunications lists the communication plan of the caller's
// organization, each entry with when it is next due; f.Overdue keeps the
// overdue ones.
func (s *Service) FindCommunications(ctx context.Context, f aims.CommunicationFilter) ([]*aims.Communication, int, error) {
	if !f.Overdue {
		list, total, err := communications.findAll(ctx, s, f)
		s.due(list...)
		return list, total, err
	}
	page := f.Page.Normalize()
	f.Overdue = false
	all, err := allPages(func(p aims.Page) ([]*aims.Communication, int, error) {
		f.Page = p
		return communications.findAll(ctx, s, f)
	})
	if err != nil {
		return nil, 0, err
	}
	s.due(all...)
	var over []*aims.Communication
	for _, c := range all {
		if c.Overdue {
			over = append(over, c)
		}
	}
	out := []*aims.Communication{}
	if page.Offset < len(over) {
		out = over[page.Offset:min(len(over), page.Offset+page.Limit)]
	}
	return out, len(over), nil
}

// FindCommunicationByID returns one entry of the plan with its records.
func (s *Service) FindCommunicationByID(ctx context.Context, id string) (*aims.Communication, error) {
	c, err := communications.findByID(ctx, s, id)
	s.due(c)
	return c, err
}

// CreateCommunication adds an entry to the plan.
func (s *Service) CreateCommunication(ctx context.Context, in *aims.Communication) error {
	err := communications.add(ctx, s, in)
	s.due(in)
	return err
}

// UpdateCommunication changes an entry of the plan.
func (s *Service) UpdateCommunication(ctx context.Context, id string, upd aims.CommunicationUpdate) (*aims.Communication, error) {
	c, err := communications.change(ctx, s, id, upd)
	s.due(c)
	return c, err
}

// RecordCommunication adds the record of a communication made to an entry
// of the plan.
func (s *Service) RecordCommunication(ctx context.Context, id string, rec aims.CommunicationRecord) (*aims.Communication, error) {
	c, err := communications.change(ctx, s, id, aims.CommunicationUpdate{Made: &rec})
	s.due(c)
	return c, err
}

// DeleteCommunication removes an entry of the plan with its records.
func (s *Service) DeleteCommunication(ctx context.Context, id string) error {
	return communications.remove(ctx, s, id)
}

// CommunicationCSVColumns are the columns of the communication plan export.
var CommunicationCSVColumns = []string{"subject", "audience_kind", "audience", "channel", "cadence", "first_due", "responsible",
	"records", "last_made", "next_due", "overdue", "created_at", "updated_at", "id"}

// ExportCommunicationsCSV writes the entries that f selects (all pages) as CSV.
func (s *Service) ExportCommunicationsCSV(ctx context.Context, w io.Writer, f aims.CommunicationFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export the communication plan"); err != nil {
		return err
	}
	return exportPages(w, CommunicationCSVColumns, func(p aims.Page) ([]*aims.Communication, int, error) {
		f.Page = p
		return s.FindCommunications(ctx, f)
	}, func(c *aims.Communication) []string {
		last := ""
		if len(c.Records) > 0 {
			last = c.Records[0].Date.String()
		}
		return []string{c.Subject, string(c.AudienceKind), c.Audience, c.Channel, string(c.Cadence), csvDate(c.FirstDue),
			c.ResponsibleName, strconv.Itoa(len(c.Records)), last, csvDate(c.NextDue), csvBool(c.Overdue),
			csvTime(c.CreatedAt), csvTime(c.UpdatedAt), c.ID}
	})
}
