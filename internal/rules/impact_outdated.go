package rules

import (
	"slices"

	"github.com/aimsproject/aims/internal/aims"
)

// ImpactOutOfDate compares the system as it was when its impact assessment
// was signed off with the system now, and says why the assessment no
// longer holds (ISO/IEC 42001 6.1.4 and 8.4: assess again when the system
// changes significantly). The triggers: another model version deployed,
// the autonomy changed, the impact domains changed, or the scope changed
// (purpose, the organization's role, site, or AIMS scope). No reason means
// the assessment is current.
func ImpactOutOfDate(signedOff, now aims.SystemSnapshot) []string {
	var out []string
	if now.DeployedModelVersionID != "" && now.DeployedModelVersionID != signedOff.DeployedModelVersionID {
		r := "model version " + now.DeployedModelVersion + " was deployed after sign-off"
		if signedOff.DeployedModelVersion != "" {
			r += " (the assessment covers " + signedOff.DeployedModelVersion + ")"
		} else {
			r += " (no model version was deployed then)"
		}
		out = append(out, r)
	}
	if now.Autonomy != signedOff.Autonomy {
		out = append(out, "autonomy changed from “"+signedOff.Autonomy.Title()+"” to “"+now.Autonomy.Title()+"”")
	}
	if added, removed := setDiff(signedOff.ImpactDomains, now.ImpactDomains); len(added)+len(removed) > 0 {
		out = append(out, "impact domains changed"+listed("added", added, aims.ImpactDomain.Title)+listed("removed", removed, aims.ImpactDomain.Title))
	}
	if now.Purpose != signedOff.Purpose {
		out = append(out, "the purpose and intended use changed")
	}
	if added, removed := setDiff(signedOff.OperatorRoles, now.OperatorRoles); len(added)+len(removed) > 0 {
		title := func(r aims.OperatorRole) string { return string(r) }
		out = append(out, "the organization's role changed"+listed("added", added, title)+listed("removed", removed, title))
	}
	if now.Site != signedOff.Site {
		out = append(out, "the site changed from “"+signedOff.Site+"” to “"+now.Site+"”")
	}
	if now.InScope != signedOff.InScope {
		if now.InScope {
			out = append(out, "the system was brought into the AIMS scope")
		} else {
			out = append(out, "the system was taken out of the AIMS scope")
		}
	}
	return out
}

func setDiff[T ~string](before, after []T) (added, removed []T) {
	for _, x := range after {
		if !slices.Contains(before, x) {
			added = append(added, x)
		}
	}
	for _, x := range before {
		if !slices.Contains(after, x) {
			removed = append(removed, x)
		}
	}
	return added, removed
}

func listed[T ~string](what string, xs []T, title func(T) string) string {
	if len(xs) == 0 {
		return ""
	}
	s := "; " + what + ": "
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += title(x)
	}
	return s
}
