package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// decisionView is one decision's page: the event as sealed, and its lineage
// from the instruments behind its inputs, with their calibration at the
// time it was made (A.6.2.8, A.7.4, A.7.5).
type decisionView struct {
	System   *aims.AISystem
	Decision *aims.Decision
	Inputs   []decisionInput
	Lineage  lineageGraph
}

// decisionInput is one input of a decision: the tag name and the value.
type decisionInput struct{ Tag, Value string }

func (ui *UI) decisionDetail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	d, err := ui.Svc.FindDecisionByID(ctx, s.ID, chi.URLParam(r, "did"))
	if err != nil {
		return err
	}
	g, err := ui.Svc.DecisionLineage(ctx, s.ID, d.ID)
	if err != nil {
		return err
	}
	v := decisionView{System: s, Decision: d, Lineage: newLineageGraph("decision-lineage", g, s.ID,
		"Lineage of this decision: the instruments, tags and features behind its inputs, marked as they stood when it was made",
		"No lineage is recorded for this decision: its inputs name no declared tag.")}
	if ev := d.Event(); ev != nil {
		for tag, val := range ev.Inputs {
			v.Inputs = append(v.Inputs, decisionInput{Tag: tag, Value: string(val)})
		}
		slices.SortFunc(v.Inputs, func(a, b decisionInput) int { return strings.Compare(a.Tag, b.Tag) })
	} else {
		for _, tag := range d.InputTags {
			v.Inputs = append(v.Inputs, decisionInput{Tag: tag})
		}
	}
	return render(w, r, http.StatusOK, DecisionPage(ui.page(r, "Decision "+d.Source+" #"+itoa(int(d.Seq)), "systems"), v))
}
