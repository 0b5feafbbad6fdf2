package service

import (
	"context"
	"io"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// contextIssues is the register of internal and external issues (ISO/IEC
// 42001 4.1).
var contextIssues = register[aims.ContextIssue, *aims.ContextIssue, aims.ContextIssueFilter, aims.ContextIssueUpdate]{
	plural: "context issues",
	list:   store.FindContextIssues, find: store.FindContextIssueByID,
	create: store.CreateContextIssue, update: store.UpdateContextIssue, delete: store.DeleteContextIssue,
	checkFilter: func(f aims.ContextIssueFilter) error {
		var v aims.Validation
		if f.Origin != "" && !f.Origin.IsValid() {
			v.Add("origin", "must be one of internal, external")
		}
		if f.Relevance != "" && !f.Relevance.IsValid() {
			v.Add("relevance", "must be one of relevant, not_relevant, to_determine")
		}
		return v.Err()
	},
	checkRefs: checkContextIssueRefs,
}

// checkContextIssueRefs checks that the category is one of the
// organization's and that no other issue already answers the climate-change
// question; the store checks the risks.
func checkContextIssueRefs(ctx context.Context, q store.Querier, scope aims.Scope, c *aims.ContextIssue) error {
	var v aims.Validation
	cats, err := store.FindContextCategories(ctx, q, scope)
	if err != nil {
		return err
	}
	if !cats.Has(c.Category) {
		v.Add("category", "must be one of the organization's categories: %s", strings.Join(cats.Categories, ", "))
	} else {
		for _, s := range cats.Categories {
			if aims.FoldKey(s) == aims.FoldKey(c.Category) {
				c.Category = s // as the list spells it
			}
		}
	}
	if c.Climate {
		id, title, err := store.FindClimateIssue(ctx, q, scope)
		if err != nil {
			return err
		}
		if id != "" && id != c.ID {
			v.Add("climate_change", "the issue %q already answers whether climate change is relevant", title)
		}
	}
	return v.Err()
}

// FindContextIssues lists the context issues of the caller's organization.
func (s *Service) FindContextIssues(ctx context.Context, f aims.ContextIssueFilter) ([]*aims.ContextIssue, int, error) {
	return contextIssues.findAll(ctx, s, f)
}

// FindContextIssueByID returns one context issue with its risks.
func (s *Service) FindContextIssueByID(ctx context.Context, id string) (*aims.ContextIssue, error) {
	return contextIssues.findByID(ctx, s, id)
}

// CreateContextIssue adds a context issue.
func (s *Service) CreateContextIssue(ctx context.Context, in *aims.ContextIssue) error {
	return contextIssues.add(ctx, s, in)
}

// UpdateContextIssue changes a context issue.
func (s *Service) UpdateContextIssue(ctx context.Context, id string, upd aims.ContextIssueUpdate) (*aims.ContextIssue, error) {
	return contextIssues.change(ctx, s, id, upd)
}

// DeleteContextIssue removes a context issue.
func (s *Service) DeleteContextIssue(ctx context.Context, id string) error {
	return contextIssues.remove(ctx, s, id)
}

// ContextCategories returns the organization's categories of context
// issues (the default list until it sets its own).
func (s *Service) ContextCategories(ctx context.Context) (*aims.ContextCategories, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read context categories")
	if err != nil {
		return nil, err
	}
	return store.FindContextCategories(ctx, s.db, scope)
}

// SaveContextCategories replaces the organization's categories. Issues keep
// a category that leaves the list until they are next changed.
func (s *Service) SaveContextCategories(ctx context.Context, categories []string) (*aims.ContextCategories, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change context categories")
	if err != nil {
		return nil, err
	}
	after := &aims.ContextCategories{Categories: categories}
	after.Normalize()
	if err := after.Validate(); err != nil {
		return nil, err
	}
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindContextCategories(ctx, tx, scope)
		if err != nil {
			return err
		}
		return store.SaveContextCategories(ctx, tx, scope, before, after)
	})
	return after, err
}

// ContextSummary counts the organization's context issues and interested
// parties and answers the climate-change question (4.1, 4.2).
func (s *Service) ContextSummary(ctx context.Context) (*aims.ContextSummary, error) {
	if _, _, err := authz.Authorize(ctx, authz.Read, "read the context"); err != nil {
		return nil, err
	}
	issues, err := allPages(func(p aims.Page) ([]*aims.ContextIssue, int, error) {
		return s.FindContextIssues(ctx, aims.ContextIssueFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	parties, err := allPages(func(p aims.Page) ([]*aims.InterestedParty, int, error) {
		return s.FindInterestedParties(ctx, aims.InterestedPartyFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	sum := rules.SummarizeContext(issues, parties, aims.DateOf(s.db.Now()))
	return &sum, nil
}

// allPages reads every page of a list.
func allPages[T any](find func(aims.Page) ([]*T, int, error)) ([]*T, error) {
	var out []*T
	for off := 0; ; {
		list, total, err := find(aims.Page{Limit: aims.MaxLimit, Offset: off})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		off += len(list)
		if len(list) == 0 || off >= total {
			return out, nil
		}
	}
}

// ContextIssueCSVColumns are the columns of the context issues export.
var ContextIssueCSVColumns = []string{"title", "category", "origin", "description", "effect", "relevance", "relevance_reason",
	"climate_change", "risks", "objective_ids", "review_date", "created_at", "updated_at", "id"}

// ExportContextIssuesCSV writes the issues that f selects (all pages) as CSV.
func (s *Service) ExportContextIssuesCSV(ctx context.Context, w io.Writer, f aims.ContextIssueFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export context issues"); err != nil {
		return err
	}
	return exportPages(w, ContextIssueCSVColumns, func(p aims.Page) ([]*aims.ContextIssue, int, error) {
		f.Page = p
		return s.FindContextIssues(ctx, f)
	}, func(c *aims.ContextIssue) []string {
		risks := make([]string, len(c.Risks))
		for i, r := range c.Risks {
			risks[i] = r.Name
		}
		return []string{c.Title, c.Category, string(c.Origin), c.Description, c.Effect, string(c.Relevance), c.Reason,
			csvBool(c.Climate), strings.Join(risks, "; "), strings.Join(c.Objectives, "; "), csvDate(c.ReviewDate),
			csvTime(c.CreatedAt), csvTime(c.UpdatedAt), c.ID}
	})
}
