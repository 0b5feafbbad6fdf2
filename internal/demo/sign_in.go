package demo

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// SeedSignIn prepares the demo organization's sign-in settings as a
// governance lead would before connecting the company's identity
// provider: the group table and the default role are set, the provider is
// not switched on (the demo has none to reach), and local passwords stay.
func SeedSignIn(ctx context.Context, svc *service.Service) error {
	name, scopes, claim, def := "Kestrel Login", "openid email profile", "memberOf", aims.RoleViewer
	table := []aims.GroupRole{
		{Group: "aims-admins", Role: aims.RoleAdmin},
		{Group: "ai-governance", Role: aims.RoleAIMSManager},
		{Group: "plant-system-owners", Role: aims.RoleSystemOwner},
		{Group: "internal-audit", Role: aims.RoleAuditor},
	}
	_, err := svc.UpdateSignInSettings(ctx, aims.SignInSettingsUpdate{DisplayName: &name, Scopes: &scopes, GroupClaim: &claim,
		GroupRoles: &table, DefaultRole: &def})
	return err
}
