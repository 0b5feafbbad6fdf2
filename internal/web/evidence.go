package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// Evidence pages (ISO/IEC 42001 7.5): the list, a piece of evidence with
// its revisions and downloads, and the form that adds a file or a link.

func (ui *UI) registerEvidence(r chi.Router) {
	r.Get("/evidence", ui.handle(ui.evidenceList))
	r.Get("/evidence/new", ui.handle(ui.evidenceNew))
	r.Post("/evidence", ui.handle(ui.evidenceCreate))
	r.Get("/evidence/{id}", ui.handle(ui.evidenceDetail))
}

type evidenceListView struct {
	Items    []*aims.Evidence
	Pager    Pager
	Query    url.Values
	Kinds    []option
	Sorts    []option
	Filtered bool
	Errors   formErrors
}

var evidenceSorts = []struct{ key, label string }{
	{"collected", "Newest collected first"}, {"expires", "Soonest expiry first"}, {"title", "Title"}, {"kind", "Kind"},
}

func (ui *UI) evidenceList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := aims.EvidenceFilter{Search: q.Get("q"), Kind: q.Get("kind"), Target: aims.EvidenceTarget(q.Get("target")),
		TargetID: q.Get("target_id"), Sort: q.Get("sort"), Page: pageParams(r, listPerPage)}
	v := evidenceListView{Query: q, Filtered: f.Search != "" || f.Kind != "" || f.Target != ""}
	for _, s := range evidenceSorts {
		v.Sorts = append(v.Sorts, option{Value: s.key, Label: s.label, Selected: s.key == f.Sort || (f.Sort == "" && s.key == "collected")})
	}
	all, _, err := ui.Svc.FindEvidence(ctx, aims.EvidenceFilter{Page: aims.Page{Limit: aims.MaxLimit}, Sort: "kind"})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, e := range all {
		if !seen[e.Kind] {
			seen[e.Kind] = true
			v.Kinds = append(v.Kinds, option{Value: e.Kind, Label: kindWords(e.Kind), Selected: e.Kind == f.Kind})
		}
	}
	var total int
	status := http.StatusOK
	v.Items, total, err = ui.Svc.FindEvidence(ctx, f)
	if fe, ok := fieldErrors(err); ok {
		v.Errors, status = fe, errorStatus(err)
	} else if err != nil {
		return err
	}
	v.Pager = newPager(r, f.Page, total)
	return render(w, r, status, EvidenceListPage(ui.page(r, "Evidence", "evidence"), v))
}

// evidenceLinkView is a linked record as a person reads it.
type evidenceLinkView struct {
	Type, Label, Href string
}

func (ui *UI) evidenceDetail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := ui.Svc.FindEvidenceByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	var links []evidenceLinkView
	for _, l := range e.Links {
		lv := evidenceLinkView{Type: l.Type.Title(), Label: l.ID}
		switch l.Type {
		case aims.TargetAISystem:
			if s, err := ui.Svc.FindSystemByID(ctx, l.ID); err == nil {
				lv.Label, lv.Href = s.Name, "/systems/"+s.ID
			} else {
				lv.Label = "an AI system no longer in the inventory"
			}
		case aims.TargetRequirement:
			if ref, ok := aims.ParseRef(l.ID); ok {
				lv.Href = reqURL(ref.Framework, ref.ID)
			}
		default:
			lv.Label = "a " + strings.ToLower(l.Type.Title()) + " record"
		}
		links = append(links, lv)
	}
	revs := make([]string, len(e.Revisions))
	for i, rev := range e.Revisions {
		revs[i] = rev.ID
	}
	alerts, err := ui.Svc.FindEvidenceFileAlerts(ctx, revs)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, EvidenceDetailPage(ui.page(r, e.Title, "evidence"), e, links, alerts))
}

type evidenceFormView struct {
	Values        url.Values
	Systems       []option
	EvidenceID    string
	EvidenceTitle string
	Errors        formErrors
}

func (ui *UI) evidenceForm(r *http.Request, values url.Values) (evidenceFormView, error) {
	ctx := r.Context()
	v := evidenceFormView{Values: values, EvidenceID: values.Get("evidence_id")}
	if id := r.URL.Query().Get("evidence"); id != "" {
		v.EvidenceID = id
	}
	if v.EvidenceID != "" {
		e, err := ui.Svc.FindEvidenceByID(ctx, v.EvidenceID)
		if err != nil {
			return v, err
		}
		v.EvidenceTitle = e.Title
	}
	systems, _, err := ui.Svc.FindSystems(ctx, aims.SystemFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return v, err
	}
	for _, s := range systems {
		v.Systems = append(v.Systems, option{Value: s.ID, Label: s.Name, Selected: s.ID == values.Get("system_id")})
	}
	return v, nil
}

