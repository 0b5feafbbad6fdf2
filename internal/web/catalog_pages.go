package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/service"
)

// registerCatalog mounts the catalog pages: frameworks, their trees,
// requirements with guidance and mappings, crosswalks, and OSCAL import.
func (ui *UI) registerCatalog(r chi.Router) {
	r.Get("/catalog", ui.handle(ui.catalogIndex))
	r.Post("/catalog/import", ui.handle(ui.catalogImport))
	r.Get("/catalog/{framework}", ui.handle(ui.frameworkPage))
	r.Post("/catalog/{framework}/texts", ui.handle(ui.textImport))
	r.Get("/catalog/{framework}/{id}", ui.handle(ui.requirementPage))
	r.Get("/crosswalks/{id}", ui.handle(ui.crosswalkPage))
}

// urlParam reads a path parameter, decoded (requirement ids hold spaces).
func urlParam(r *http.Request, name string) string {
	v := chi.URLParam(r, name)
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// reqURL is the page of a requirement.
func reqURL(fw, id string) string { return "/catalog/" + url.PathEscape(fw) + "/" + url.PathEscape(id) }

// CatalogIndex is what the catalog start page shows.
type CatalogIndex struct {
	Frameworks []*service.FrameworkSummary
	Crosswalks []*aims.Crosswalk
	Errors     formErrors
}

func (ui *UI) catalogIndex(w http.ResponseWriter, r *http.Request) error {
	return ui.renderCatalogIndex(w, r, http.StatusOK, nil)
}

func (ui *UI) renderCatalogIndex(w http.ResponseWriter, r *http.Request, status int, fe formErrors) error {
	fws, err := ui.Svc.FindFrameworks(r.Context())
	if err != nil {
		return err
	}
	c, err := ui.Svc.Catalog(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, status, CatalogIndexPage(ui.page(r, "Catalogs", "catalog"), CatalogIndex{Frameworks: fws, Crosswalks: c.Crosswalks(), Errors: fe}))
}

func (ui *UI) catalogImport(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return aims.Errorf(aims.KindBadRequest, "the upload could not be read (at most 32 MiB)")
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return ui.renderCatalogIndex(w, r, http.StatusUnprocessableEntity, formErrors{"_": "choose an OSCAL catalog file", "file": "is required"})
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return err
	}
	fw, err := ui.Svc.ImportOSCALCatalog(r.Context(), data, r.FormValue("id"))
	if fe, ok := fieldErrors(err); ok {
		// The problems name JSON paths in the file: list them all.
		fe = formErrors{"_": fe["_"], "file": fileProblems(err)}
		return ui.renderCatalogIndex(w, r, errorStatus(err), fe)
	}
	if err != nil {
		return err
	}
	ui.flash(r, "Imported "+fw.Title+" as "+fw.ID+".")
	http.Redirect(w, r, "/catalog/"+url.PathEscape(fw.ID), http.StatusSeeOther)
	return nil
}

// fileProblems joins an import refusal's field problems into one message
// shown next to the file input.
func fileProblems(err error) string {
	ae, ok := err.(*aims.Error)
	if !ok {
		return ""
	}
	s := ""
	for i, f := range ae.Fields {
		if i > 0 {
			s += "; "
		}
		path := f.Field
		if path == "" {
			path = "(file)"
		}
		s += "/" + path + ": " + f.Detail
	}
	return s
}

// FrameworkView is a framework's tree, filtered by a search.
type FrameworkView struct {
	Catalog   *catalog.Catalog
	Framework *aims.Framework
	Query     string
	Hits      int
	Keep      map[string]bool
	Errors    formErrors
}

func (ui *UI) frameworkPage(w http.ResponseWriter, r *http.Request) error {
	c, fw, err := ui.Svc.FindFramework(r.Context(), urlParam(r, "framework"))
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	hits, keep := c.Search(fw, q)
	v := FrameworkView{Catalog: c, Framework: fw, Query: q, Hits: len(hits), Keep: keep}
	if isHTMX(r) && r.Header.Get("HX-Target") == "tree" {
		return render(w, r, http.StatusOK, frameworkTree(v, ""))
	}
	return render(w, r, http.StatusOK, FrameworkPage(ui.page(r, fw.ShortTitle, "catalog"), v))
}

