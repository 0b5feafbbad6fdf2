package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// Data lineage pages (issue 6; ISO/IEC 42001 A.7.5 data provenance, A.7.4
// data quality): instruments and their calibrations, tags, features, the
// CSV import, and the questions lineage answers: which model versions were
// trained on data from an instrument out of calibration, which decisions
// were made while one was, and which records are loose ends.

func (ui *UI) registerLineage(r chi.Router) {
	r.Get("/lineage", ui.handle(ui.lineageOverview))
	r.Get("/lineage/out-of-calibration-decisions", ui.handle(ui.outOfCalibrationDecisions))
	r.Get("/lineage/import", ui.handle(ui.lineageImportPage))
	r.Post("/lineage/import", ui.handle(ui.lineageImport))

	r.Get("/lineage/instruments", ui.handle(ui.instrumentList))
	r.Get("/lineage/instruments/new", ui.handle(ui.instrumentNew))
	r.Get("/lineage/instruments/options", ui.handle(ui.instrumentSelectSearch))
	r.Post("/lineage/instruments/new", ui.handle(ui.instrumentSave))
	r.Get("/lineage/instruments/{id}", ui.handle(ui.instrumentDetail))
	r.Get("/lineage/instruments/{id}/edit", ui.handle(ui.instrumentEdit))
	r.Post("/lineage/instruments/{id}/edit", ui.handle(ui.instrumentSave))
	r.Get("/lineage/instruments/{id}/delete", ui.handle(ui.instrumentDeleteConfirm))
	r.Post("/lineage/instruments/{id}/delete", ui.handle(ui.instrumentDelete))
	r.Post("/lineage/instruments/{id}/calibrations", ui.handle(ui.calibrationCreate))
	r.Get("/lineage/instruments/{id}/calibrations/{cid}/delete", ui.handle(ui.calibrationDeleteConfirm))
	r.Post("/lineage/instruments/{id}/calibrations/{cid}/delete", ui.handle(ui.calibrationDelete))

	r.Get("/lineage/tags", ui.handle(ui.tagList))
	r.Get("/lineage/tags/new", ui.handle(ui.tagNew))
	r.Get("/lineage/tags/options", ui.handle(ui.pickerSearch(ui.tagOptions)))
	r.Post("/lineage/tags/new", ui.handle(ui.tagSave))
	r.Get("/lineage/tags/{id}", ui.handle(ui.tagDetail))
	r.Get("/lineage/tags/{id}/edit", ui.handle(ui.tagEdit))
	r.Post("/lineage/tags/{id}/edit", ui.handle(ui.tagSave))
	r.Get("/lineage/tags/{id}/delete", ui.handle(ui.tagDeleteConfirm))
	r.Post("/lineage/tags/{id}/delete", ui.handle(ui.tagDelete))

	r.Get("/lineage/features", ui.handle(ui.featureList))
	r.Get("/lineage/features/new", ui.handle(ui.featureNew))
	r.Get("/lineage/features/options", ui.handle(ui.pickerSearch(ui.featureOptions)))
	r.Post("/lineage/features/new", ui.handle(ui.featureSave))
	r.Get("/lineage/features/{id}", ui.handle(ui.featureDetail))
	r.Get("/lineage/features/{id}/edit", ui.handle(ui.featureEdit))
	r.Post("/lineage/features/{id}/edit", ui.handle(ui.featureSave))
	r.Get("/lineage/features/{id}/delete", ui.handle(ui.featureDeleteConfirm))
	r.Post("/lineage/features/{id}/delete", ui.handle(ui.featureDelete))
}

// lineageOverview is what /lineage shows.
type lineageOverview struct {
	Instruments, OutOfCalibration, NeverCalibrated int
	Tags, Features                                 int
	OutOfCalibrationDecisions                      int
	Orphans                                        *aims.LineageOrphans
	Exposures                                      []aims.CalibrationExposure
}

