package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

type memberList struct {
	PageParams
	Q    string `query:"q" doc:"Part of the name or email"`
	Role string `query:"role" enum:"admin,aims_manager,system_owner,contributor,auditor,viewer"`
}

// InviteInput invites a person to the organization. The person chooses
// their name and password (or signs in to their existing account) when they
// accept.
type InviteInput struct {
	Email string    `json:"email" format:"email"`
	Role  aims.Role `json:"role" enum:"admin,aims_manager,system_owner,contributor,auditor,viewer"`
}

type memberCreate struct {
	Body InviteInput
}

type memberPatch struct {
	ID   string `path:"id"`
	Body aims.MemberUpdate
}

func (h *Handlers) registerMembers(api huma.API) {
	const tag = "Accounts"
	huma.Register(api, operation(http.MethodGet, "/users", "list-users", tag, "List the organization's members", authz.Read),
		func(ctx context.Context, in *memberList) (*PageOutput[*aims.Member], error) {
			list, total, err := h.svc.FindMembers(ctx, aims.MemberFilter{Search: in.Q, Role: aims.Role(in.Role), Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, "/users", "create-user", tag, "Invite a person to become a member", authz.ManageUsers)
	create.Description += " The answer is an invitation with a link (shown once) to send to the person, who accepts it by " +
		"signing in to their account or, without one, by choosing a name and password; only then are they a member. The answer " +
		"is the same whether or not the email has an account: nothing of an account reaches an organization the person has not " +
		"joined. An earlier pending invitation of the email is revoked; a current member is a conflict (409)."
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *memberCreate) (*Body[*aims.Invitation], error) {
		inv, err := h.svc.InviteMember(ctx, aims.NewInvitation{Email: in.Body.Email, Role: in.Body.Role})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Invitation]{Body: inv}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/invitations", "list-invitations", tag, "List the organization's invitations, newest first", authz.ManageUsers),
		func(ctx context.Context, in *PageParams) (*PageOutput[*aims.Invitation], error) {
			list, total, err := h.svc.FindInvitations(ctx, in.page())
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, *in), nil
		})
	huma.Register(api, operation(http.MethodPost, "/invitations/{id}/revoke", "revoke-invitation", tag, "Revoke a pending invitation: its link stops working", authz.ManageUsers),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Invitation], error) {
			inv, err := h.svc.RevokeInvitation(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Invitation]{Body: inv}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/users/{id}", "get-user", tag, "Get a member", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Member], error) {
			m, err := h.svc.FindMemberByID(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Member]{Body: m}, nil
		})
	huma.Register(api, operation(http.MethodPatch, "/users/{id}", "update-user", tag,
		"Change a member's role or disabled flag (a name is the person's own: they change it on their account page)", authz.ManageUsers),
		func(ctx context.Context, in *memberPatch) (*Body[*aims.Member], error) {
			m, err := h.svc.UpdateMember(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Member]{Body: m}, nil
		})
}
