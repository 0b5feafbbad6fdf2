package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// systemView is what the system page shows.
type systemView struct {
	System   *aims.AISystem
	Versions []*aims.ModelVersion
	Total    int // model versions, over all pages
	EUAIAct  classificationView
	Impact   *aims.ImpactSummary
	// Operation is the operator view: authorization, stop authority,
	// recent decisions, override rate and lineage.
	Operation operationView
	// Governance is the system as the hub: risks, treating controls,
	// obligations with their status, and what blocks it.
	Governance *aims.SystemGovernance
	// Evidence is the evidence linked to the system (7.5), newest first.
	Evidence   []*aims.Evidence
	Obligation obligationForm // the obligation form, with refused input
	// MLflow is the organization's last MLflow registry sync, if any.
	MLflow *aims.MLflowSync
	// Reopenings are the gates material changes re-opened (8.1).
	Reopenings reopeningView
	// Stage is the stage panel: the deployment gate and the stage act.
	Stage stageView
}

func (ui *UI) systemDetail(w http.ResponseWriter, r *http.Request) error {
	return ui.systemPageWith(w, r, http.StatusOK, nil)
}

// systemPageWith draws the system page with status; edit adjusts the
// view (a stop refused shows its message next to the reason).
func (ui *UI) systemPageWith(w http.ResponseWriter, r *http.Request, status int, edit func(*systemView)) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err // unknown ids and other organizations' alike: 404
	}
	versions, total, err := ui.Svc.FindModelVersions(ctx, s.ID, aims.ModelVersionFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	v := systemView{System: s, Versions: versions, Total: total}
	if v.EUAIAct, err = ui.classificationPanel(r, s); err != nil {
		return err
	}
	if v.Impact, err = ui.Svc.ImpactSummary(ctx, s.ID); err != nil {
		return err
	}
	if v.Operation, err = ui.operationPanel(r, s, versions); err != nil {
		return err
	}
	if v.Governance, err = ui.Svc.SystemGovernance(ctx, s.ID); err != nil {
		return err
	}
	if v.MLflow, err = ui.Svc.LastMLflowSync(ctx); err != nil && !aims.IsKind(err, aims.KindNotFound) {
		return err
	}
	if v.Evidence, err = ui.systemEvidence(r, s.ID); err != nil {
		return err
	}
	if v.Reopenings, err = ui.reopeningPanel(r, s.ID, ""); err != nil {
		return err
	}
	if v.Stage, err = ui.stagePanel(r, s); err != nil {
		return err
	}
	if edit != nil {
		edit(&v)
	}
	return render(w, r, status, SystemPage(ui.page(r, s.Name, "systems"), v))
}

func (ui *UI) systemDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	s, err := ui.Svc.FindSystemByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := ui.allowed(r, viewer(r).CanEditSystem(s.OwnerID), "delete this AI system"); err != nil {
		return err
	}
	return ui.confirmDelete(w, r, systemDeletion(s))
}

func systemDeletion(s *aims.AISystem) deletion {
	return deletion{What: "AI system", Name: s.Name, Action: "/systems/" + s.ID + "/delete", Cancel: "/systems/" + s.ID}
}

func (ui *UI) systemDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := ui.Svc.FindSystemByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return ui.deleteAndRedirect(w, r, systemDeletion(s), func() error { return ui.Svc.DeleteSystem(ctx, s.ID) }, "/systems")
}

// blockerURL is where an open item is resolved.
func blockerURL(systemID string, b aims.Blocker) string {
	switch b.Kind {
	case aims.BlockerImpact:
		return "/systems/" + systemID + "/impact-assessments"
	case aims.BlockerRisk:
		return "/risks/" + b.ID
	case aims.BlockerSupplier:
		return "/suppliers/" + b.ID
	}
	return "/systems/" + systemID + "#obligation-panel"
}

// openObligations names the obligations among the blockers, to list them
// on one line.
func openObligations(bs []aims.Blocker) []string {
	var out []string
	for _, b := range bs {
		if b.Kind == aims.BlockerObligation {
			out = append(out, b.ID)
		}
	}
	return out
}
