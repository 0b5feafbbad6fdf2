package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// criteriaView is what the risk criteria page shows.
type criteriaView struct {
	Criteria *aims.RiskCriteria
	Versions []*aims.RiskCriteria
	Current  int // the newest version's number, 0 when none is saved
	Errors   formErrors
}

func (ui *UI) criteriaView(r *http.Request, version int) (*criteriaView, error) {
	ctx := r.Context()
	versions, err := ui.Svc.RiskCriteriaVersions(ctx)
	if err != nil {
		return nil, err
	}
	v := &criteriaView{Versions: versions}
	if len(versions) > 0 {
		v.Current = versions[0].Version
	}
	if version > 0 {
		v.Criteria, err = ui.Svc.RiskCriteriaVersion(ctx, version)
	} else {
		v.Criteria, err = ui.Svc.RiskCriteria(ctx)
	}
	return v, err
}

func (ui *UI) criteriaPage(w http.ResponseWriter, r *http.Request) error {
	n, _ := strconv.Atoi(r.URL.Query().Get("version"))
	v, err := ui.criteriaView(r, n)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, CriteriaPage(ui.page(r, "Risk criteria", "risk-criteria"), v))
}

func (ui *UI) criteriaEdit(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Approve), "change the risk criteria"); err != nil {
		return err
	}
	v, err := ui.criteriaView(r, 0)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, CriteriaFormPage(ui.page(r, "Edit the risk criteria", "risk-criteria"), v))
}

// criteriaFromForm reads the form over the current criteria's shape: the
// form edits names, descriptions, authorities, cells and the appetite; the
// API can also change how many steps and levels there are.
func criteriaFromForm(f url.Values, cur *aims.RiskCriteria) *aims.RiskCriteria {
	c := &aims.RiskCriteria{Appetite: f.Get("appetite"), Note: f.Get("note")}
	scale := func(name string, n int) []aims.ScaleLevel {
		out := make([]aims.ScaleLevel, n)
		for i := range out {
			p := name + "/" + strconv.Itoa(i) + "/"
			out[i] = aims.ScaleLevel{Name: f.Get(p + "name"), Description: f.Get(p + "description")}
		}
		return out
	}
	c.Likelihood, c.Consequence = scale("likelihood", len(cur.Likelihood)), scale("consequence", len(cur.Consequence))
	c.Levels = make([]aims.RiskLevel, len(cur.Levels))
	for i, l := range cur.Levels {
		p := "levels/" + strconv.Itoa(i) + "/"
		c.Levels[i] = aims.RiskLevel{Key: l.Key, Name: f.Get(p + "name"), Description: f.Get(p + "description"),
			AcceptBy: aims.AcceptAuthority(f.Get(p + "accept_by"))}
	}
	c.Matrix = make([][]string, len(cur.Likelihood))
	for l := range c.Matrix {
		c.Matrix[l] = make([]string, len(cur.Consequence))
		for k := range c.Matrix[l] {
			c.Matrix[l][k] = f.Get("matrix/" + strconv.Itoa(l) + "/" + strconv.Itoa(k))
		}
	}
	return c
}

func (ui *UI) criteriaSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	v, err := ui.criteriaView(r, 0)
	if err != nil {
		return err
	}
	in := criteriaFromForm(r.PostForm, v.Criteria)
	saved, err := ui.Svc.SaveRiskCriteria(r.Context(), in)
	if fe, ok := fieldErrors(err); ok {
		v.Criteria, v.Errors = in, fe
		return render(w, r, errorStatus(err), CriteriaFormPage(ui.page(r, "Edit the risk criteria", "risk-criteria"), v))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved risk criteria version "+strconv.Itoa(saved.Version)+".", "/risk-criteria")
}

// cellName is the form name of a matrix cell.
func cellName(l, k int) string { return "matrix/" + strconv.Itoa(l) + "/" + strconv.Itoa(k) }

// scaleField is the form name of a scale step's field.
func scaleField(scale string, i int, f string) string { return scale + "/" + strconv.Itoa(i) + "/" + f }

// matrixTopDown lists the matrix rows with the most likely first, with
// their likelihood index.
func matrixTopDown(c *aims.RiskCriteria) []int {
	out := make([]int, len(c.Matrix))
	for i := range out {
		out[i] = len(c.Matrix) - 1 - i
	}
	return out
}
