package web

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
)

// The stage act on the system page (issue 17; ISO/IEC 42001 A.6.2.5, 8.1):
// a system's stage is not edited but moved by a recorded act; into deployed
// the act passes the system deployment gate, whose checks the panel shows
// before the form is submitted.

func (ui *UI) registerSystemStages(r chi.Router) {
	r.Post("/systems/{id}/stage", ui.handle(ui.systemStageMove))
}

// stageView is what the stage panel shows.
type stageView struct {
	System *aims.AISystem
	// Gate is the system deployment gate evaluated now, as the act into
	// deployed would (with the viewer's approval when they may give it).
	Gate gate.Result
	// Acts are the recent stage acts, newest first.
	Acts []*aims.StageTransition
	// Targets are the stages the viewer may move the system to.
	Targets []option
	// CanOverride: the viewer is an admin, who may override the gate.
	CanOverride bool
	Error       string // a refused move, in words
	Errors      formErrors
}

// stagePanel reads the stage panel of a system.
func (ui *UI) stagePanel(r *http.Request, s *aims.AISystem) (stageView, error) {
	p := ui.page(r, "", "")
	v := stageView{System: s, CanOverride: p.Principal != nil && p.Principal.Role == aims.RoleAdmin}
	var err error
	if v.Gate, err = ui.Svc.SystemDeploymentGate(r.Context(), s.ID); err != nil {
		return v, err
	}
	acts, err := ui.Svc.FindStageTransitions(r.Context(), s.ID)
	if err != nil {
		return v, err
	}
	if len(acts) > 10 {
		acts = acts[:10]
	}
	v.Acts = acts
	for _, st := range aims.LifecycleStageValues() {
		if st == s.LifecycleStage {
			continue
		}
		ok := p.CanEditSystem(s.OwnerID)
		switch st {
		case aims.StageDeployed:
			ok = p.Can(authz.Approve)
		case aims.StageSuspended:
			ok = p.CanStopSystem(s.OwnerID)
		}
		if ok {
			v.Targets = append(v.Targets, option{Value: string(st), Label: st.Title()})
		}
	}
	return v, nil
}

// systemStageMove records the stage act; a refused move draws the system
// page again with what was refused and why.
func (ui *UI) systemStageMove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	in := aims.NewStageTransition{To: aims.LifecycleStage(r.PostForm.Get("to")), Comment: r.PostForm.Get("comment"),
		OverrideReason: r.PostForm.Get("override_reason")}
	s, err := ui.Svc.TransitionSystemStage(r.Context(), id, in)
	if k := aims.KindOf(err); k == aims.KindConflict || k == aims.KindInvalid {
		return ui.systemPageWith(w, r, errorStatus(err), func(v *systemView) {
			v.Stage.Error = stageRefusal(err)
			v.Stage.Errors, _ = fieldErrors(err)
		})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Moved “"+s.Name+"” to "+strings.ToLower(s.LifecycleStage.Title())+".", "/systems/"+id+"#stage")
}

// stageRefusal is a refused move's message for people.
func stageRefusal(err error) string {
	if ae, ok := err.(*aims.Error); ok {
		return ae.Message
	}
	return err.Error()
}

// overrideWords says a gate override on the pages.
func overrideWords(o *aims.GateOverride) string {
	if o == nil {
		return ""
	}
	return "Gate not passed in aims: " + o.Words()
}