// textImport stores the organization's own requirement texts (CSV or
// XLSX); refused rows are listed on the framework page.
func (ui *UI) textImport(w http.ResponseWriter, r *http.Request) error {
	fwID := urlParam(r, "framework")
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return aims.Errorf(aims.KindBadRequest, "the upload could not be read (at most 8 MiB)")
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return aims.Errorf(aims.KindInvalid, "choose a CSV or XLSX file")
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return err
	}
	res, err := ui.Svc.ImportRequirementTexts(r.Context(), fwID, data)
	if fe, ok := fieldErrors(err); ok {
		c, fw, ferr := ui.Svc.FindFramework(r.Context(), fwID)
		if ferr != nil {
			return ferr
		}
		_, keep := c.Search(fw, "")
		v := FrameworkView{Catalog: c, Framework: fw, Hits: len(fw.Requirements), Keep: keep,
			Errors: formErrors{"_": fe["_"], "file": fileProblems(err)}}
		return render(w, r, errorStatus(err), FrameworkPage(ui.page(r, fw.ShortTitle, "catalog"), v))
	}
	if err != nil {
		return err
	}
	ui.flash(r, "Imported "+strconv.Itoa(res.Imported)+" texts.")
	http.Redirect(w, r, "/catalog/"+url.PathEscape(fwID), http.StatusSeeOther)
	return nil
}

func (ui *UI) requirementPage(w http.ResponseWriter, r *http.Request) error {
	d, err := ui.Svc.FindRequirement(r.Context(), aims.Ref{Framework: urlParam(r, "framework"), ID: urlParam(r, "id")})
	if err != nil {
		return err
	}
	c, err := ui.Svc.Catalog(r.Context())
	if err != nil {
		return err
	}
	u, err := ui.Svc.ControlUse(r.Context(), aims.Ref{Framework: d.Framework.ID, ID: d.Requirement.ID})
	if err != nil {
		return err
	}
	ev, err := ui.requirementEvidence(r, d.Framework.ID+":"+d.Requirement.ID)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, RequirementPage(ui.page(r, d.Framework.ShortTitle+" "+d.Requirement.ID, "catalog"), d, c, u, ev))
}

func (ui *UI) crosswalkPage(w http.ResponseWriter, r *http.Request) error {
	c, err := ui.Svc.Catalog(r.Context())
	if err != nil {
		return err
	}
	cw, ok := c.Crosswalk(urlParam(r, "id"))
	if !ok {
		return aims.ErrNotFound("crosswalk")
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	return render(w, r, http.StatusOK, CrosswalkPage(ui.page(r, cw.Title, "catalog"), cw, c, crosswalkPairs(cw, c, q), q))
}

// crosswalkPairs are the pairs of cw whose ids, target title, rationale or
// flag contain q, in any case (all of them when q is empty).
func crosswalkPairs(cw *aims.Crosswalk, c *catalog.Catalog, q string) []*aims.Mapping {
	if q == "" {
		return cw.Pairs
	}
	needle := strings.ToLower(q)
	var out []*aims.Mapping
	for _, m := range cw.Pairs {
		hay := strings.ToLower(strings.Join([]string{m.Source, m.Target, reqTitle(c, aims.Ref{Framework: pairTo(cw, m), ID: m.Target}),
			reqTitle(c, aims.Ref{Framework: pairFrom(cw, m), ID: m.Source}), m.Rationale, m.Flag}, " "))
		if strings.Contains(hay, needle) {
			out = append(out, m)
		}
	}
	return out
}

// reqTitle returns a requirement's title, or "".
func reqTitle(c *catalog.Catalog, ref aims.Ref) string {
	if r, ok := c.Requirement(ref); ok {
		return r.Title
	}
	return ""
}

// fwTitle returns a framework's short title, or its id.
func fwTitle(c *catalog.Catalog, id string) string {
	if fw, ok := c.Framework(id); ok {
		return fw.ShortTitle
	}
	return id
}
