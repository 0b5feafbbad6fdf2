package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Change control on the system and model version pages (ISO/IEC 42001 8.1,
// A.6.2.6): the gates material changes re-opened, why, and the clearing
// act of an AIMS manager or an admin.

func (ui *UI) registerGateReopenings(r chi.Router) {
	r.Post("/systems/{id}/reopenings/clear", ui.handle(ui.reopeningClear))
}

// reopeningView is what the change-control panel shows: the open
// re-openings, grouped by what they hold (a model version, or the system's
// deployment gate), and the recently cleared.
type reopeningView struct {
	SystemID string
	Open     []reopeningTarget
	Cleared  []*aims.GateReopening
	CanClear bool
}

// reopeningTarget is one model version (or the system) with its open
// re-openings.
type reopeningTarget struct {
	ModelVersionID string
	Label          string // "model version 2.3.0", "the system's deployment gate"
	Items          []*aims.GateReopening
}

// reopeningPanel reads the re-openings of a system (versionID set: of one
// model version).
func (ui *UI) reopeningPanel(r *http.Request, systemID, versionID string) (reopeningView, error) {
	v := reopeningView{SystemID: systemID, CanClear: viewer(r).Can(authz.Approve)}
	list, _, err := ui.Svc.FindGateReopenings(r.Context(), systemID, aims.GateReopeningFilter{ModelVersionID: versionID,
		Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return v, err
	}
	at := map[string]int{}
	for _, x := range list {
		if !x.Open() {
			if len(v.Cleared) < 10 {
				v.Cleared = append(v.Cleared, x)
			}
			continue
		}
		i, ok := at[x.ModelVersionID]
		if !ok {
			label := "The system's deployment gate"
			if x.ModelVersionID != "" {
				label = "Validation gate of model version " + x.ModelVersion
			}
			i = len(v.Open)
			at[x.ModelVersionID] = i
			v.Open = append(v.Open, reopeningTarget{ModelVersionID: x.ModelVersionID, Label: label})
		}
		v.Open[i].Items = append(v.Open[i].Items, x)
	}
	return v, nil
}

// reopeningClear clears the open re-openings of one target with the
// reason given, and goes back to the page it came from.
func (ui *UI) reopeningClear(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	in := aims.GateClearance{ModelVersionID: r.PostForm.Get("model_version_id"), Reason: r.PostForm.Get("reason")}
	out, err := ui.Svc.ClearGateReopenings(r.Context(), id, in)
	if err != nil {
		return err
	}
	next := "/systems/" + id + "#reopenings"
	if r.PostForm.Get("back") == "version" && in.ModelVersionID != "" {
		next = "/systems/" + id + "/versions/" + in.ModelVersionID + "#reopenings"
	}
	return ui.done(w, r, "Cleared "+plural(len(out), "re-opening", "re-openings")+".", next)
}

// causeLink is the page of the record whose change re-opened a gate, or "".
func causeLink(x *aims.GateReopening) string {
	switch x.CauseType {
	case aims.EntityDataset:
		return "/datasets/" + x.CauseID
	case aims.EntityFeature:
		return "/lineage/features/" + x.CauseID
	case aims.EntityInstrument:
		return "/lineage/instruments/" + x.CauseID
	case aims.EntityAISystem:
		return "/systems/" + x.CauseID
	case aims.EntityModelVersion:
		return "/systems/" + x.SystemID + "/versions/" + x.CauseID
	}
	return ""
}
