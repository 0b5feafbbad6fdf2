package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/service"
)

// registerSoA mounts the Statement of Applicability pages: the editor,
// versions with approval and diff, and coverage.
func (ui *UI) registerSoA(r chi.Router) {
	r.Get("/soa", ui.handle(ui.soaHome))
	r.Post("/soa/versions", ui.handle(ui.soaStart))
	r.Get("/soa/versions/{number}", ui.handle(ui.soaVersion))
	r.Post("/soa/versions/{number}/row", ui.handle(ui.soaRowUpdate))
	r.Post("/soa/versions/{number}/bulk", ui.handle(ui.soaBulk))
	r.Get("/soa/versions/{number}/approve", ui.handle(ui.soaApproveConfirm))
	r.Post("/soa/versions/{number}/approve", ui.handle(ui.soaApprove))
	r.Post("/soa/controls", ui.handle(ui.soaAddControl))
	r.Get("/soa/diff", ui.handle(ui.soaDiff))
	r.Get("/coverage", ui.handle(ui.coverage))
}

// SoAView is what the editor page shows.
type SoAView struct {
	Version   *aims.SoAVersion
	Versions  []*aims.SoAVersion
	Members   []*aims.Member
	Filter    aims.SoAFilter
	Editable  bool
	RowErrors map[string]formErrors // by control ref
	Problems  []aims.FieldError     // why approval was refused
	Total     int                   // rows before filtering
	Decided   int
	// Evidence shows beside each control its freshness (7.5), and
	// EvidenceSummary counts the applicable controls by what shows them.
	Evidence        map[string]*aims.ControlEvidence
	EvidenceSummary *service.EvidenceSummary
}

func versionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(chi.URLParam(r, "number"))
	if err != nil || n < 1 {
		return 0, aims.ErrNotFound("SoA version")
	}
	return n, nil
}

func soaURL(n int) string { return "/soa/versions/" + strconv.Itoa(n) }

func (ui *UI) soaHome(w http.ResponseWriter, r *http.Request) error {
	vs, err := ui.Svc.FindSoAVersions(r.Context())
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		http.Redirect(w, r, soaURL(landingVersion(vs, canEdit(r))), http.StatusSeeOther)
		return nil
	}
	return render(w, r, http.StatusOK, SoAEmptyPage(ui.page(r, "Statement of Applicability", "soa")))
}

// landingVersion is the version that /soa opens (vs newest first): the
// newest, a draft included, for those who may edit; the newest approved
// one for those who read (an auditor, a viewer), the draft only when
// nothing is approved yet.
func landingVersion(vs []*aims.SoAVersion, canEdit bool) int {
	if !canEdit {
		for _, v := range vs {
			if v.Status == aims.SoAApproved {
				return v.Number
			}
		}
	}
	return vs[0].Number
}

func canEdit(r *http.Request) bool {
	p := authz.PrincipalFrom(r.Context())
	return p != nil && authz.Can(p.Role, authz.Edit)
}

// SoACounts are a version's controls by decision, and its applicable
// controls by implementation status: what an approver approves.
type SoACounts struct {
	ByDecision map[aims.Applicability]int
	ByStatus   map[aims.ImplementationStatus]int
}

func countSoA(rows []*aims.SoARow) SoACounts {
	c := SoACounts{ByDecision: map[aims.Applicability]int{}, ByStatus: map[aims.ImplementationStatus]int{}}
	for _, r := range rows {
		c.ByDecision[r.Applicability]++
		if r.Applicability == aims.Applicable {
			c.ByStatus[r.Status]++
		}
	}
	return c
}

// soaApproveConfirm states what approving a draft approves, and asks to
// confirm.
func (ui *UI) soaApproveConfirm(w http.ResponseWriter, r *http.Request) error {
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	p := ui.page(r, "Approve the Statement of Applicability, version "+strconv.Itoa(n), "soa")
	if !p.Can(authz.Approve) {
		return aims.ErrForbidden("approve the Statement of Applicability")
	}
	view, err := ui.soaView(r, n, aims.SoAFilter{})
	if err != nil {
		return err
	}
	if view.Version.Status != aims.SoADraft {
		http.Redirect(w, r, soaURL(n), http.StatusSeeOther)
		return nil
	}
	return render(w, r, http.StatusOK, SoAApprovePage(p, view, countSoA(view.Version.Rows)))
}

