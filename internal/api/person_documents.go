package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// registerPersonDocuments serves what the person page shows of documented
// information (7.3, 7.5).
func (h *Handlers) registerPersonDocuments(api huma.API) {
	op := operation(http.MethodGet, "/people/{id}/documents", "get-person-documents", "People",
		"Get the documents a person owns and the versions they acknowledged or have not yet", authz.Read)
	op.Description += " Documents are owned and acknowledged by accounts: for a person without one, has_account is false and the lists are empty."
	huma.Register(api, op, func(ctx context.Context, in *IDParam) (*Body[*aims.PersonDocuments], error) {
		d, err := h.svc.FindPersonDocuments(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.PersonDocuments]{Body: d}, nil
	})
}
