package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/service"
)

// registerRisks mounts the risk pages: criteria, register, heat map, risk
// detail with treatments, and the impact assessments of each AI system.
func (ui *UI) registerRisks(r chi.Router) {
	r.Get("/risks", ui.handle(ui.riskList))
	r.Get("/risks/heatmap", ui.handle(ui.riskHeatMap))
	r.Get("/risks/new", ui.handle(ui.riskNew))
	r.Post("/risks/new", ui.handle(ui.riskSave))
	r.Get("/risks/{id}", ui.handle(ui.riskDetail))
	r.Get("/risks/{id}/edit", ui.handle(ui.riskEdit))
	r.Post("/risks/{id}/edit", ui.handle(ui.riskSave))
	r.Post("/risks/{id}/accept", ui.handle(ui.riskAccept))
	r.Post("/risks/{id}/actions", ui.handle(ui.riskActionAdd))
	r.Post("/risks/{id}/actions/{action_id}", ui.handle(ui.riskActionStatus))
	r.Post("/risks/{id}/actions/{action_id}/delete", ui.handle(ui.riskActionDelete))
	r.Get("/risks/{id}/delete", ui.handle(ui.riskDeleteConfirm))
	r.Post("/risks/{id}/delete", ui.handle(ui.riskDelete))
	r.Get("/risk-criteria", ui.handle(ui.criteriaPage))
	r.Get("/risk-criteria/edit", ui.handle(ui.criteriaEdit))
	r.Post("/risk-criteria/edit", ui.handle(ui.criteriaSave))
	r.Get("/systems/{id}/impact-assessments", ui.handle(ui.impactList))
	r.Post("/systems/{id}/impact-assessments", ui.handle(ui.impactStart))
	r.Get("/systems/{id}/impact-assessments/{aid}", ui.handle(ui.impactPage))
	r.Post("/systems/{id}/impact-assessments/{aid}", ui.handle(ui.impactSave))
	r.Post("/systems/{id}/impact-assessments/{aid}/sign-off", ui.handle(ui.impactSignOff))
	r.Post("/systems/{id}/impact-assessments/{aid}/areas/{area}/risk", ui.handle(ui.impactRaise))
}

// riskListView is what the register page shows.
type riskListView struct {
	Risks    []*aims.Risk
	Criteria *aims.RiskCriteria
	Query    url.Values
	Systems  []option
	Owners   []option
	Filtered bool
	Pager    Pager
}

// riskFilterOf reads the register's filters from the query.
func riskFilterOf(q url.Values) aims.RiskFilter {
	return aims.RiskFilter{SystemID: q.Get("system_id"), Level: q.Get("level"), OwnerID: q.Get("owner_id"),
		Status: aims.RiskStatus(q.Get("status")), Overdue: q.Get("overdue") == "true", Search: q.Get("q"), Sort: q.Get("sort")}
}

func (ui *UI) riskList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := riskFilterOf(q)
	f.Page = pageParams(r, 25)
	risks, total, err := ui.Svc.FindRisks(r.Context(), f)
	if err != nil {
		return err
	}
	c, err := ui.Svc.RiskCriteria(r.Context())
	if err != nil {
		return err
	}
	v := riskListView{Risks: risks, Criteria: c, Query: q, Pager: newPager(r, f.Page, total)}
	for _, k := range []string{"system_id", "level", "owner_id", "status", "overdue", "q"} {
		v.Filtered = v.Filtered || q.Get(k) != ""
	}
	if v.Systems, err = ui.systemOptions(r, q.Get("system_id")); err != nil {
		return err
	}
	if v.Owners, err = ui.memberOptions(r, q.Get("owner_id"), true); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, RiskListPage(ui.page(r, "Risk register", "risks"), v))
}

// riskExportURL is the API export of the register with the page's filters.
func riskExportURL(q url.Values, format string) string {
	out := url.Values{"format": {format}}
	for _, k := range []string{"system_id", "level", "owner_id", "status", "overdue", "q"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return "/api/v1/risks/export?" + out.Encode()
}

// levelName names level key under criteria c, or "—".
func levelName(c *aims.RiskCriteria, key string) string {
	if key == "" {
		return "—"
	}
	if l := c.Level(key); l != nil {
		return l.Name
	}
	return key
}

// levelClass is the badge class of level key: its colour band.
func levelClass(c *aims.RiskCriteria, key string) string {
	if key == "" {
		return "badge"
	}
	return "badge heat-" + strconv.Itoa(rules.HeatClass(c, key))
}

// heatMapView is what the heat map page shows.
type heatMapView struct {
	Map     *service.HeatMap
	Systems []option
	System  string
}

func (ui *UI) riskHeatMap(w http.ResponseWriter, r *http.Request) error {
	sys := r.URL.Query().Get("system_id")
	hm, err := ui.Svc.RiskHeatMap(r.Context(), aims.RiskFilter{SystemID: sys})
	if err != nil {
		return err
	}
	opts, err := ui.systemOptions(r, sys)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, HeatMapPage(ui.page(r, "Risk heat map", "risks"), heatMapView{Map: hm, Systems: opts, System: sys}))
}

// rowsTopDown lists a grid's rows with the most likely first, as a heat
// map is read.
func rowsTopDown(g [][]service.HeatCell) [][]service.HeatCell {
	out := make([][]service.HeatCell, len(g))
	for i := range g {
		out[len(g)-1-i] = g[i]
	}
	return out
}