func (ui *UI) soaStart(w http.ResponseWriter, r *http.Request) error {
	v, err := ui.Svc.StartSoADraft(r.Context(), r.FormValue("note"))
	if err != nil {
		return err
	}
	ui.flash(r, "Version "+strconv.Itoa(v.Number)+" is a new draft.")
	http.Redirect(w, r, soaURL(v.Number), http.StatusSeeOther)
	return nil
}

func filterOf(r *http.Request) aims.SoAFilter {
	q := r.URL.Query()
	return aims.SoAFilter{Applicability: aims.Applicability(q.Get("applicability")), Status: aims.ImplementationStatus(q.Get("status")),
		OwnerID: q.Get("owner"), Search: q.Get("q")}
}

func (ui *UI) soaView(r *http.Request, n int, f aims.SoAFilter) (*SoAView, error) {
	ctx := r.Context()
	all, err := ui.Svc.FindSoAVersion(ctx, n, aims.SoAFilter{})
	if err != nil {
		return nil, err
	}
	v, err := ui.Svc.FindSoAVersion(ctx, n, f)
	if err != nil {
		return nil, err
	}
	vs, err := ui.Svc.FindSoAVersions(ctx)
	if err != nil {
		return nil, err
	}
	members, _, err := ui.Svc.FindMembers(ctx, aims.MemberFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	// Owners past the first page of members stay choices (see withChosen).
	listed := map[string]bool{"": true, "none": true}
	for _, m := range members {
		listed[m.ID] = true
	}
	for _, id := range append([]string{f.OwnerID}, rowOwners(all.Rows)...) {
		if listed[id] {
			continue
		}
		listed[id] = true
		m, err := ui.Svc.FindMemberByID(ctx, id)
		if aims.IsKind(err, aims.KindNotFound) || aims.IsKind(err, aims.KindInvalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		members = append(members, m)
	}
	p := authz.PrincipalFrom(ctx)
	view := &SoAView{Version: v, Versions: vs, Members: members, Filter: f, RowErrors: map[string]formErrors{}, Total: len(all.Rows),
		Editable: v.Status == aims.SoADraft && p != nil && authz.Can(p.Role, authz.Edit)}
	var applicable []string
	for _, row := range all.Rows {
		if row.Applicability != aims.Undecided {
			view.Decided++
		}
		if row.Applicability == aims.Applicable {
			applicable = append(applicable, row.Ref().String())
		}
	}
	ev, sum, err := ui.Svc.ControlsFreshness(ctx, applicable)
	if err != nil {
		return nil, err
	}
	view.Evidence, view.EvidenceSummary = ev, &sum
	return view, nil
}

func (ui *UI) soaVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	view, err := ui.soaView(r, n, filterOf(r))
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, SoAPage(ui.page(r, "Statement of Applicability, version "+strconv.Itoa(n), "soa"), view))
}

// rowUpdateOf reads a row's inline form: every field is sent, so the
// update sets them all.
func rowUpdateOf(r *http.Request) (aims.SoARowUpdate, error) {
	app := aims.Applicability(r.PostForm.Get("applicability"))
	status := aims.ImplementationStatus(r.PostForm.Get("implementation_status"))
	just, notes, owner := r.PostForm.Get("justification"), r.PostForm.Get("notes"), r.PostForm.Get("owner_id")
	upd := aims.SoARowUpdate{Applicability: &app, Justification: &just, Status: &status, OwnerID: &owner, Notes: &notes}
	if s := strings.TrimSpace(r.PostForm.Get("target_date")); s != "" {
		d, err := aims.ParseDate(s)
		if err != nil {
			return upd, &aims.Error{Kind: aims.KindInvalid, Message: "the target date is not a date",
				Fields: []aims.FieldError{{Field: "target_date", Detail: err.Error()}}}
		}
		upd.TargetDate = &d
	} else {
		upd.TargetDate = &aims.Date{}
	}
	return upd, nil
}

