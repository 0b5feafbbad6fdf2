package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Page is what the layout needs to draw any page.
type Page struct {
	Title     string
	Active    string // the navigation entry to mark current
	Principal *authz.Principal
	Flash     string
	Demo      bool
	Version   string
	// LogAlerts counts the unacknowledged tamper alerts, shown as a banner
	// to those who may read the audit trail.
	LogAlerts int
}

// Can reports whether the signed-in person holds perm; pages use it only to
// hide what the server would refuse anyway.
func (p Page) Can(perm authz.Permission) bool {
	return p.Principal != nil && authz.Can(p.Principal.Role, perm)
}

// CanEditSystem reports whether the person may change a system owned by
// ownerID.
func (p Page) CanEditSystem(ownerID string) bool {
	return p.Can(authz.Edit) || (p.Can(authz.EditOwned) && p.Principal.UserID == ownerID)
}

// RoleTitle is the person's role for the header.
func (p Page) RoleTitle() string {
	if p.Principal == nil {
		return ""
	}
	return aims.Role(p.Principal.Role).Title()
}

// viewer is the signed-in person as a Page, for the checks that hide what
// the server would refuse; unlike UI.page it leaves the flash message for
// the page that is drawn.
func viewer(r *http.Request) Page {
	return Page{Principal: authz.PrincipalFrom(r.Context())}
}
