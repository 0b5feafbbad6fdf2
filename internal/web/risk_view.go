package web

import (
	"strconv"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// orOrganization names a risk's AI system, or the organization.
func orOrganization(r *aims.Risk) string {
	if r.SystemID == "" {
		return "The organization"
	}
	return r.SystemName
}

// treatmentTitle names a treatment option, or says none is chosen.
func treatmentTitle(o aims.TreatmentOption) string {
	if o == "" {
		return "—"
	}
	return o.Title()
}

// cellLabel says what a heat map cell holds, for screen readers.
func cellLabel(c service.HeatCell) string {
	level := "no level"
	if c.Level != nil {
		level = c.Level.Name
	}
	return "likelihood " + strconv.Itoa(c.Likelihood) + ", consequence " + strconv.Itoa(c.Consequence) + ": " + level + ", " +
		plural(len(c.Risks), "risk", "risks")
}

// riskStatusOptions are the statuses a person may set; accepted only
// stays when the risk is accepted already.
func riskStatusOptions(cur aims.RiskStatus) []option {
	var out []option
	for _, s := range aims.RiskStatusValues() {
		if s == aims.RiskAccepted && cur != aims.RiskAccepted {
			continue
		}
		out = append(out, option{Value: string(s), Label: s.Title(), Selected: s == cur})
	}
	return out
}

// levelOptions lists the criteria's levels for a select.
func levelOptions(c *aims.RiskCriteria, selected string) []option {
	out := make([]option, len(c.Levels))
	for i, l := range c.Levels {
		out[i] = option{Value: l.Key, Label: l.Name, Selected: l.Key == selected}
	}
	return out
}
