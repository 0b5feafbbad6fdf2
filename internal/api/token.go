package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

type tokenList struct {
	PageParams
	UserID         string `query:"user_id"`
	IncludeRevoked bool   `query:"include_revoked"`
}

// TokenInput asks for an API token.
type TokenInput struct {
	Name      string     `json:"name" maxLength:"100" doc:"What the token is for, e.g. 'CI pipeline'"`
	UserID    string     `json:"user_id,omitempty" doc:"The member the token acts as (with their role); defaults to the caller"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"When the token stops working; never when empty"`
	Scopes    []string   `json:"scopes,omitempty" doc:"Limits the token to what these scopes grant (e.g. log:read: read the tamper-evident log and nothing else; decisions:write and authorization:read: an edge gateway's); empty means the member's full role"`
	Systems   []string   `json:"systems,omitempty" doc:"Limits the token to these AI systems (ids); only with the scopes decisions:write and authorization:read"`
}

// NewTokenOutput carries the secret, shown this once.
type NewTokenOutput struct {
	Token  string     `json:"token" doc:"The secret: send it as 'Authorization: Bearer TOKEN'. It is shown only now."`
	Record aims.Token `json:"record"`
}

type tokenCreate struct {
	Body TokenInput
}

func (h *Handlers) registerTokens(api huma.API) {
	const tag = "Accounts"
	huma.Register(api, operation(http.MethodGet, "/tokens", "list-tokens", tag, "List API tokens (admins see all; others their own)", authz.Read),
		func(ctx context.Context, in *tokenList) (*PageOutput[*aims.Token], error) {
			list, total, err := h.svc.FindTokens(ctx, aims.TokenFilter{UserID: in.UserID, IncludeRevoked: in.IncludeRevoked, Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, "/tokens", "create-token", tag, "Create an API token", authz.ManageTokens)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *tokenCreate) (*Body[NewTokenOutput], error) {
		secret, t, err := h.svc.CreateToken(ctx, aims.NewToken{UserID: in.Body.UserID, Name: in.Body.Name, ExpiresAt: in.Body.ExpiresAt, Scopes: in.Body.Scopes, Systems: in.Body.Systems})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[NewTokenOutput]{Body: NewTokenOutput{Token: secret, Record: *t}}, nil
	})
	del := operation(http.MethodDelete, "/tokens/{id}", "revoke-token", tag, "Revoke an API token", authz.ManageTokens)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if _, err := h.svc.RevokeToken(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}