func (ui *UI) soaRowUpdate(w http.ResponseWriter, r *http.Request) error {
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return aims.Errorf(aims.KindBadRequest, "the form could not be read")
	}
	ref := aims.Ref{Framework: r.PostForm.Get("framework"), ID: r.PostForm.Get("requirement_id")}
	upd, err := rowUpdateOf(r)
	if err == nil {
		_, err = ui.Svc.UpdateSoARow(r.Context(), n, ref, upd)
	}
	fe, invalid := fieldErrors(err)
	if err != nil && !invalid {
		return err
	}
	if !isHTMX(r) {
		if err == nil {
			http.Redirect(w, r, soaURL(n)+"#"+rowID(ref), http.StatusSeeOther)
			return nil
		}
		view, verr := ui.soaView(r, n, aims.SoAFilter{})
		if verr != nil {
			return verr
		}
		view.RowErrors[ref.String()] = fe
		return render(w, r, errorStatus(err), SoAPage(ui.page(r, "Statement of Applicability, version "+strconv.Itoa(n), "soa"), view))
	}
	// htmx swaps only successful answers by default: a refused edit comes
	// back as the row with the message next to the field, with 200.
	view, verr := ui.soaView(r, n, aims.SoAFilter{})
	if verr != nil {
		return verr
	}
	var row *aims.SoARow
	for _, x := range view.Version.Rows {
		if x.Ref() == ref {
			row = x
		}
	}
	if row == nil {
		return aims.ErrNotFound("control " + ref.String())
	}
	if invalid {
		applyForm(row, r)
	}
	return render(w, r, http.StatusOK, soaRow(view, row, fe))
}

// applyForm shows what the person entered in a refused row.
func applyForm(row *aims.SoARow, r *http.Request) {
	row.Applicability = aims.Applicability(r.PostForm.Get("applicability"))
	row.Justification = r.PostForm.Get("justification")
	row.Status = aims.ImplementationStatus(r.PostForm.Get("implementation_status"))
	row.Notes = r.PostForm.Get("notes")
}

