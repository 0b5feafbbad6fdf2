package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// The decisions of one AI system, filtered and paged: the page of the API's
// GET /api/v1/systems/{id}/decisions (A.6.2.8 event logs; EU AI Act Art. 12
// and 26(6)), with the CSV export of the same selection.

// registerDecisions mounts a system's decision list and a decision's page.
func (ui *UI) registerDecisions(r chi.Router) {
	r.Get("/systems/{id}/decisions", ui.handle(ui.decisionList))
	r.Get("/systems/{id}/decisions/{did}", ui.handle(ui.decisionDetail))
}

// decisionListView is what the decisions page shows.
type decisionListView struct {
	System    *aims.AISystem
	Decisions []*aims.Decision
	Pager     Pager
	Query     url.Values
	Versions  []option
	Humans    []option
	Filtered  bool
	ExportURL string
	Errors    formErrors
}

func (ui *UI) decisionList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f, val := decisionFilterOf(q)
	f.Page = pageParams(r, listPerPage)
	v := decisionListView{System: s, Query: q, Filtered: f.Since != nil || f.Until != nil || f.ModelVersion != "" || f.Source != "" || f.Human != ""}
	versions, _, err := ui.Svc.FindModelVersions(ctx, s.ID, aims.ModelVersionFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	for _, m := range versions {
		v.Versions = append(v.Versions, option{Value: m.ID, Label: m.Version, Selected: m.ID == f.ModelVersion})
	}
	if f.ModelVersion != "" && !slices.ContainsFunc(v.Versions, func(o option) bool { return o.Selected }) {
		// A label or digest as events name it (a link, the API's filter).
		v.Versions = append(v.Versions, option{Value: f.ModelVersion, Label: f.ModelVersion, Selected: true})
	}
	v.Humans = enumOptions(aims.HumanActionValues(), aims.HumanAction.Title, f.Human)
	status := http.StatusOK
	if err := val.Err(); err != nil {
		v.Errors, _ = fieldErrors(err)
		status = http.StatusUnprocessableEntity
		f = aims.DecisionFilter{Page: f.Page}
	}
	var total int
	v.Decisions, total, err = ui.Svc.FindDecisions(ctx, s.ID, f)
	if fe, ok := fieldErrors(err); ok {
		v.Errors, status = fe, errorStatus(err)
	} else if err != nil {
		return err
	}
	v.Pager = newPager(r, f.Page, total)
	v.ExportURL = "/api/v1/systems/" + s.ID + "/decisions/export.csv"
	if e := exportQuery(f); e != "" {
		v.ExportURL += "?" + e
	}
	return render(w, r, status, DecisionListPage(ui.page(r, "Decisions of "+s.Name, "systems"), v))
}

// decisionFilterOf reads the filter form: whole days in UTC, the last one
// included, a model version by id (or as events name it), a source, what
// a person did.
func decisionFilterOf(q url.Values) (aims.DecisionFilter, *aims.Validation) {
	var val aims.Validation
	f := aims.DecisionFilter{ModelVersion: q.Get("model_version"), Source: q.Get("source"), Human: aims.HumanAction(q.Get("human"))}
	since, until := formDate(&val, q, "since"), formDate(&val, q, "until")
	if since != nil {
		t := since.UTC()
		f.Since = &t
	}
	if until != nil {
		t := until.UTC().AddDate(0, 0, 1) // the day given is included
		f.Until = &t
	}
	if since != nil && until != nil && until.UTC().Before(since.UTC()) {
		val.Add("until", "must be the first day or after it")
	}
	if f.Human != "" && !f.Human.IsValid() {
		val.Add("human", "must be one of none, approved, overridden")
	}
	return f, &val
}

// exportQuery is the API's query for the decisions f selects.
func exportQuery(f aims.DecisionFilter) string {
	e := url.Values{}
	if f.Since != nil {
		e.Set("since", f.Since.Format(time.RFC3339))
	}
	if f.Until != nil {
		e.Set("until", f.Until.Format(time.RFC3339))
	}
	for k, s := range map[string]string{"model_version": f.ModelVersion, "source": f.Source, "human": string(f.Human)} {
		if s != "" {
			e.Set(k, s)
		}
	}
	return e.Encode()
}

// decisionOutput writes a decision's output for the table.
func decisionOutput(d *aims.Decision) string {
	ev := d.Event()
	if ev == nil || ev.Output == nil {
		if d.ErasedAt != nil {
			return "(erased)"
		}
		if d.PayloadWithheld {
			return "(withheld)"
		}
		return "—"
	}
	return strings.Trim(string(ev.Output.Value), `"`) + " " + ev.Output.Unit
}

// humanBy names who approved or overrode a decision.
func humanBy(d *aims.Decision) string {
	if ev := d.Event(); ev != nil && ev.Human != nil {
		return ev.Human.By
	}
	return ""
}

// humanBadge picks the badge style of what a person did.
func humanBadge(a aims.HumanAction) string {
	if a == aims.HumanOverridden {
		return "badge warn"
	}
	return "badge ok"
}
