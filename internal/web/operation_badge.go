package web

import "github.com/aimsproject/aims/internal/aims"

// refusalWord names why the edge is told no in one word a person reads
// right: "Stopped" only for a suspension, so that a system still at the
// idea stage is "Not deployed", not stopped.
func refusalWord(a *aims.Authorization) string {
	switch a.Code {
	case aims.AuthzSystemSuspended, aims.AuthzVersionSuspended:
		return "Stopped"
	case aims.AuthzSystemNotDeployed:
		return "Not deployed"
	case aims.AuthzVersionUnknown, aims.AuthzVersionNotApproved:
		return "Not approved"
	case aims.AuthzGateReopened:
		return "Gate re-opened"
	}
	return "Refused"
}

// refusalBadge is the badge class of a refusal: a warning for a stop or a
// missing approval, muted for a system that is not deployed yet.
func refusalBadge(a *aims.Authorization) string {
	if a.Code == aims.AuthzSystemNotDeployed {
		return "badge muted"
	}
	return "badge warn"
}
