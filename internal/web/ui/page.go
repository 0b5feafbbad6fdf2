// Package ui is the page kit of the web pages: the layout and navigation,
// form inputs with their field errors, the pager, the picker, date and
// option helpers, formats for people and the log alert banner. It imports
// only aims, authz and templ (an architecture test says so): what needs a
// service stays in package web.
package ui

import (
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

// CanStopSystem reports whether the person may suspend or resume a system
// owned by ownerID (the service decides again).
func (p Page) CanStopSystem(ownerID string) bool {
	owner := p.Principal != nil && ownerID == p.Principal.UserID && (p.Can(authz.EditOwned) || p.Can(authz.Edit))
	return p.Can(authz.Suspend) || owner
}
