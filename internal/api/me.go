package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Me is the caller as the API sees it.
type Me struct {
	ID           string          `json:"id" doc:"The caller's user id"`
	Email        string          `json:"email,omitempty" doc:"The member's email; absent for a token limited to scopes (a gateway or log reader has no need of it)"`
	Name         string          `json:"name,omitempty" doc:"The member's name; absent for a token limited to scopes"`
	Role         aims.Role       `json:"role" doc:"The caller's role in this organization"`
	Permissions  []string        `json:"permissions" doc:"What the role allows"`
	Organization OrganizationRef `json:"organization"`
	TokenID      string          `json:"token_id,omitempty" doc:"Set when the caller used an API token"`
	Scopes       []string        `json:"scopes,omitempty" doc:"The API token's scopes, when it is limited to them"`
}

// OrganizationRef names an organization.
type OrganizationRef struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

func (h *Handlers) registerMe(api huma.API) {
	huma.Register(api, operation(http.MethodGet, "/me", "get-me", "Accounts", "Who am I (any authenticated caller, even a narrowly scoped token)"),
		func(ctx context.Context, _ *struct{}) (*Body[Me], error) {
			p := authz.PrincipalFrom(ctx)
			org, err := h.svc.OwnOrganization(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			var perms []string
			for _, q := range authz.Permissions() {
				if p.Can(q) { // the role's permissions, narrowed by a token's scopes
					perms = append(perms, string(q))
				}
			}
			me := Me{ID: p.UserID, Email: p.Email, Name: p.Name, Role: p.Role, Permissions: perms,
				Organization: OrganizationRef{ID: org.ID, Slug: org.Slug, Name: org.Name}, TokenID: p.TokenID, Scopes: p.Scopes}
			if len(p.Scopes) > 0 {
				// A scoped token (an edge gateway, a log reader) sits on
				// machines its member does not watch: it learns who it is,
				// not the member's personal data.
				me.Email, me.Name = "", ""
			}
			return &Body[Me]{Body: me}, nil
		})
}
