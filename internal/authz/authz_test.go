package authz_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// TestDocsRoleMatrix checks that the permission matrix of docs/roles.md is the
// role table in code.
func TestDocsRoleMatrix(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "roles.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Roles\n")
	if !ok {
		t.Fatal("docs/roles.md has no Roles section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var roles []aims.Role
	seen := map[authz.Permission]bool{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		switch {
		case len(cells) > 1 && cells[0] == "Permission":
			for _, c := range cells[1:] {
				roles = append(roles, aims.Role(c))
			}
		case len(cells) == len(roles)+1 && roles != nil && !strings.HasPrefix(cells[0], "-"):
			p := authz.Permission(cells[0])
			seen[p] = true
			for i, r := range roles {
				if got, want := cells[i+1] == "yes", authz.Can(r, p); got != want {
					t.Errorf("docs/roles.md says %s has %s: %v; the code says %v", r, p, got, want)
				}
			}
		}
	}
	if strings.Join(toStrings(roles), ",") != strings.Join(toStrings(aims.RoleValues()), ",") {
		t.Errorf("docs/roles.md's role columns %v, want %v", roles, aims.RoleValues())
	}
	for _, p := range authz.Permissions() {
		if !seen[p] {
			t.Errorf("docs/roles.md's role matrix has no row for %s", p)
		}
	}
}

func toStrings[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// TestAuthorizeSystemEdit checks who may change an AI system: anyone with
// edit, and a system owner only the systems they own.
func TestAuthorizeSystemEdit(t *testing.T) {
	as := func(role aims.Role) context.Context {
		return authz.WithPrincipal(context.Background(), &authz.Principal{UserID: "me", OrgID: "org", Role: role})
	}
	for _, c := range []struct {
		role  aims.Role
		owner string
		want  aims.ErrorKind // "" when allowed
	}{
		{aims.RoleAdmin, "someone", ""},
		{aims.RoleAIMSManager, "someone", ""},
		{aims.RoleContributor, "someone", ""},
		{aims.RoleSystemOwner, "me", ""},
		{aims.RoleSystemOwner, "someone", aims.KindForbidden},
		{aims.RoleSystemOwner, "", aims.KindForbidden},
		{aims.RoleAuditor, "me", aims.KindForbidden},
		{aims.RoleViewer, "me", aims.KindForbidden},
	} {
		scope, _, err := authz.AuthorizeSystemEdit(as(c.role), c.owner, "change this system")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s on a system of %q: %v, want allowed", c.role, c.owner, err)
		case c.want == "" && scope.OrgID() != "org":
			t.Errorf("%s: scope of %q, want the caller's organization", c.role, scope.OrgID())
		case c.want != "" && aims.KindOf(err) != c.want:
			t.Errorf("%s on a system of %q: %v, want %s", c.role, c.owner, err, c.want)
		}
	}
	if _, _, err := authz.AuthorizeSystemEdit(context.Background(), "me", "change this system"); !aims.IsKind(err, aims.KindUnauthenticated) {
		t.Errorf("without a caller: %v, want unauthenticated", err)
	}
}
