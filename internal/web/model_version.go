package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

func (ui *UI) registerModelVersions(r chi.Router) {
	r.Get("/systems/{id}/versions/new", ui.handle(ui.modelVersionNew))
	r.Get("/systems/{id}/versions/{vid}", ui.handle(ui.modelVersionDetail))
	r.Post("/systems/{id}/versions/new", ui.handle(ui.modelVersionSave))
	r.Get("/systems/{id}/versions/{vid}/edit", ui.handle(ui.modelVersionEdit))
	r.Post("/systems/{id}/versions/{vid}/edit", ui.handle(ui.modelVersionSave))
	r.Get("/systems/{id}/versions/{vid}/delete", ui.handle(ui.modelVersionDeleteConfirm))
	r.Post("/systems/{id}/versions/{vid}/delete", ui.handle(ui.modelVersionDelete))
	r.Post("/systems/{id}/versions/{vid}/approvals", ui.handle(ui.modelVersionApprove))
	r.Post("/systems/{id}/versions/{vid}/gate-requests", ui.handle(ui.gateRequestCreate))
	r.Post("/systems/{id}/versions/{vid}/gate-requests/{rid}/complete", ui.handle(ui.gateRequestComplete))
	r.Post("/systems/{id}/versions/{vid}/metrics", ui.handle(ui.metricCreate))
	r.Post("/systems/{id}/versions/{vid}/metrics/{mid}/delete", ui.handle(ui.metricDelete))
	ui.registerGateDefinitions(r)
	r.Get("/systems/{id}/acceptance-criteria", ui.handle(ui.acceptancePage))
	r.Post("/systems/{id}/acceptance-criteria", ui.handle(ui.criterionCreate))
	r.Post("/systems/{id}/acceptance-criteria/{cid}/delete", ui.handle(ui.criterionDelete))
}

// blankDatasetRows is how many empty dataset rows the form offers; more can
// be added after saving. No JavaScript is needed to add links.
const blankDatasetRows = 3

// maxDatasetRows bounds how many rows a posted form is read for.
const maxDatasetRows = 200

// modelVersionForm registers or edits a model version of a system.
type modelVersionForm struct {
	System   *aims.AISystem
	Version  *aims.ModelVersion
	New      bool
	Datasets []option // every dataset of the organization
	Features picker   // the organization's features, the chosen ones ticked
	Errors   formErrors
}

// Action is where the form posts.
func (f modelVersionForm) Action() string {
	if f.New {
		return "/systems/" + f.System.ID + "/versions/new"
	}
	return "/systems/" + f.System.ID + "/versions/" + f.Version.ID + "/edit"
}

// Statuses are the statuses the form offers: approved and deployed are
// reached only by recording an approval on the model version's page, and
// an approved or deployed version can only be retired by an edit.
func (f modelVersionForm) Statuses() []option {
	cur := f.Version.Status
	list := []aims.ModelVersionStatus{aims.ModelCandidate, aims.ModelValidated, aims.ModelRetired}
	if cur.SetByApproval() {
		list = []aims.ModelVersionStatus{cur, aims.ModelRetired}
	}
	return enumOptions(list, aims.ModelVersionStatus.Title, cur)
}

// Rows are the dataset links followed by blank rows.
func (f modelVersionForm) Rows() []aims.DatasetUse {
	return append(append([]aims.DatasetUse{}, f.Version.Datasets...), make([]aims.DatasetUse, blankDatasetRows)...)
}

// modelVersionFromForm reads the form. Dataset rows are posted as
// datasets/N/dataset_id and datasets/N/purpose; blank rows are dropped and
// the rest renumbered, so that the service's field errors
// (datasets/N/purpose) name the rows as the form shows them again.
func modelVersionFromForm(f url.Values) *aims.ModelVersion {
	m := &aims.ModelVersion{Version: f.Get("version"), Digest: f.Get("digest"), SourceURI: f.Get("source_uri"),
		TrainingDataSummary: f.Get("training_data_summary"), Status: aims.ModelVersionStatus(f.Get("status")), Notes: f.Get("notes"),
		Datasets: []aims.DatasetUse{}, Features: formRefs(f["features"])}
	for i := 0; i < maxDatasetRows; i++ {
		prefix := "datasets/" + strconv.Itoa(i) + "/"
		id, purpose := f.Get(prefix+"dataset_id"), f.Get(prefix+"purpose")
		if _, posted := f[prefix+"dataset_id"]; !posted {
			break
		}
		if id == "" && purpose == "" {
			continue
		}
		m.Datasets = append(m.Datasets, aims.DatasetUse{DatasetID: id, Purpose: aims.DatasetPurpose(purpose)})
	}
	return m
}

