package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/indicator"
)

func (ui *UI) registerObjectives(r chi.Router) {
	crud[aims.Objective]{
		path: "/objectives", noun: "objective", plural: "objectives",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.Objective, int, bool, error) {
			f := aims.ObjectiveFilter{Search: q.Get("q"), Measure: aims.MeasureKind(q.Get("measure")), Sort: q.Get("sort"), Page: page}
			list, total, err := ui.Svc.FindObjectives(ctx, f)
			return list, total, f.Search != "" || f.Measure != "", err
		},
		listPage: ObjectiveListPage,
		detail:   (*UI).objectiveDetail,
		find:     ui.Svc.FindObjectiveByID,
		key:      func(o *aims.Objective) (string, string) { return o.ID, o.Title },
		blank: func() *aims.Objective {
			return &aims.Objective{Comparison: aims.AtLeast, Cadence: aims.Monthly, Measure: aims.MeasureComputed}
		},
		read:   readObjective,
		create: ui.Svc.CreateObjective,
		update: func(ctx context.Context, o *aims.Objective) error {
			_, err := ui.Svc.UpdateObjective(ctx, o.ID, aims.ObjectiveUpdate{Title: &o.Title, Description: &o.Description,
				OwnerID: &o.OwnerID, Comparison: &o.Comparison, TargetValue: o.TargetValue, Unit: &o.Unit, DueDate: o.DueDate,
				Cadence: &o.Cadence, Resources: &o.Resources, Evaluation: &o.Evaluation, Measure: &o.Measure, Indicator: &o.Indicator})
			return err
		},
		delete: ui.Svc.DeleteObjective,
		form: func(ui *UI, r *http.Request, p Page, f formState[aims.Objective]) (templ.Component, error) {
			owners, err := ui.memberOptions(r, f.Record.OwnerID, false)
			if err != nil {
				return nil, err
			}
			return ObjectiveFormPage(p, objectiveForm{formState: f, Owners: owners}), nil
		},
	}.routes(ui, r)
	r.Post("/objectives/{id}/measure", ui.handle(ui.objectiveMeasure))
	r.Post("/objectives/{id}/measurements", ui.handle(ui.objectiveRecord))
	r.Get("/indicators", ui.handle(ui.indicatorList))
}

// readObjective reads the posted form; a target or due date that is not a
// number or a date is an error on its field.
func readObjective(id string, f url.Values) (*aims.Objective, error) {
	var v aims.Validation
	o := &aims.Objective{ID: id, Title: f.Get("title"), Description: f.Get("description"), OwnerID: f.Get("owner_id"),
		Comparison: aims.Comparison(f.Get("comparison")), Unit: f.Get("unit"), Cadence: aims.Cadence(f.Get("cadence")),
		Resources: f.Get("resources"), Evaluation: f.Get("evaluation"), Measure: aims.MeasureKind(f.Get("measure")),
		Indicator: aims.IndicatorName(f.Get("indicator"))}
	o.TargetValue = formNumber(&v, f, "target_value")
	o.DueDate = formDate(&v, f, "due_date")
	return o, v.Err()
}

// formNumber reads a number field; empty is nil.
func formNumber(v *aims.Validation, f url.Values, name string) *float64 {
	s := strings.TrimSpace(f.Get(name))
	if s == "" {
		return nil
	}
	x, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		v.Add(name, "write a number, such as 95 or 2.5")
		return nil
	}
	return &x
}

// objectiveForm is the create and edit form of an objective.
type objectiveForm struct {
	formState[aims.Objective]
	Owners []option
}

// Action is where the form posts.
func (f objectiveForm) Action() string {
	if f.New {
		return "/objectives/new"
	}
	return "/objectives/" + f.Record.ID + "/edit"
}

// Target is the target value as typed.
func (f objectiveForm) Target() string {
	if f.Posted != nil {
		return f.Posted.Get("target_value")
	}
	if f.Record.TargetValue == nil {
		return ""
	}
	return number(*f.Record.TargetValue)
}

// Due is the due date as typed.
func (f objectiveForm) Due() string {
	if f.Posted != nil {
		return f.Posted.Get("due_date")
	}
	if f.Record.DueDate == nil {
		return ""
	}
	return f.Record.DueDate.String()
}

// objectiveView is an objective's page: the objective, its history and
// chart, and the form to record a value by hand.
type objectiveView struct {
	Objective    *aims.Objective
	Measurements []*aims.Measurement
	Chart        chart
	Definition   indicator.Definition
	Errors       formErrors
	Posted       url.Values
}

func (ui *UI) objectiveDetail(w http.ResponseWriter, r *http.Request, o *aims.Objective) error {
	return ui.renderObjective(w, r, http.StatusOK, o, nil, nil)
}

func (ui *UI) renderObjective(w http.ResponseWriter, r *http.Request, status int, o *aims.Objective, errs formErrors, posted url.Values) error {
	list, err := ui.Svc.FindMeasurements(r.Context(), o.ID)
	if err != nil {
		return err
	}
	v := objectiveView{Objective: o, Measurements: list, Chart: chartOf(o, list), Errors: errs, Posted: posted}
	for _, d := range indicator.Definitions() {
		if d.Name == o.Indicator {
			v.Definition = d
		}
	}
	return render(w, r, status, ObjectivePage(ui.page(r, o.Title, "objectives"), v))
}

// objectiveMeasure measures a computed objective now.
func (ui *UI) objectiveMeasure(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	m, err := ui.Svc.MeasureObjective(r.Context(), id)
	if err != nil {
		return err
	}
	return ui.done(w, r, "Measured: "+number(m.Value)+".", "/objectives/"+id)
}

