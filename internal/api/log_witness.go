package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

type witnessInput struct {
	Body struct {
		URL         string `json:"url" doc:"The witness's URL prefix; aims posts checkpoints to URL/add-checkpoint (c2sp.org/tlog-witness)" example:"https://witness.example.com"`
		VerifierKey string `json:"verifier_key" doc:"The witness's verifier key, name+hash+base64 (from 'aims witness key'); its name names the witness"`
	}
}

type logSettingsInput struct {
	Body aims.LogSettings
}

func (h *Handlers) registerLogWitnesses(api huma.API) {
	const tag = "Tamper-evident log"
	huma.Register(api, operation(http.MethodGet, "/log/witnesses", "list-log-witnesses", tag,
		"List the witnesses that cosign the log's checkpoints, with what each last answered", authz.ReadLog),
		func(ctx context.Context, _ *struct{}) (*Body[[]*aims.LogWitness], error) {
			ws, err := h.svc.ListLogWitnesses(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			if ws == nil {
				ws = []*aims.LogWitness{}
			}
			return &Body[[]*aims.LogWitness]{Body: ws}, nil
		})
	add := operation(http.MethodPost, "/log/witnesses", "add-log-witness", tag,
		"Add a witness: each new checkpoint is submitted to it and its cosignature kept", authz.ManageSettings)
	add.DefaultStatus = http.StatusCreated
	add.Description += " A witness named like its key's name already configured is a 409."
	huma.Register(api, add, func(ctx context.Context, in *witnessInput) (*Body[*aims.LogWitness], error) {
		w, err := h.svc.AddLogWitness(ctx, &aims.LogWitness{URL: in.Body.URL, VerifierKey: in.Body.VerifierKey})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.LogWitness]{Body: w}, nil
	})
	del := operation(http.MethodDelete, "/log/witnesses/{id}", "remove-log-witness", tag,
		"Stop submitting checkpoints to a witness (its cosignatures stay)", authz.ManageSettings)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.RemoveLogWitness(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/log/settings", "get-log-settings", tag,
		"Get the log's settings", authz.ReadLog),
		func(ctx context.Context, _ *struct{}) (*Body[*aims.LogSettings], error) {
			s, err := h.svc.LogSettings(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.LogSettings]{Body: s}, nil
		})
	put := operation(http.MethodPut, "/log/settings", "set-log-settings", tag,
		"Change the log's settings", authz.ManageSettings)
	put.Description += " public_checkpoints serves /log/{org}/checkpoint and the hash tiles without a token, so that monitors can follow the log; entry bundles, proofs and records stay private."
	huma.Register(api, put, func(ctx context.Context, in *logSettingsInput) (*Body[*aims.LogSettings], error) {
		s, err := h.svc.SetLogSettings(ctx, &in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.LogSettings]{Body: s}, nil
	})
}