func modelVersionUpdate(m *aims.ModelVersion) aims.ModelVersionUpdate {
	features := aims.RefIDs(m.Features)
	return aims.ModelVersionUpdate{Version: &m.Version, Digest: &m.Digest, SourceURI: &m.SourceURI,
		TrainingDataSummary: &m.TrainingDataSummary, Status: &m.Status, Notes: &m.Notes, Datasets: &m.Datasets, Features: &features}
}

func (ui *UI) renderModelVersionForm(w http.ResponseWriter, r *http.Request, status int, f modelVersionForm) error {
	datasets, _, err := ui.Svc.FindDatasets(r.Context(), aims.DatasetFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	for _, d := range datasets {
		f.Datasets = append(f.Datasets, option{Value: d.ID, Label: d.Name})
	}
	var chosen []string
	for _, u := range f.Version.Datasets {
		chosen = append(chosen, u.DatasetID)
	}
	if f.Datasets, err = withChosen(f.Datasets, chosen, func(id string) (string, error) {
		d, err := ui.Svc.FindDatasetByID(r.Context(), id)
		if err != nil {
			return "", err
		}
		return d.Name, nil
	}); err != nil {
		return err
	}
	if f.Features, err = ui.newPicker(r, ui.featureOptions, f.Version.Features, "/lineage/features/options", "features"); err != nil {
		return err
	}
	title := "Register a model version of " + f.System.Name
	if !f.New {
		title = "Edit model version " + f.Version.Version
	}
	return render(w, r, status, ModelVersionFormPage(ui.page(r, title, "systems"), f))
}

// systemForVersions loads the system of the URL and checks that the
// person may change its model versions, before a form is shown.
func (ui *UI) systemForVersions(r *http.Request) (*aims.AISystem, error) {
	s, err := ui.Svc.FindSystemByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	return s, ui.allowed(r, viewer(r).CanEditSystem(s.OwnerID), "change the model versions of this system")
}

func (ui *UI) modelVersionNew(w http.ResponseWriter, r *http.Request) error {
	s, err := ui.systemForVersions(r)
	if err != nil {
		return err
	}
	m := &aims.ModelVersion{SystemID: s.ID, Status: aims.ModelCandidate}
	return ui.renderModelVersionForm(w, r, http.StatusOK, modelVersionForm{System: s, Version: m, New: true})
}

// modelVersionSave registers a model version or saves an edit.
func (ui *UI) modelVersionSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	s, err := ui.Svc.FindSystemByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	m := modelVersionFromForm(r.PostForm)
	m.ID, m.SystemID = chi.URLParam(r, "vid"), s.ID
	isNew := m.ID == ""
	if isNew {
		err = ui.Svc.CreateModelVersion(r.Context(), m)
	} else {
		_, err = ui.Svc.UpdateModelVersion(r.Context(), s.ID, m.ID, modelVersionUpdate(m))
	}
	if fe, ok := fieldErrors(err); ok {
		return ui.renderModelVersionForm(w, r, errorStatus(err), modelVersionForm{System: s, Version: m, New: isNew, Errors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Saved model version “"+strings.TrimSpace(m.Version)+"”.", "/systems/"+s.ID+"/versions/"+m.ID)
}

func (ui *UI) modelVersionEdit(w http.ResponseWriter, r *http.Request) error {
	s, err := ui.systemForVersions(r)
	if err != nil {
		return err
	}
	m, err := ui.Svc.FindModelVersionByID(r.Context(), s.ID, chi.URLParam(r, "vid"))
	if err != nil {
		return err
	}
	return ui.renderModelVersionForm(w, r, http.StatusOK, modelVersionForm{System: s, Version: m})
}

func (ui *UI) modelVersionDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	s, err := ui.systemForVersions(r)
	if err != nil {
		return err
	}
	m, err := ui.Svc.FindModelVersionByID(r.Context(), s.ID, chi.URLParam(r, "vid"))
	if err != nil {
		return err
	}
	return ui.confirmDelete(w, r, modelVersionDeletion(s, m))
}

func modelVersionDeletion(s *aims.AISystem, m *aims.ModelVersion) deletion {
	return deletion{What: "model version", Name: m.Version, Action: "/systems/" + s.ID + "/versions/" + m.ID + "/delete",
		Cancel: "/systems/" + s.ID}
}

func (ui *UI) modelVersionDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	m, err := ui.Svc.FindModelVersionByID(ctx, s.ID, chi.URLParam(r, "vid"))
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, modelVersionDeletion(s, m), func() error { return ui.Svc.DeleteModelVersion(ctx, s.ID, m.ID) },
		"/systems/"+s.ID+"#versions")
}

