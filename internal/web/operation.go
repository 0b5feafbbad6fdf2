package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// The operator view of a system (issue 6): whether it may act now, the
// stop and resume buttons for those with the authority (A.9.2; EU AI Act
// Art. 14), its recent decisions, the override rate, and its lineage.

// registerOperation mounts the stop and resume forms.
func (ui *UI) registerOperation(r chi.Router) {
	r.Post("/systems/{id}/suspend", ui.handle(ui.systemSuspend))
	r.Post("/systems/{id}/resume", ui.handle(ui.systemResume))
}

// overrideDays is the span of the override-rate chart.
const overrideDays = 30

// operationView is what the operator panel shows.
type operationView struct {
	SystemID      string
	Authorization *aims.Authorization
	Suspensions   []*aims.Suspension // newest first
	Decisions     []*aims.Decision   // the most recent
	DecisionTotal int
	Chart         overrideChart
	CanStop       bool
	Versions      []*aims.ModelVersion
	Errors        formErrors
	Reason        string
	// Lineage is the system's lineage graph (instrument -> tag -> feature
	// -> model version -> decision), drawn by the lineage capability; nil
	// shows a placeholder where it goes.
	Lineage templ.Component
}

func (ui *UI) operationPanel(r *http.Request, s *aims.AISystem, versions []*aims.ModelVersion) (operationView, error) {
	ctx := r.Context()
	v := operationView{SystemID: s.ID, CanStop: viewer(r).CanStopSystem(s.OwnerID), Versions: versions}
	var err error
	if v.Authorization, err = ui.Svc.Authorization(ctx, s.ID, ""); err != nil {
		return v, err
	}
	if v.Suspensions, _, err = ui.Svc.FindSuspensions(ctx, s.ID, false, aims.Page{Limit: 10}); err != nil {
		return v, err
	}
	if v.Decisions, v.DecisionTotal, err = ui.Svc.FindDecisions(ctx, s.ID, aims.DecisionFilter{Page: aims.Page{Limit: 10}}); err != nil {
		return v, err
	}
	buckets, err := ui.Svc.DecisionOverrides(ctx, s.ID, overrideDays)
	if err != nil {
		return v, err
	}
	v.Chart = newOverrideChart(buckets)
	if v.Lineage, err = ui.deployedLineage(r, s, versions); err != nil {
		return v, err
	}
	return v, nil
}

// deployedLineage draws the lineage graph of the system's deployed model
// version (the most recently deployed, if several are), or says that none
// is deployed.
func (ui *UI) deployedLineage(r *http.Request, s *aims.AISystem, versions []*aims.ModelVersion) (templ.Component, error) {
	var dep *aims.ModelVersion
	for _, m := range versions {
		if m.Status == aims.ModelDeployed && (dep == nil || deployedAfter(m, dep)) {
			dep = m
		}
	}
	if dep == nil {
		return LineageGraph(newLineageGraph("operation-lineage", nil, s.ID, "",
			"No model version is deployed; the lineage of the deployed version is drawn here.")), nil
	}
	g, err := ui.Svc.ModelVersionLineage(r.Context(), s.ID, dep.ID)
	if err != nil {
		return nil, err
	}
	return LineageGraph(newLineageGraph("operation-lineage", g, s.ID,
		"Lineage of the deployed model version "+dep.Version+": instruments, tags, features and training datasets",
		"No lineage is recorded for the deployed model version "+dep.Version+": declare the features it consumes.")), nil
}

// deployedAfter reports whether a was deployed after b.
func deployedAfter(a, b *aims.ModelVersion) bool {
	if a.DeployedAt == nil || b.DeployedAt == nil {
		return a.DeployedAt != nil
	}
	return a.DeployedAt.After(*b.DeployedAt)
}

// openSuspensions are the suspensions in force.
func (v operationView) openSuspensions() []*aims.Suspension {
	var out []*aims.Suspension
	for _, s := range v.Suspensions {
		if s.Active() {
			out = append(out, s)
		}
	}
	return out
}

