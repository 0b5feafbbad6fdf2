package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
)

// An AI system's stage is set by a recorded act (issue 17; docs/gates.md,
// "An AI system's stage").

// StageTransitionInput asks to move an AI system to another stage.
type StageTransitionInput struct {
	To             aims.LifecycleStage `json:"to" enum:"idea,design,development,verification_and_validation,deployed,suspended,retired"`
	Comment        string              `json:"comment,omitempty" maxLength:"2000"`
	OverrideReason string              `json:"override_reason,omitempty" maxLength:"2000" doc:"Into deployed only, an admin's reason to move the system although the system deployment gate's checks do not all hold; it flags the system"`
}

type stageTransitionCreate struct {
	ID   string `path:"id" doc:"The AI system's id"`
	Body StageTransitionInput
}

func (h *Handlers) registerSystemStages(api huma.API) {
	const tag = "AI systems"
	op := operation(http.MethodPost, "/systems/{id}/stage-transitions", "create-stage-transition", tag,
		"Move an AI system to another lifecycle stage", append(anyWrite, authz.Approve, authz.Suspend)...)
	op.Description = "An AI system's stage is set by this recorded act, not by an edit (a PATCH with another lifecycle_stage answers 409). " +
		"Into deployed (resuming from suspended included) needs the approve permission and passes the system deployment gate " +
		"(docs/gates.md), the caller's approval counting toward its approvals check: when a check fails it answers 409 naming the gate " +
		"and each failing check as a field gate/<kind>, unless an admin gives an override_reason (anyone else: 403), which is recorded " +
		"and flags the system (gate_override). Into suspended: the system's owner, an AIMS manager or an admin. Other stages: whoever " +
		"may edit the system. The act, the gate's checks' results and who did it are sealed in the log."
	op.DefaultStatus = http.StatusCreated
	huma.Register(api, op, func(ctx context.Context, in *stageTransitionCreate) (*Body[*aims.AISystem], error) {
		s, err := h.svc.TransitionSystemStage(ctx, in.ID, aims.NewStageTransition{To: in.Body.To, Comment: in.Body.Comment,
			OverrideReason: in.Body.OverrideReason})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.AISystem]{Body: s}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/stage-transitions", "list-stage-transitions", tag,
		"List the stage acts of an AI system, newest first", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[[]*aims.StageTransition], error) {
			list, err := h.svc.FindStageTransitions(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.StageTransition]{Body: list}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/gates", "get-system-deployment-gate", "Lifecycle gates",
		"Evaluate an AI system's deployment gate now, as the stage act into deployed would", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[gate.Result], error) {
			r, err := h.svc.SystemDeploymentGate(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[gate.Result]{Body: r}, nil
		})
}