func (ui *UI) evidenceNew(w http.ResponseWriter, r *http.Request) error {
	v, err := ui.evidenceForm(r, url.Values{})
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, EvidenceFormPage(ui.page(r, "Add evidence", "evidence"), v))
}

// evidenceCreate reads the form's fields, then streams its file (the last
// part) to the service.
func (ui *UI) evidenceCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	mr, err := r.MultipartReader()
	if err != nil {
		return aims.Errorf(aims.KindBadRequest, "send the form as multipart/form-data")
	}
	values := url.Values{}
	var body io.Reader
	var fileName, mediaType string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return aims.Errorf(aims.KindBadRequest, "the form cannot be read")
		}
		if part.FormName() == "file" {
			if part.FileName() != "" {
				body, fileName, mediaType = part, part.FileName(), part.Header.Get("Content-Type")
			}
			break // the file is the last field the form sends
		}
		b, _ := io.ReadAll(io.LimitReader(part, 64<<10))
		values.Set(part.FormName(), string(b))
	}
	up := &aims.EvidenceUpload{EvidenceID: values.Get("evidence_id"), Kind: values.Get("kind"), Title: values.Get("title"),
		URL: values.Get("url"), Note: values.Get("note"), FileName: fileName, MediaType: mediaType}
	var val aims.Validation
	if s := values.Get("system_id"); s != "" {
		up.Links = append(up.Links, aims.EvidenceLink{Type: aims.TargetAISystem, ID: s})
	}
	if req := strings.TrimSpace(values.Get("requirement")); req != "" {
		up.Links = append(up.Links, aims.EvidenceLink{Type: aims.TargetRequirement, ID: req})
	}
	for _, d := range []struct {
		name string
		dst  **time.Time
	}{{"effective_from", &up.EffectiveFrom}, {"effective_to", &up.EffectiveTo}, {"expires_at", &up.ExpiresAt}} {
		if s := values.Get(d.name); s != "" {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				val.Add(d.name, "must be a date")
				continue
			}
			*d.dst = &t
		}
	}
	if err = val.Err(); err == nil {
		added, aerr := ui.Svc.AddEvidence(ctx, up, body)
		if aerr == nil {
			http.Redirect(w, r, "/evidence/"+added.Evidence.ID, http.StatusSeeOther)
			return nil
		}
		err = aerr
	}
	fe, ok := fieldErrors(err)
	if !ok {
		return err
	}
	v, ferr := ui.evidenceForm(r, values)
	if ferr != nil {
		return ferr
	}
	v.Errors = fe
	return render(w, r, errorStatus(err), EvidenceFormPage(ui.page(r, "Add evidence", "evidence"), v))
}

func kindWords(kind string) string { return capitalize(strings.ReplaceAll(kind, "-", " ")) }

func revisionWords(r *aims.EvidenceRevision) string {
	what := r.FileName
	if r.Source == aims.SourceLink {
		what = "link"
	} else if what == "" {
		what = "file"
	}
	return fmt.Sprintf("%d: %s", r.Number, what)
}

func freshnessClass(f aims.Freshness) string {
	switch f {
	case aims.FreshCurrent:
		return "ok"
	case aims.FreshExpiring:
		return "warn"
	case aims.FreshExpired:
		return "danger"
	}
	return "muted"
}

func sizeWords(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return plural(int(n), "byte", "bytes")
}

func periodWords(r *aims.EvidenceRevision) string {
	if r.EffectiveFrom == nil && r.EffectiveTo == nil {
		return "—"
	}
	return utcPtr(r.EffectiveFrom) + " to " + utcPtr(r.EffectiveTo)
}

func maxAgeWords(days int) string {
	if days == 0 {
		return "No limit"
	}
	return plural(days, "day", "days")
}

// requirementEvidence is what the requirement page shows of evidence.
type requirementEvidence struct {
	Control *aims.ControlEvidence
	Items   []*aims.Evidence
	ListURL string
}

func (ui *UI) requirementEvidence(r *http.Request, ref string) (requirementEvidence, error) {
	ctx := r.Context()
	c, err := ui.Svc.ControlEvidence(ctx, ref)
	if err != nil {
		return requirementEvidence{}, err
	}
	items, _, err := ui.Svc.FindEvidence(ctx, aims.EvidenceFilter{Target: aims.TargetRequirement, TargetID: ref, Page: aims.Page{Limit: 20}})
	if err != nil {
		return requirementEvidence{}, err
	}
	return requirementEvidence{Control: c, Items: items, ListURL: "/evidence?target=requirement&target_id=" + url.QueryEscape(ref)}, nil
}

// systemEvidence is the evidence linked to an AI system, for its page.
func (ui *UI) systemEvidence(r *http.Request, systemID string) ([]*aims.Evidence, error) {
	items, _, err := ui.Svc.FindEvidence(r.Context(), aims.EvidenceFilter{Target: aims.TargetAISystem, TargetID: systemID, Page: aims.Page{Limit: 20}})
	return items, err
}
