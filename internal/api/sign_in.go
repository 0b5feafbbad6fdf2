package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

type signInSettingsPatch struct {
	Body aims.SignInSettingsUpdate
}

// SessionsEnded says how many web sessions an admin ended.
type SessionsEnded struct {
	Ended int `json:"ended" doc:"How many web sessions of the member were ended"`
}

func (h *Handlers) registerSignIn(api huma.API) {
	const tag = "Sign-in"
	huma.Register(api, operation(http.MethodGet, "/settings/sign-in", "get-sign-in-settings", tag,
		"Get how people sign in to the organization (the client secret is never shown)", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[*aims.SignInSettings], error) {
			s, err := h.svc.FindSignInSettings(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.SignInSettings]{Body: s}, nil
		})
	patch := operation(http.MethodPatch, "/settings/sign-in", "update-sign-in-settings", tag,
		"Change how people sign in: the OpenID Connect provider, the group-to-role table, the default role, local passwords, the second factor", authz.ManageUsers)
	patch.Description += " Fields left out stay as they are. The client secret is written only: it is stored encrypted with the " +
		"instance's secret key, or kept as a reference env:NAME to an environment variable of the server. The default role may not " +
		"be admin; local passwords can be turned off only while the provider is on, and only with a break-glass admin named."
	huma.Register(api, patch, func(ctx context.Context, in *signInSettingsPatch) (*Body[*aims.SignInSettings], error) {
		s, err := h.svc.UpdateSignInSettings(ctx, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.SignInSettings]{Body: s}, nil
	})
	huma.Register(api, operation(http.MethodPost, "/users/{id}/sessions/end", "end-user-sessions", tag,
		"End every web session of a member in this organization (a lost laptop, a person leaving)", authz.ManageUsers),
		func(ctx context.Context, in *IDParam) (*Body[SessionsEnded], error) {
			n, err := h.svc.EndMemberSessions(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[SessionsEnded]{Body: SessionsEnded{Ended: n}}, nil
		})
}