// orphanPreview is how many loose ends of each kind the overview lists.
const orphanPreview = 20

func (ui *UI) lineageOverview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	one := aims.Page{Limit: 1}
	var v lineageOverview
	var err error
	if _, v.Instruments, err = ui.Svc.FindInstruments(ctx, aims.InstrumentFilter{Page: one}); err != nil {
		return err
	}
	if _, v.OutOfCalibration, err = ui.Svc.FindInstruments(ctx, aims.InstrumentFilter{State: aims.CalibrationOut, Page: one}); err != nil {
		return err
	}
	if _, v.NeverCalibrated, err = ui.Svc.FindInstruments(ctx, aims.InstrumentFilter{State: aims.CalibrationNever, Page: one}); err != nil {
		return err
	}
	if _, v.Tags, err = ui.Svc.FindTags(ctx, aims.TagFilter{Page: one}); err != nil {
		return err
	}
	if _, v.Features, err = ui.Svc.FindFeatures(ctx, aims.FeatureFilter{Page: one}); err != nil {
		return err
	}
	if _, v.OutOfCalibrationDecisions, err = ui.Svc.FindOutOfCalibrationDecisions(ctx, aims.OutOfCalibrationDecisionFilter{Page: one}); err != nil {
		return err
	}
	if v.Orphans, err = ui.Svc.FindLineageOrphans(ctx); err != nil {
		return err
	}
	if v.Exposures, err = ui.Svc.FindCalibrationExposures(ctx, ""); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, LineageOverviewPage(ui.page(r, "Data lineage", "lineage"), v))
}

// oocDecisionsView is the list of decisions made while an input instrument
// was out of calibration.
type oocDecisionsView struct {
	Query     url.Values
	Systems   []option
	Decisions []aims.OutOfCalibrationDecision
	Episodes  []aims.OutOfCalibrationEpisode
	Pager     Pager
	Filtered  bool
	Errors    formErrors
}

func (ui *UI) outOfCalibrationDecisions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := aims.OutOfCalibrationDecisionFilter{SystemID: q.Get("system_id"), InstrumentID: q.Get("instrument_id"), Page: pageParams(r, listPerPage)}
	var val aims.Validation
	if d := formDate(&val, q, "from"); d != nil {
		f.From = d.UTC()
	}
	if d := formDate(&val, q, "to"); d != nil {
		f.To = d.UTC().AddDate(0, 0, 1) // the day given is included
	}
	episodeFilter(&val, q, &f)
	if isHTMX(r) && r.Header.Get("HX-Target") != "" && strings.HasPrefix(r.Header.Get("HX-Target"), "episode-") {
		return ui.oocEpisodeDecisions(w, r, f, val.Err())
	}
	v := oocDecisionsView{Query: q, Filtered: f.SystemID != "" || f.InstrumentID != "" || q.Get("from") != "" || q.Get("to") != "" ||
		q.Get("since") != "" || q.Get("until") != ""}
	var err error
	if v.Systems, err = ui.systemOptions(r, f.SystemID); err != nil {
		return err
	}
	status := http.StatusOK
	if err := val.Err(); err != nil {
		v.Errors, _ = fieldErrors(err)
		status = http.StatusUnprocessableEntity
		f.From, f.To = time.Time{}, time.Time{}
	}
	var total int
	v.Decisions, total, err = ui.Svc.FindOutOfCalibrationDecisions(ctx, f)
	if fe, ok := fieldErrors(err); ok {
		v.Errors, status = fe, errorStatus(err)
	} else if err != nil {
		return err
	}
	v.Pager = newPager(r, f.Page, total)
	if len(v.Errors) == 0 {
		if v.Episodes, err = ui.Svc.FindOutOfCalibrationEpisodes(ctx, f); err != nil {
			return err
		}
	}
	w.Header().Add("Vary", "HX-Request, HX-Target")
	return render(w, r, status, OutOfCalibrationDecisionsPage(ui.page(r, "Decisions made out of calibration", "lineage"), v))
}

