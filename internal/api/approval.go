package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

type approvalList struct {
	PageParams
	Status  string `query:"status" enum:"pending,approved,rejected,void"`
	Waiting string `query:"waiting" enum:"me" doc:"me: only the requests you may decide now"`
}

type decisionBody struct {
	ID   string `path:"id"`
	Body aims.DecisionInput
}

func (h *Handlers) registerApprovals(api huma.API) {
	const tag = "Approvals"
	huma.Register(api, operation(http.MethodGet, "/approvals", "list-approvals", tag, "List approval requests", authz.Read),
		func(ctx context.Context, in *approvalList) (*PageOutput[*aims.ApprovalRequest], error) {
			list, total, err := h.svc.FindApprovals(ctx, service.ApprovalQuery{Status: aims.ApprovalStatus(in.Status),
				WaitingForMe: in.Waiting == "me", Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	huma.Register(api, operation(http.MethodGet, "/approvals/{id}", "get-approval", tag, "Get an approval request with its decisions", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.ApprovalRequest], error) {
			r, err := h.svc.FindApprovalByID(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.ApprovalRequest]{Body: r}, nil
		})
	decide := operation(http.MethodPost, "/approvals/{id}/decisions", "decide-approval", tag, "Approve or reject", authz.Edit, authz.EditOwned)
	decide.Description += " Only a person the request names (by id or by role) decides, and with separation of duties not the requester: " +
		"anyone else gets 403 saying why. A request already decided, or whose subject's content changed since approval was asked for " +
		"(its SHA-256 no longer matches), is refused with 409. A rejection needs a comment. When the decision settles the request, " +
		"the subject follows: an approved document version takes effect and supersedes the one before."
	decide.DefaultStatus = http.StatusCreated
	huma.Register(api, decide, func(ctx context.Context, in *decisionBody) (*Body[*aims.ApprovalRequest], error) {
		r, err := h.svc.DecideApproval(ctx, in.ID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.ApprovalRequest]{Body: r}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/approval-settings", "get-approval-settings", tag,
		"Get the organization's approval policy", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[aims.ApprovalSettings], error) {
			out, err := h.svc.FindApprovalSettings(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[aims.ApprovalSettings]{Body: out}, nil
		})
	settings := operation(http.MethodPut, "/approval-settings", "set-approval-settings", tag,
		"Set the organization's approval policy", authz.ManageSettings)
	settings.Description += " With separation_of_duties (the default) nobody decides their own approval request, and a request " +
		"asking with separation_of_duties false is refused with 422; without it, each request may still ask for it. " +
		"Requests already made keep what they were made with."
	huma.Register(api, settings, func(ctx context.Context, in *Body[aims.ApprovalSettings]) (*Body[aims.ApprovalSettings], error) {
		if err := h.svc.SetApprovalSettings(ctx, in.Body); err != nil {
			return nil, fail(ctx, err)
		}
		return in, nil
	})
	huma.Register(api, operation(http.MethodGet, "/me/work", "get-my-work", "Accounts", "What is waiting for you"),
		func(ctx context.Context, _ *struct{}) (*Body[WorkList], error) {
			items, err := h.svc.MyWork(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[WorkList]{Body: WorkList{Items: items, Total: len(items)}}, nil
		})
}

// WorkList is the caller's work: approvals to decide, documents to review
// or acknowledge, overdue risk reviews and treatment actions, overdue first.
type WorkList struct {
	Items []aims.WorkItem `json:"items" nullable:"false"`
	Total int             `json:"total"`
}
