package api

import (
	"context"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// ContextIssueInput is a new context issue (ISO/IEC 42001 4.1).
type ContextIssueInput struct {
	Title           string           `json:"title" maxLength:"200" doc:"Unique in the organization, any case"`
	Category        string           `json:"category" maxLength:"100" doc:"One of the organization's context categories (GET /context/categories)"`
	Origin          aims.IssueOrigin `json:"origin" enum:"internal,external"`
	Description     string           `json:"description,omitempty" maxLength:"20000"`
	Effect          string           `json:"effect,omitempty" maxLength:"20000" doc:"How the issue affects the AIMS and its intended results"`
	Relevance       aims.Relevance   `json:"relevance,omitempty" enum:"relevant,not_relevant,to_determine" default:"to_determine"`
	RelevanceReason string           `json:"relevance_reason,omitempty" maxLength:"4000" doc:"Why the issue is not relevant; required then"`
	ClimateChange   bool             `json:"climate_change,omitempty" doc:"This issue answers whether climate change is a relevant issue (one issue per organization)"`
	Risks           []string         `json:"risks,omitempty" doc:"The ids of the risks that address the issue"`
	ObjectiveIDs    []string         `json:"objective_ids,omitempty" doc:"The ids of the objectives that address the issue"`
	ReviewDate      string           `json:"review_date,omitempty" format:"date" doc:"When the issue is next reviewed"`
}

type contextIssueList struct {
	PageParams
	Q         string `query:"q" doc:"Part of the title, any case"`
	Category  string `query:"category"`
	Origin    string `query:"origin" enum:"internal,external"`
	Relevance string `query:"relevance" enum:"relevant,not_relevant,to_determine"`
	Sort      string `query:"sort" enum:"name,-name,updated_at,-updated_at,review,-review" doc:"The order; a leading - reverses it"`
}

func (in *contextIssueList) filter() aims.ContextIssueFilter {
	return aims.ContextIssueFilter{Search: in.Q, Category: in.Category, Origin: aims.IssueOrigin(in.Origin),
		Relevance: aims.Relevance(in.Relevance), Sort: in.Sort, Page: in.page()}
}

// contextCategoriesBody is the organization's list of context categories.
type contextCategoriesBody struct {
	Body struct {
		Categories []string `json:"categories" minItems:"1" maxItems:"50" doc:"Replace the whole list"`
	}
}

func (h *Handlers) registerContextIssues(api huma.API) {
	crud[aims.ContextIssue, contextIssueList, ContextIssueInput, aims.ContextIssueUpdate]{
		tag: "Context", path: "/context/issues", noun: "context issue", plural: "context issues", ids: [2]string{"context-issue", "context-issues"}, a: "a",
		list: func(ctx context.Context, in *contextIssueList) ([]*aims.ContextIssue, int, error) {
			return h.svc.FindContextIssues(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *contextIssueList) error {
			return h.svc.ExportContextIssuesCSV(ctx, w, in.filter())
		},
		exportColumns: service.ContextIssueCSVColumns,
		create: func(ctx context.Context, b ContextIssueInput) (*aims.ContextIssue, error) {
			return created(ctx, &aims.ContextIssue{Title: b.Title, Category: b.Category, Origin: b.Origin, Description: b.Description,
				Effect: b.Effect, Relevance: b.Relevance, Reason: b.RelevanceReason, Climate: b.ClimateChange,
				Risks: aims.RefsOf(b.Risks), Objectives: b.ObjectiveIDs, ReviewDate: dateOrNil(b.ReviewDate)}, h.svc.CreateContextIssue)
		},
		get: h.svc.FindContextIssueByID, update: h.svc.UpdateContextIssue, delete: h.svc.DeleteContextIssue,
	}.register(api)

	huma.Register(api, operation(http.MethodGet, "/context/summary", "get-context-summary", "Context",
		"Summarise the context: issues, interested parties and the climate-change question", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[*aims.ContextSummary], error) {
			s, err := h.svc.ContextSummary(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.ContextSummary]{Body: s}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/context/categories", "get-context-categories", "Context",
		"Get the organization's categories of context issues", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[*aims.ContextCategories], error) {
			c, err := h.svc.ContextCategories(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.ContextCategories]{Body: c}, nil
		})
	huma.Register(api, operation(http.MethodPut, "/context/categories", "put-context-categories", "Context",
		"Replace the organization's categories of context issues", authz.Edit),
		func(ctx context.Context, in *contextCategoriesBody) (*Body[*aims.ContextCategories], error) {
			c, err := h.svc.SaveContextCategories(ctx, in.Body.Categories)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.ContextCategories]{Body: c}, nil
		})
}