// objectiveRecord records a value entered by hand; a refused value shows
// the page again with the errors next to the fields.
func (ui *UI) objectiveRecord(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	id := chi.URLParam(r, "id")
	var v aims.Validation
	m := &aims.Measurement{Evidence: r.PostForm.Get("evidence"), Note: r.PostForm.Get("note")}
	value := formNumber(&v, r.PostForm, "value")
	if value == nil && v.OK() {
		v.Add("value", "give the measured value as a number")
	}
	err := v.Err()
	if value != nil {
		m.Value = *value
		if err == nil {
			err = ui.Svc.RecordMeasurement(ctx, id, m)
		}
	}
	if fe, ok := fieldErrors(err); ok {
		o, ferr := ui.Svc.FindObjectiveByID(ctx, id)
		if ferr != nil {
			return ferr
		}
		return ui.renderObjective(w, r, errorStatus(err), o, fe, r.PostForm)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Recorded: "+number(m.Value)+".", "/objectives/"+id)
}

// indicatorList shows every indicator's definition and its value now.
func (ui *UI) indicatorList(w http.ResponseWriter, r *http.Request) error {
	list, err := ui.Svc.ComputeIndicators(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, IndicatorListPage(ui.page(r, "Indicators", "objectives"), list))
}

// number writes a value without trailing zeros: 95, 66.7.
func number(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// valueWithUnit writes a value in its unit: "66.7 %", "3 actions".
func valueWithUnit(x float64, unit string) string {
	if unit == "%" {
		return number(x) + " %"
	}
	return number(x) + " " + unit
}

// targetText writes an objective's target: "At least 95 %".
func targetText(o *aims.Objective) string {
	if o.TargetValue == nil {
		return "—"
	}
	return o.Comparison.Title() + " " + valueWithUnit(*o.TargetValue, o.Unit)
}

// objectiveBadge is the class of a status badge; the badge always shows
// the status in words as well.
func objectiveBadge(s aims.ObjectiveStatus) string {
	switch s {
	case aims.OnTrack:
		return "badge ok"
	case aims.AtRisk:
		return "badge warn"
	case aims.OffTrack:
		return "badge danger"
	}
	return "badge muted"
}

// inputWords turns an indicator's input count name into words.
func inputWords(name string) string { return aims.InputTitle(name) }

// chart is the history of an objective as a small SVG line chart: the
// values as a line of points, the target as a dashed line.
type chart struct {
	Width, Height int
	Points        []chartPoint
	Line          string // the polyline's points
	TargetY       float64
	HasTarget     bool
	Top, Bottom   string // the value axis's labels
	First, Last   string // the time axis's labels
	Label         string // what the chart shows, for screen readers
}

type chartPoint struct {
	X, Y  float64
	Met   bool
	Title string
}

// chartOf draws the measurements (oldest first) against the target.
func chartOf(o *aims.Objective, list []*aims.Measurement) chart {
	c := chart{Width: 560, Height: 200}
	if len(list) == 0 {
		return c
	}
	const left, right, top, bottom = 48.0, 12.0, 12.0, 28.0
	lo, hi := list[0].Value, list[0].Value
	for _, m := range list {
		lo, hi = math.Min(lo, m.Value), math.Max(hi, m.Value)
	}
	if o.TargetValue != nil {
		lo, hi = math.Min(lo, *o.TargetValue), math.Max(hi, *o.TargetValue)
	}
	if o.Unit == "%" {
		lo, hi = math.Min(lo, 0), math.Max(hi, 100)
	} else {
		lo = math.Min(lo, 0)
	}
	if hi == lo {
		hi = lo + 1
	}
	t0, t1 := list[0].MeasuredAt, list[len(list)-1].MeasuredAt
	span := t1.Sub(t0).Seconds()
	w, h := float64(c.Width)-left-right, float64(c.Height)-top-bottom
	y := func(v float64) float64 { return math.Round((top+h-(v-lo)/(hi-lo)*h)*10) / 10 }
	var pts []string
	for i, m := range list {
		x := left + w/2
		if span > 0 {
			x = left + m.MeasuredAt.Sub(t0).Seconds()/span*w
		} else if len(list) > 1 {
			x = left + float64(i)/float64(len(list)-1)*w
		}
		x = math.Round(x*10) / 10
		p := chartPoint{X: x, Y: y(m.Value), Met: m.Met, Title: m.MeasuredAt.Format(aims.DateLayout) + ": " + valueWithUnit(m.Value, o.Unit)}
		c.Points = append(c.Points, p)
		pts = append(pts, fmt.Sprintf("%g,%g", p.X, p.Y))
	}
	c.Line = strings.Join(pts, " ")
	if o.TargetValue != nil {
		c.HasTarget, c.TargetY = true, y(*o.TargetValue)
	}
	c.Top, c.Bottom = valueWithUnit(hi, o.Unit), valueWithUnit(lo, o.Unit)
	c.First, c.Last = t0.Format(aims.DateLayout), t1.Format(aims.DateLayout)
	last := list[len(list)-1]
	c.Label = fmt.Sprintf("%d measurements from %s to %s; the latest is %s, the target %s.", len(list), c.First, c.Last,
		valueWithUnit(last.Value, o.Unit), strings.ToLower(targetText(o)))
	return c
}

// canMeasure reports whether the page's person may record measurements.
func canMeasure(p Page) bool { return p.Can(authz.Edit) }
