package api_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

func init() {
	addOpCases(map[string]opCase{
		// Every member may see how people sign in (the secret is never
		// shown); only admins change it or end a member's sessions.
		"get-sign-in-settings": {allowed: everyone, prepare: noParams, success: 200},
		"update-sign-in-settings": {allowed: admins, success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"default_role": "auditor", "totp_required": "admins"}
		}},
		"end-user-sessions": {allowed: admins, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return map[string]string{"id": o.members[aims.RoleViewer].ID}, nil
		}},
	})
}