// modelVersionView is a model version's page: its record, the datasets
// and features it declares, and its lineage graph.
type modelVersionView struct {
	System   *aims.AISystem
	Version  *aims.ModelVersion
	Lineage  lineageGraph
	Approval *aims.ModelVersionApproval // the approval form's values
	Errors   formErrors                 // the approval form's errors
	// Reopenings are the version's re-opened gates (8.1).
	Reopenings reopeningView
	gatesView
}

// NextAct is the status an approval act would move the model version to
// next, or "" when none can (retired, or already deployed).
func (v modelVersionView) NextAct() aims.ModelVersionStatus {
	for _, to := range []aims.ModelVersionStatus{aims.ModelApproved, aims.ModelDeployed} {
		for _, from := range aims.ApprovalFrom(to) {
			if v.Version.Status == from {
				return to
			}
		}
	}
	return ""
}

func (ui *UI) modelVersionDetail(w http.ResponseWriter, r *http.Request) error {
	return ui.renderModelVersion(w, r, http.StatusOK, &aims.ModelVersionApproval{}, nil)
}

// modelVersionApprove records an approval or deployment act from the form
// on the model version's page; errors show again beside the form's fields.
func (ui *UI) modelVersionApprove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	a := &aims.ModelVersionApproval{Status: aims.ModelVersionStatus(f.Get("status")), Evidence: f.Get("evidence"),
		AcceptanceCriteria: f.Get("acceptance_criteria"), Result: f.Get("result")}
	systemID, id := chi.URLParam(r, "id"), chi.URLParam(r, "vid")
	m, err := ui.Svc.ApproveModelVersion(r.Context(), systemID, id, a)
	if fe, ok := fieldErrors(err); ok {
		return ui.renderModelVersion(w, r, errorStatus(err), a, fe)
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Model version “"+m.Version+"” is now "+string(m.Status)+"; the act is recorded.",
		"/systems/"+systemID+"/versions/"+id+"#approvals")
}

func (ui *UI) renderModelVersion(w http.ResponseWriter, r *http.Request, status int, a *aims.ModelVersionApproval, fe formErrors) error {
	return ui.renderModelVersionGates(w, r, status, a, fe, gatesView{})
}

// renderModelVersionGates is renderModelVersion with the gates panel's
// forms as posted (their values and errors).
func (ui *UI) renderModelVersionGates(w http.ResponseWriter, r *http.Request, status int, a *aims.ModelVersionApproval, fe formErrors, gatesForm gatesView) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	m, err := ui.Svc.FindModelVersionByID(ctx, s.ID, chi.URLParam(r, "vid"))
	if err != nil {
		return err
	}
	g, err := ui.Svc.ModelVersionLineage(ctx, s.ID, m.ID)
	if err != nil {
		return err
	}
	v := modelVersionView{System: s, Version: m, Approval: a, Errors: fe, Lineage: newLineageGraph("lineage-graph", g, s.ID,
		"Lineage of model version "+m.Version+": from instruments through tags and features to the model version",
		"No lineage is recorded for this model version yet: declare the features it consumes and the tags of its datasets.")}
	if v.Reopenings, err = ui.reopeningPanel(r, s.ID, m.ID); err != nil {
		return err
	}
	if v.gatesView, err = ui.modelVersionGates(r, m, gatesForm); err != nil {
		return err
	}
	return render(w, r, status, ModelVersionPage(ui.page(r, "Model version "+m.Version+" of "+s.Name, "systems"), v))
}
