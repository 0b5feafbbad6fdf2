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

// MemberInput adds a person to the organization.
type MemberInput struct {
	Email    string    `json:"email" format:"email"`
	Name     string    `json:"name" maxLength:"200"`
	Role     aims.Role `json:"role" enum:"admin,aims_manager,system_owner,contributor,auditor,viewer"`
	Password string    `json:"password,omitempty" doc:"Required for a new account; an existing account (from another organization) keeps its password"`
}

type memberCreate struct {
	Body MemberInput
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
	create := operation(http.MethodPost, "/users", "create-user", tag, "Add a member", authz.ManageUsers)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *memberCreate) (*Body[*aims.Member], error) {
		m, err := h.svc.AddMember(ctx, aims.NewMember{Email: in.Body.Email, Name: in.Body.Name, Role: in.Body.Role, Password: in.Body.Password})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Member]{Body: m}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/users/{id}", "get-user", tag, "Get a member", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Member], error) {
			m, err := h.svc.FindMemberByID(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Member]{Body: m}, nil
		})
	huma.Register(api, operation(http.MethodPatch, "/users/{id}", "update-user", tag, "Change a member's name, role or disabled flag", authz.ManageUsers),
		func(ctx context.Context, in *memberPatch) (*Body[*aims.Member], error) {
			m, err := h.svc.UpdateMember(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Member]{Body: m}, nil
		})
}
