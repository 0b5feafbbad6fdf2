package api_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

func init() {
	addOpCases(map[string]opCase{
		// Invitations are the admins' business: they show who is being
		// asked to join.
		"list-invitations": {allowed: admins, prepare: noParams, success: 200},
		"revoke-invitation": {allowed: admins, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			ctx := service.OperatorContext(context.Background(), o.Org, "test")
			inv, err := e.svc.InviteMember(ctx, aims.NewInvitation{Email: newMemberEmail(), Role: aims.RoleViewer})
			if err != nil {
				t.Fatal(err)
			}
			return map[string]string{"id": inv.ID}, nil
		}},
	})
}