func (ui *UI) soaBulk(w http.ResponseWriter, r *http.Request) error {
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return aims.Errorf(aims.KindBadRequest, "the form could not be read")
	}
	var refs []aims.Ref
	for _, s := range r.PostForm["ref"] {
		if ref, ok := aims.ParseRef(s); ok {
			refs = append(refs, ref)
		}
	}
	var upd aims.SoARowUpdate
	if a := aims.Applicability(r.PostForm.Get("applicability")); a != "" {
		upd.Applicability = &a
	}
	if s := aims.ImplementationStatus(r.PostForm.Get("implementation_status")); s != "" {
		upd.Status = &s
	}
	if o := r.PostForm.Get("owner_id"); o != "" {
		upd.OwnerID = &o
	}
	if j := strings.TrimSpace(r.PostForm.Get("justification")); j != "" {
		upd.Justification = &j
	}
	_, err = ui.Svc.UpdateSoARows(r.Context(), n, refs, upd)
	if fe, ok := fieldErrors(err); ok {
		view, verr := ui.soaView(r, n, aims.SoAFilter{})
		if verr != nil {
			return verr
		}
		view.Problems = err.(*aims.Error).Fields
		if len(view.Problems) == 0 {
			view.Problems = []aims.FieldError{{Field: "", Detail: fe["_"]}}
		}
		return render(w, r, errorStatus(err), SoAPage(ui.page(r, "Statement of Applicability, version "+strconv.Itoa(n), "soa"), view))
	}
	if err != nil {
		return err
	}
	ui.flash(r, strconv.Itoa(len(refs))+" controls changed.")
	back := soaURL(n)
	if q := r.PostForm.Get("return"); strings.HasPrefix(q, "?") {
		back += q
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (ui *UI) soaApprove(w http.ResponseWriter, r *http.Request) error {
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	_, err = ui.Svc.ApproveSoA(r.Context(), n, r.FormValue("note"))
	if aims.IsKind(err, aims.KindInvalid) {
		view, verr := ui.soaView(r, n, aims.SoAFilter{})
		if verr != nil {
			return verr
		}
		view.Problems = err.(*aims.Error).Fields
		return render(w, r, http.StatusUnprocessableEntity, SoAPage(ui.page(r, "Statement of Applicability, version "+strconv.Itoa(n), "soa"), view))
	}
	if err != nil {
		return err
	}
	ui.flash(r, "Version "+strconv.Itoa(n)+" is approved and frozen.")
	http.Redirect(w, r, soaURL(n), http.StatusSeeOther)
	return nil
}

// soaAddControl adds a control of another catalog (a NIST subcategory, an
// EU AI Act obligation, an imported control) to the current draft.
func (ui *UI) soaAddControl(w http.ResponseWriter, r *http.Request) error {
	ref := aims.Ref{Framework: r.FormValue("framework"), ID: r.FormValue("requirement_id")}
	vs, err := ui.Svc.FindSoAVersions(r.Context())
	if err != nil {
		return err
	}
	if !hasDraft(vs) {
		return aims.Errorf(aims.KindConflict, "there is no draft of the Statement of Applicability: start one first")
	}
	if _, err := ui.Svc.AddSoAControl(r.Context(), vs[0].Number, ref); err != nil {
		return err
	}
	ui.flash(r, ref.ID+" is in the draft; decide whether it applies.")
	http.Redirect(w, r, soaURL(vs[0].Number)+"#"+rowID(ref), http.StatusSeeOther)
	return nil
}

// SoADiffView compares two versions.
type SoADiffView struct {
	From, To int
	Versions []*aims.SoAVersion
	Changes  []aims.SoAChange
}

func (ui *UI) soaDiff(w http.ResponseWriter, r *http.Request) error {
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	to, _ := strconv.Atoi(r.URL.Query().Get("to"))
	vs, err := ui.Svc.FindSoAVersions(r.Context())
	if err != nil {
		return err
	}
	if (from == 0 || to == 0) && len(vs) >= 2 {
		from, to = vs[1].Number, vs[0].Number
	}
	view := SoADiffView{From: from, To: to, Versions: vs}
	if from > 0 && to > 0 {
		if view.Changes, err = ui.Svc.DiffSoA(r.Context(), from, to); err != nil {
			return err
		}
	}
	return render(w, r, http.StatusOK, SoADiffPage(ui.page(r, "Compare SoA versions", "soa"), view))
}

// CoverageView is coverage per framework for one version.
type CoverageView struct {
	Version    *aims.SoAVersion
	Frameworks []*catalog.Coverage
}

func (ui *UI) coverage(w http.ResponseWriter, r *http.Request) error {
	n, _ := strconv.Atoi(r.URL.Query().Get("version"))
	v, cov, err := ui.Svc.SoACoverage(r.Context(), n)
	if aims.IsKind(err, aims.KindNotFound) && n == 0 {
		return render(w, r, http.StatusOK, SoAEmptyPage(ui.page(r, "Coverage", "coverage")))
	}
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, CoveragePage(ui.page(r, "Coverage", "coverage"), CoverageView{Version: v, Frameworks: cov}))
}

// rowID is a row's HTML id.
func rowID(ref aims.Ref) string {
	return "row-" + strings.NewReplacer(":", "-", ".", "-", " ", "-", "(", "", ")", "").Replace(ref.String())
}

func filterURL(v *SoAView, key, value string) string {
	q := url.Values{}
	f := v.Filter
	set := func(k, val string) {
		if val != "" {
			q.Set(k, val)
		}
	}
	set("applicability", string(f.Applicability))
	set("status", string(f.Status))
	set("owner", f.OwnerID)
	set("q", f.Search)
	q.Del(key)
	set(key, value)
	return soaURL(v.Version.Number) + "?" + q.Encode()
}

func pct(n, total int) string {
	if total == 0 {
		return "0"
	}
	return strconv.Itoa(n * 100 / total)
}

// rowOwners lists the owners of rows.
func rowOwners(rows []*aims.SoARow) []string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.OwnerID)
	}
	return ids
}