// calibrationBadge picks the badge of a calibration state; the badge says
// the state in words too.
func calibrationBadge(s aims.CalibrationState) string {
	switch s {
	case aims.CalibrationIn:
		return "badge ok"
	case aims.CalibrationOut:
		return "badge danger"
	case aims.CalibrationNever:
		return "badge warn"
	}
	return "badge muted"
}

// period writes a half-open period for people. Whole days (both ends at
// midnight UTC) are written as dates with the last day included. An end the
// records do not bound (aims.OpenStart, aims.OpenEnd) is said in words,
// not as 1970 or 9999.
func period(p aims.Period) string {
	switch {
	case p.StartsOpen() && p.EndsOpen():
		return "always (no calibration on record)"
	case p.StartsOpen():
		return "before " + utc(p.To)
	case p.EndsOpen():
		return "from " + utc(p.From) + " on"
	}
	if midnight(p.From) && midnight(p.To) {
		last := p.To.AddDate(0, 0, -1)
		if last.Equal(p.From) {
			return p.From.UTC().Format(aims.DateLayout)
		}
		return p.From.UTC().Format(aims.DateLayout) + " to " + last.UTC().Format(aims.DateLayout)
	}
	return utc(p.From) + " to " + utc(p.To)
}

func midnight(t time.Time) bool {
	t = t.UTC()
	return !t.IsZero() && t.Equal(t.Truncate(24*time.Hour))
}

// refNames joins the names of lineage references.
func refNames(refs []aims.LineageRef) string {
	s := ""
	for i, r := range refs {
		if i > 0 {
			s += ", "
		}
		s += r.Name
	}
	return orDash(s)
}

// newPicker is a form's picker of src's records with the chosen ones
// ticked; searchURL answers its search (pickerSearch).
func (ui *UI) newPicker(r *http.Request, src pickerSource, chosen []aims.LineageRef, searchURL, noun string) (picker, error) {
	opts, total, err := src(r, "", pickerFirst)
	if err != nil {
		return picker{}, err
	}
	return picker{Options: refOptions(opts, chosen), Total: total, SearchURL: searchURL, Noun: noun}, nil
}

// pickerSearch answers a picker's search with src's matching records,
// unticked.
func (ui *UI) pickerSearch(src pickerSource) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		opts, total, err := src(r, q.Get("q"), pickerFound)
		if err != nil {
			return err
		}
		return render(w, r, http.StatusOK, pickerResults(pickerField(q.Get("field")), opts, total, q.Get("q")))
	}
}

// pickerField keeps a search's field name to the pickers that exist, so
// that a crafted URL cannot name another form field.
func pickerField(name string) string {
	if name == "features" {
		return "features"
	}
	return "tags"
}

// formRefs reads the ids a picker posted. A record can be posted twice
// (ticked among the first page and again among search results): once is
// what was meant.
func formRefs(ids []string) []aims.LineageRef {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return aims.RefsOf(out)
}

// validUntil writes the last moment a calibration vouches for: its last
// day when it ends at midnight.
func validUntil(c *aims.Calibration) string {
	if midnight(c.ValidTo) {
		return c.ValidTo.AddDate(0, 0, -1).UTC().Format(aims.DateLayout)
	}
	return utc(c.ValidTo)
}

// resultBadge picks the badge of a calibration result.
func resultBadge(r aims.CalibrationResult) string {
	if r.Vouches() {
		return "badge ok"
	}
	return "badge danger"
}

// calibrationRequirement says whether an instrument needs calibration and
// how often.
func calibrationRequirement(in *aims.Instrument) string {
	if !in.CalibrationRequired {
		return "No"
	}
	if in.CalibrationIntervalDays > 0 {
		return "Yes, every " + plural(in.CalibrationIntervalDays, "day", "days")
	}
	return "Yes"
}
