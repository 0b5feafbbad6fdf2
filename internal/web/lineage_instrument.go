package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Instruments (physical sensors, analysers, meters, laboratories, manual
// entry, software) and their calibration records: the first link of the
// lineage chain (A.7.4 data quality, A.7.5 provenance).

// instrumentListView is what the instrument list shows.
type instrumentListView struct {
	Query       url.Values
	Instruments []*aims.Instrument
	Pager       Pager
	Filtered    bool
}

func (ui *UI) instrumentList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := aims.InstrumentFilter{Query: q.Get("q"), Kind: aims.InstrumentKind(q.Get("kind")), State: aims.CalibrationState(q.Get("state")),
		Page: pageParams(r, listPerPage)}
	list, total, err := ui.Svc.FindInstruments(r.Context(), f)
	if err != nil {
		return err
	}
	v := instrumentListView{Query: q, Instruments: list, Pager: newPager(r, f.Page, total),
		Filtered: f.Query != "" || f.Kind != "" || f.State != ""}
	return render(w, r, http.StatusOK, InstrumentListPage(ui.page(r, "Instruments", "lineage"), v))
}

// instrumentView is an instrument with its calibration history and the
// form to add a calibration.
type instrumentView struct {
	Instrument   *aims.Instrument
	Calibrations []*aims.Calibration
	Form         calibrationForm
}

// calibrationForm holds the add-calibration form as typed.
type calibrationForm struct {
	ValidFrom, ValidUntil, Result, CertificateRef, CertificateDigest, PerformedBy, Notes string
	Errors                                                                               formErrors
}

func (ui *UI) instrumentDetail(w http.ResponseWriter, r *http.Request) error {
	return ui.instrumentPage(w, r, http.StatusOK, calibrationForm{Result: string(aims.CalibrationPassed)})
}

func (ui *UI) instrumentPage(w http.ResponseWriter, r *http.Request, status int, form calibrationForm) error {
	ctx := r.Context()
	in, err := ui.Svc.FindInstrumentByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err // unknown ids and other organizations' alike: 404
	}
	cals, err := ui.Svc.FindCalibrations(ctx, in.ID)
	if err != nil {
		return err
	}
	v := instrumentView{Instrument: in, Calibrations: cals, Form: form}
	return render(w, r, status, InstrumentPage(ui.page(r, in.Name, "lineage"), v))
}

// calibrationFromForm reads the add-calibration form. The dates are whole
// days in UTC: valid from the start of the first, until the end of the
// last (the record's ValidTo is the midnight after it).
func calibrationFromForm(f url.Values) (*aims.Calibration, calibrationForm, error) {
	cf := calibrationForm{ValidFrom: f.Get("valid_from"), ValidUntil: f.Get("valid_to"), Result: f.Get("result"),
		CertificateRef: f.Get("certificate_ref"), CertificateDigest: f.Get("certificate_digest"),
		PerformedBy: f.Get("performed_by"), Notes: f.Get("notes")}
	c := &aims.Calibration{Result: aims.CalibrationResult(cf.Result), CertificateRef: cf.CertificateRef,
		CertificateDigest: cf.CertificateDigest, PerformedBy: cf.PerformedBy, Notes: cf.Notes}
	var v aims.Validation
	if d := formDate(&v, f, "valid_from"); d != nil {
		c.ValidFrom = d.UTC()
	}
	if d := formDate(&v, f, "valid_to"); d != nil {
		c.ValidTo = d.UTC().AddDate(0, 0, 1)
	}
	return c, cf, v.Err()
}

func (ui *UI) calibrationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	c, form, err := calibrationFromForm(r.PostForm)
	if err == nil {
		err = ui.Svc.CreateCalibration(r.Context(), id, c)
	}
	if fe, ok := fieldErrors(err); ok {
		form.Errors = fe
		return ui.instrumentPage(w, r, errorStatus(err), form)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Recorded the calibration from "+c.ValidFrom.Format(aims.DateLayout)+".", "/lineage/instruments/"+id+"#calibrations")
}

