package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestOutOfCalibrationEpisodesPage: the out-of-calibration page groups the
// decisions by episode with counts; an episode opens to its decisions
// (fetched by htmx, or through a link without JavaScript) and the page
// links the episodes' CSV export.
func TestOutOfCalibrationEpisodesPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		p := newLineagePlant(t, e)
		ooc := e.get(aims.RoleViewer, "/lineage/out-of-calibration-decisions").want(t, http.StatusOK)
		eps := queryAll(ooc.doc, "#episodes details.ooc-episode")
		if len(eps) != 1 {
			t.Fatalf("%d episodes, want 1", len(eps))
		}
		sum := text(query(t, eps[0], "summary"))
		if !strings.Contains(sum, "MT-301") || !strings.Contains(sum, "1 decision") || !strings.Contains(sum, "MT-301 moisture") {
			t.Errorf("episode summary %q", sum)
		}
		query(t, ooc.doc, `#episodes a[href="/api/v1/lineage/out-of-calibration-episodes/export.csv"]`)
		link := attr(query(t, eps[0], "div a"), "href")
		if !strings.Contains(link, "instrument_id="+p.probe.ID) || attr(eps[0], "hx-get") != link {
			t.Errorf("episode link %q, hx-get %q", link, attr(eps[0], "hx-get"))
		}
		// Without JavaScript: the list narrowed to the episode.
		narrowed := e.get(aims.RoleViewer, link).want(t, http.StatusOK)
		if n := len(queryAll(narrowed.doc, "table.ooc-decisions tbody tr")); n != 1 {
			t.Errorf("the episode's list has %d rows", n)
		}
		// With htmx: only the table.
		frag := e.do(e.members[aims.RoleViewer], http.MethodGet, link, nil,
			http.Header{"Hx-Request": {"true"}, "Hx-Target": {attr(query(t, eps[0], "div"), "id")}}).want(t, http.StatusOK)
		if n := len(queryAll(frag.doc, "table.ooc-decisions tbody tr")); n != 1 || len(queryAll(frag.doc, "#episodes")) != 0 {
			t.Errorf("the fragment has %d rows and the page around it: %.300s", n, frag.body)
		}
		e.get(aims.RoleViewer, "/lineage/out-of-calibration-decisions?since=soon").want(t, http.StatusUnprocessableEntity)
	})
}
