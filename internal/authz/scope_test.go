package authz_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func TestScopesLimitTokens(t *testing.T) {
	t.Parallel()
	full := &authz.Principal{OrgID: "o", Role: aims.RoleAdmin, TokenID: "t"}
	reader := &authz.Principal{OrgID: "o", Role: aims.RoleAdmin, TokenID: "t", Scopes: []string{aims.ScopeLogRead}}
	viewerReader := &authz.Principal{OrgID: "o", Role: aims.RoleViewer, TokenID: "t", Scopes: []string{aims.ScopeLogRead}}
	for _, c := range []struct {
		name string
		p    *authz.Principal
		perm authz.Permission
		want bool
	}{
		{"a token without scopes has its role", full, authz.Edit, true},
		{"a log reader reads the log", reader, authz.ReadLog, true},
		{"a log reader reads nothing else", reader, authz.Read, false},
		{"a log reader writes nothing", reader, authz.Edit, false},
		{"a log reader manages no tokens", reader, authz.ManageTokens, false},
		{"a scope never exceeds the role", viewerReader, authz.ReadLog, true},
		{"a viewer's log reader cannot read the audit trail", viewerReader, authz.ReadAudit, false},
	} {
		if got := c.p.Can(c.perm); got != c.want {
			t.Errorf("%s: Can(%s) = %v", c.name, c.perm, got)
		}
		ctx := authz.WithPrincipal(context.Background(), c.p)
		_, _, err := authz.Authorize(ctx, c.perm, "do it")
		if (err == nil) != c.want {
			t.Errorf("%s: Authorize = %v", c.name, err)
		}
	}
	if _, _, err := authz.AuthorizeSystemEdit(authz.WithPrincipal(context.Background(), reader), "", "edit"); !aims.IsKind(err, aims.KindForbidden) {
		t.Errorf("a log reader may edit systems: %v", err)
	}
	if !authz.KnownScope(aims.ScopeLogRead) || authz.KnownScope("log:write") {
		t.Error("KnownScope")
	}
}