func (ui *UI) systemSuspend(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	in := aims.NewSuspension{Reason: r.PostFormValue("reason"), ModelVersionID: r.PostFormValue("model_version_id")}
	sp, err := ui.Svc.SuspendSystem(r.Context(), id, in)
	if fe, ok := fieldErrors(err); ok {
		return ui.systemPageWith(w, r, http.StatusUnprocessableEntity, func(v *systemView) { v.Operation.Errors, v.Operation.Reason = fe, in.Reason })
	}
	if err != nil {
		return err
	}
	what := "the AI system"
	if sp.ModelVersion != "" {
		what = "model version " + sp.ModelVersion
	}
	return ui.done(w, r, "Suspended "+what+": every authorization answer is now no.", "/systems/"+id+"#operation")
}

func (ui *UI) systemResume(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	sp, err := ui.Svc.ResumeSystem(r.Context(), id, aims.Resumption{ModelVersionID: r.PostFormValue("model_version_id"), Note: r.PostFormValue("note")})
	if fe, ok := fieldErrors(err); ok {
		return ui.systemPageWith(w, r, http.StatusConflict, func(v *systemView) { v.Operation.Errors = fe })
	}
	if err != nil {
		return err
	}
	what := "the AI system"
	if sp.ModelVersion != "" {
		what = "model version " + sp.ModelVersion
	}
	return ui.done(w, r, "Resumed "+what+".", "/systems/"+id+"#operation")
}

// overrideChart is the override rate per day as an SVG: a bar per day for
// the decisions made, the part a person overrode drawn over it, and the
// rate as a line. Presentation attributes only (no style attribute), so
// that the strict CSP allows it.
type overrideChart struct {
	Bars      []chartBar
	RateLine  string // polyline points
	Max       int
	Total     int
	Overrides int
	From, To  string
}

type chartBar struct {
	X, Y, H, OY, OH string // decisions bar, overridden bar
	Title           string
}

const (
	chartW, chartH = 600, 120
)

func newOverrideChart(bs []aims.OverrideBucket) overrideChart {
	c := overrideChart{}
	for _, b := range bs {
		c.Max = max(c.Max, b.Decisions)
		c.Total += b.Decisions
		c.Overrides += b.Overridden
	}
	if len(bs) == 0 {
		return c
	}
	c.From, c.To = bs[0].Start.Format("2 Jan"), bs[len(bs)-1].Start.Format("2 Jan")
	slot := float64(chartW) / float64(len(bs))
	scale := func(n int) float64 {
		if c.Max == 0 {
			return 0
		}
		return float64(n) / float64(c.Max) * chartH
	}
	var pts []string
	for i, b := range bs {
		h, oh := scale(b.Decisions), scale(b.Overridden)
		x := float64(i)*slot + 1
		bar := chartBar{X: f1(x), Y: f1(chartH - h), H: f1(h), OY: f1(chartH - oh), OH: f1(oh),
			Title: fmt.Sprintf("%s: %d decisions, %d overridden, %d approved", b.Start.Format("2 Jan 2006"), b.Decisions, b.Overridden, b.Approved)}
		c.Bars = append(c.Bars, bar)
		if b.Decisions > 0 {
			rate := float64(b.Overridden) / float64(b.Decisions)
			pts = append(pts, f1(x+slot/2)+","+f1(chartH-rate*chartH))
		}
	}
	c.RateLine = strings.Join(pts, " ")
	return c
}

// BarWidth is the width of a day's bar.
func (c overrideChart) BarWidth() string { return f1(float64(chartW)/float64(max(len(c.Bars), 1)) - 2) }

// Rate is the overall override rate, for the caption.
func (c overrideChart) Rate() string {
	if c.Total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f %%", float64(c.Overrides)/float64(c.Total)*100)
}

func f1(x float64) string { return fmt.Sprintf("%.1f", x) }

// stopTargets lists what a suspension may stop: the system, or one of its
// model versions.
func stopTargets(versions []*aims.ModelVersion) []option {
	opts := []option{{Value: "", Label: "The whole system"}}
	for _, m := range versions {
		opts = append(opts, option{Value: m.ID, Label: "Model version " + m.Version + " (" + m.Status.Title() + ")"})
	}
	return opts
}

// authorizedAttr marks the authorization state for tests and styles.
func authorizedAttr(a *aims.Authorization) string {
	if a.Authorized {
		return "yes"
	}
	return "no"
}
