package authn

import "github.com/aimsproject/aims/internal/aims"

// RoleForGroups returns the role that the first row of table naming one of
// groups gives, or def when none does (a group naming no mapped role gets
// the default role). Order is the admin's: the table is read from the top.
func RoleForGroups(groups []string, table []aims.GroupRole, def aims.Role) aims.Role {
	has := make(map[string]bool, len(groups))
	for _, g := range groups {
		has[g] = true
	}
	for _, r := range table {
		if has[r.Group] {
			return r.Role
		}
	}
	return def
}
