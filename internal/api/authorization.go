package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Stop authority and edge authorization (A.9.2; EU AI Act Art. 14 and
// 26(5)): the owner of a system, an AIMS manager or an admin stops it; an
// edge gateway asks before every action whether it may act.

type authorizationParams struct {
	IDParam
	ModelVersion string `query:"model_version" doc:"The model version about to act: its label, its digest (sha256:…) or its id. Leave out to ask about the system alone."`
}

type suspend struct {
	IDParam
	Body aims.NewSuspension
}

type resume struct {
	IDParam
	Body aims.Resumption
}

type suspensionList struct {
	IDParam
	PageParams
	Open bool `query:"open" doc:"Only the suspensions in force"`
}

// stopPerms are those of a system's owner (who may stop their own system)
// and of AIMS managers and admins (who may stop any): the service decides
// per system.
var stopPerms = []authz.Permission{authz.Suspend, authz.EditOwned, authz.Edit}

func (h *Handlers) registerAuthorization(api huma.API) {
	const tag = "Stop authority"
	get := operation(http.MethodGet, "/systems/{id}/authorization", "get-authorization", tag,
		"Ask whether an AI system and a model version may act now", authz.ReadAuthorization)
	get.Description += " authorized is true when the system is deployed and not suspended and, when a model version is named, " +
		"the system has it, it is approved or deployed, and it is not suspended; otherwise code and reason say why. " +
		"Edge gateways call it before every action with a token limited to `authorization:read` (and `decisions:write`) " +
		"for their systems; the answer comes from memory, and a suspension flips it on every replica within a second."
	huma.Register(api, get, func(ctx context.Context, in *authorizationParams) (*Body[*aims.Authorization], error) {
		a, err := h.svc.Authorization(ctx, in.ID, in.ModelVersion)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Authorization]{Body: a}, nil
	})

	sus := operation(http.MethodPost, "/systems/{id}/suspend", "suspend-system", tag,
		"Suspend an AI system, or one of its model versions", stopPerms...)
	sus.Description += " The system's owner, an AIMS manager or an admin may. From the commit on, every authorization answer for it is no, " +
		"with the reason given here; the stop is recorded in the audit trail and, when MQTT is configured, published as a retained message " +
		"on aims/{org}/{system}/authorization. Suspended already: 409."
	sus.DefaultStatus = http.StatusCreated
	huma.Register(api, sus, func(ctx context.Context, in *suspend) (*Body[*aims.Suspension], error) {
		sp, err := h.svc.SuspendSystem(ctx, in.ID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Suspension]{Body: sp}, nil
	})

	res := operation(http.MethodPost, "/systems/{id}/resume", "resume-system", tag,
		"Resume a suspended AI system, or one of its model versions", stopPerms...)
	res.Description += " Needs the same authority as the suspension, and is recorded. Not suspended: 409."
	huma.Register(api, res, func(ctx context.Context, in *resume) (*Body[*aims.Suspension], error) {
		sp, err := h.svc.ResumeSystem(ctx, in.ID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Suspension]{Body: sp}, nil
	})

	huma.Register(api, operation(http.MethodGet, "/systems/{id}/suspensions", "list-suspensions", tag,
		"List an AI system's suspensions and resumptions, newest first", authz.Read),
		func(ctx context.Context, in *suspensionList) (*PageOutput[*aims.Suspension], error) {
			list, total, err := h.svc.FindSuspensions(ctx, in.ID, in.Open, in.page())
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
}
