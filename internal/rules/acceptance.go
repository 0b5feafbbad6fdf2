package rules

import (
	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Acceptor is a person who would accept (retain) a risk.
type Acceptor struct {
	Role aims.Role
	// IsRiskOwner is true when the person owns the risk.
	IsRiskOwner bool
}

// AcceptanceDecision is whether a person may accept a risk, and why not.
type AcceptanceDecision struct {
	Allowed       bool
	AboveAppetite bool
	// Reason says, when not allowed, who may accept instead or what to do.
	Reason string
}

// MayAccept decides whether who may accept a risk of level key under
// criteria c (ISO/IEC 42001 6.1.3: residual risks are accepted by those
// with the authority): the level's authority says whether the risk owner
// may, only someone who gives approvals (an AIMS manager or an
// administrator), or nobody. A level above the appetite never accepts a
// mere owner, whatever the criteria say. Roles that write nothing accept
// nothing.
func MayAccept(c *aims.RiskCriteria, key string, who Acceptor) AcceptanceDecision {
	lvl := c.Level(key)
	above := AboveAppetite(c, key)
	if lvl == nil {
		return AcceptanceDecision{AboveAppetite: above,
			Reason: "level " + key + " is not in the current risk criteria: assess the risk again before accepting it"}
	}
	authority := lvl.AcceptBy
	if above && authority == aims.AcceptByOwner {
		authority = aims.AcceptByManager
	}
	approver := authz.Can(who.Role, authz.Approve)
	writer := authz.Can(who.Role, authz.Edit) || authz.Can(who.Role, authz.EditOwned)
	d := AcceptanceDecision{AboveAppetite: above}
	switch authority {
	case aims.AcceptByNobody:
		d.Reason = "a " + lvl.Name + " risk cannot be accepted under the risk criteria: treat it until its residual level is lower"
	case aims.AcceptByManager:
		d.Allowed = approver
		d.Reason = "accepting a " + lvl.Name + " risk needs an AIMS manager"
		if above {
			d.Reason += " (it is above the risk appetite, " + c.Appetite + ")"
		}
	case aims.AcceptByOwner:
		d.Allowed = approver || (who.IsRiskOwner && writer)
		d.Reason = "a " + lvl.Name + " risk is accepted by its owner or an AIMS manager"
	}
	if d.Allowed {
		d.Reason = ""
	}
	return d
}