// calibrationDeletion finds the calibration the path names and describes
// its deletion; an unknown one is not found.
func (ui *UI) calibrationDeletion(r *http.Request) (deletion, error) {
	ctx := r.Context()
	in, err := ui.Svc.FindInstrumentByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return deletion{}, err
	}
	cals, err := ui.Svc.FindCalibrations(ctx, in.ID)
	if err != nil {
		return deletion{}, err
	}
	cid := chi.URLParam(r, "cid")
	for _, c := range cals {
		if c.ID == cid {
			base := "/lineage/instruments/" + in.ID
			name := fmt.Sprintf("%s, %s to %s (%s)", in.Name, c.ValidFrom.UTC().Format(aims.DateLayout),
				c.ValidTo.UTC().Format(aims.DateLayout), strings.ToLower(c.Result.Title()))
			return deletion{What: "calibration record", Name: name, Action: base + "/calibrations/" + c.ID + "/delete",
				Cancel: base + "#calibrations"}, nil
		}
	}
	return deletion{}, aims.Errorf(aims.KindNotFound, "calibration not found")
}

// calibrationDeleteConfirm asks before a calibration record is deleted: it
// changes the instrument's calibration state and what the lineage queries
// find (A.7.4).
func (ui *UI) calibrationDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	d, err := ui.calibrationDeletion(r)
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "delete calibration records"); err != nil {
		return err
	}
	return ui.confirmDelete(w, r, d)
}

func (ui *UI) calibrationDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := ui.calibrationDeletion(r)
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, d, func() error {
		return ui.Svc.DeleteCalibration(r.Context(), chi.URLParam(r, "id"), chi.URLParam(r, "cid"))
	}, d.Cancel)
}

// instrumentForm is the create and edit form of an instrument.
type instrumentForm struct {
	Instrument *aims.Instrument
	New        bool
	// Interval holds calibration_interval_days as typed.
	Interval string
	Errors   formErrors
}

// Action is where the form posts.
func (f instrumentForm) Action() string {
	if f.New {
		return "/lineage/instruments/new"
	}
	return "/lineage/instruments/" + f.Instrument.ID + "/edit"
}

// Cancel is where Cancel leads.
func (f instrumentForm) Cancel() string {
	if f.New {
		return "/lineage/instruments"
	}
	return "/lineage/instruments/" + f.Instrument.ID
}

func instrumentFromForm(f url.Values) (*aims.Instrument, string, error) {
	in := &aims.Instrument{Name: f.Get("name"), Kind: aims.InstrumentKind(f.Get("kind")), Description: f.Get("description"),
		Location: f.Get("location"), Manufacturer: f.Get("manufacturer"), SerialNumber: f.Get("serial_number"),
		CalibrationRequired: f.Get("calibration_required") == "true"}
	interval := strings.TrimSpace(f.Get("calibration_interval_days"))
	var v aims.Validation
	if interval != "" {
		n, err := strconv.Atoi(interval)
		if err != nil {
			v.Add("calibration_interval_days", "must be a whole number of days (0 or empty: unspecified)")
		}
		in.CalibrationIntervalDays = n
	}
	return in, interval, v.Err()
}

func (ui *UI) renderInstrumentForm(w http.ResponseWriter, r *http.Request, status int, f instrumentForm) error {
	title := "Register an instrument"
	if !f.New {
		title = "Edit instrument " + f.Instrument.Name
	}
	return render(w, r, status, InstrumentFormPage(ui.page(r, title, "lineage"), f))
}

func (ui *UI) instrumentNew(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "register instruments"); err != nil {
		return err
	}
	return ui.renderInstrumentForm(w, r, http.StatusOK, instrumentForm{New: true,
		Instrument: &aims.Instrument{Kind: aims.InstrumentSensor, CalibrationRequired: true}})
}

