package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// episodeFilter reads the exact bounds of an episode (since and until, RFC
// 3339), which an episode's link and its htmx expansion send; they take the
// place of the from and to days.
func episodeFilter(val *aims.Validation, q url.Values, f *aims.OutOfCalibrationDecisionFilter) {
	for _, b := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.From}, {"until", &f.To}} {
		if s := q.Get(b.name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				val.Add(b.name, "must be a time such as 2026-03-10T00:00:00Z")
				continue
			}
			*b.dst = t.UTC()
		}
	}
}

// episodeURL is the list of out-of-calibration decisions narrowed to one
// episode: its instrument and period, within the page's system filter.
func episodeURL(q url.Values, e aims.OutOfCalibrationEpisode) string {
	v := url.Values{"instrument_id": {e.InstrumentID}, "since": {e.Period.From.Format(time.RFC3339Nano)},
		"until": {e.Period.To.Format(time.RFC3339Nano)}}
	if s := q.Get("system_id"); s != "" {
		v.Set("system_id", s)
	}
	return "/lineage/out-of-calibration-decisions?" + v.Encode()
}

// episodesCSVURL is the episodes' CSV export (the API's) for the page's
// system filter.
func episodesCSVURL(q url.Values) string {
	u := "/api/v1/lineage/out-of-calibration-episodes/export.csv"
	if s := q.Get("system_id"); s != "" {
		u += "?" + url.Values{"system_id": {s}}.Encode()
	}
	return u
}

func episodeTarget(i int) string { return "episode-" + strconv.Itoa(i) + "-decisions" }

func joinComma(s []string) string { return strings.Join(s, ", ") }

// oocEpisodeDecisions answers an episode's htmx expansion with the table of
// its decisions (the first page; the link under it opens the rest).
func (ui *UI) oocEpisodeDecisions(w http.ResponseWriter, r *http.Request, f aims.OutOfCalibrationDecisionFilter, bad error) error {
	if bad != nil {
		return bad
	}
	f.Page = aims.Page{Limit: listPerPage}
	ds, total, err := ui.Svc.FindOutOfCalibrationDecisions(r.Context(), f)
	if err != nil {
		return err
	}
	w.Header().Add("Vary", "HX-Request, HX-Target")
	return render(w, r, http.StatusOK, oocEpisodeFragment(ds, total, r.URL.String()))
}