func (ui *UI) instrumentEdit(w http.ResponseWriter, r *http.Request) error {
	in, err := ui.Svc.FindInstrumentByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "change instruments"); err != nil {
		return err
	}
	interval := ""
	if in.CalibrationIntervalDays > 0 {
		interval = strconv.Itoa(in.CalibrationIntervalDays)
	}
	return ui.renderInstrumentForm(w, r, http.StatusOK, instrumentForm{Instrument: in, Interval: interval})
}

// instrumentSave registers an instrument or saves an edit.
func (ui *UI) instrumentSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	in, interval, err := instrumentFromForm(r.PostForm)
	in.ID = chi.URLParam(r, "id")
	isNew := in.ID == ""
	switch {
	case err != nil:
	case isNew:
		err = ui.Svc.CreateInstrument(r.Context(), in)
	default:
		_, err = ui.Svc.UpdateInstrument(r.Context(), in.ID, aims.InstrumentUpdate{Name: &in.Name, Kind: &in.Kind,
			Description: &in.Description, Location: &in.Location, Manufacturer: &in.Manufacturer, SerialNumber: &in.SerialNumber,
			CalibrationRequired: &in.CalibrationRequired, CalibrationIntervalDays: &in.CalibrationIntervalDays})
	}
	if fe, ok := fieldErrors(err); ok {
		return ui.renderInstrumentForm(w, r, errorStatus(err), instrumentForm{Instrument: in, New: isNew, Interval: interval, Errors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved instrument “"+strings.TrimSpace(in.Name)+"”.", "/lineage/instruments/"+in.ID)
}

func instrumentDeletion(in *aims.Instrument) deletion {
	return deletion{What: "instrument", Name: in.Name, Action: "/lineage/instruments/" + in.ID + "/delete",
		Cancel: "/lineage/instruments/" + in.ID}
}

func (ui *UI) instrumentDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	in, err := ui.Svc.FindInstrumentByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "delete instruments"); err != nil {
		return err
	}
	return ui.confirmDelete(w, r, instrumentDeletion(in))
}

func (ui *UI) instrumentDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in, err := ui.Svc.FindInstrumentByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, instrumentDeletion(in), func() error { return ui.Svc.DeleteInstrument(ctx, in.ID) },
		"/lineage/instruments")
}

// instrumentOptions lists the organization's instruments for a select.
func (ui *UI) instrumentOptions(r *http.Request, selected string) ([]option, error) {
	opts, _, err := ui.instrumentChoices(r, "", selected, aims.MaxLimit)
	return opts, err
}

// instrumentChoices lists the first limit instruments matching q, with
// selected among them whatever it is, and how many match in all.
func (ui *UI) instrumentChoices(r *http.Request, q, selected string, limit int) ([]option, int, error) {
	list, total, err := ui.Svc.FindInstruments(r.Context(), aims.InstrumentFilter{Query: q, Page: aims.Page{Limit: limit}})
	if err != nil {
		return nil, 0, err
	}
	opts := make([]option, len(list))
	for i, in := range list {
		opts[i] = option{Value: in.ID, Label: in.Name, Selected: in.ID == selected}
	}
	opts, err = withChosen(opts, []string{selected}, func(id string) (string, error) {
		in, err := ui.Svc.FindInstrumentByID(r.Context(), id)
		if err != nil {
			return "", err
		}
		return in.Name, nil
	})
	return opts, total, err
}

// instrumentSelectSearch answers the search beside an instrument select
// (more instruments than the select lists): the options of the
// instruments matching q, the chosen one kept.
func (ui *UI) instrumentSelectSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	opts, total, err := ui.instrumentChoices(r, q.Get("q"), q.Get("instrument_id"), pickerFound)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, selectOptions(withBlank("No instrument", opts), total > len(opts)))
}
