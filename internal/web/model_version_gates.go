package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/service"
)

// gatesView is the gates panel of a model version's page (issue 17;
// ISO/IEC 42001 A.6.2.4, A.6.2.5): each gate ahead with its checks, the
// gate requests with where they stand, the form asking for passage, and
// the validation metrics with their form.
type gatesView struct {
	Ahead    []gate.Result
	Requests []*service.GateRequest
	Metrics  []aims.ValidationMetric
	// Members are the people who may be named as approvers.
	Members []option
	// The request form as posted, and its errors.
	Ask       service.GateRequestInput
	AskErrors formErrors
	// The metric form as posted, and its errors.
	Metric       aims.ValidationMetric
	MetricErrors formErrors
}

// NextStatus is the status a gate request would ask for next, or "".
func (v modelVersionView) NextStatus() aims.ModelVersionStatus { return v.NextAct() }

// AskRoles are the roles the request form offers, ticked as posted.
func (g gatesView) AskRoles() []option {
	var out []option
	for _, r := range []aims.Role{aims.RoleAIMSManager, aims.RoleAdmin, aims.RoleSystemOwner, aims.RoleContributor} {
		on := false
		for _, x := range g.Ask.ApproverRoles {
			on = on || x == r
		}
		out = append(out, option{Value: string(r), Label: r.Title(), Selected: on})
	}
	return out
}

// AskMembers are the members the request form offers, ticked as posted.
func (g gatesView) AskMembers() []option {
	out := make([]option, len(g.Members))
	for i, m := range g.Members {
		m.Selected = false
		for _, id := range g.Ask.Approvers {
			m.Selected = m.Selected || id == m.Value
		}
		out[i] = m
	}
	return out
}

// QuorumText is the quorum field's value ("" for the gate's default).
func (g gatesView) QuorumText() string {
	if g.Ask.Quorum == 0 {
		return ""
	}
	return strconv.Itoa(g.Ask.Quorum)
}

// DueText is the due date field's value.
func (g gatesView) DueText() string {
	if g.Ask.DueOn == nil {
		return ""
	}
	return g.Ask.DueOn.String()
}

// checkWords says a check's outcome for people.
func checkWords(passed bool) string {
	if passed {
		return "Holds"
	}
	return "Fails"
}

// gateTitle is a gate's name with its capital: "Deployment gate".
func gateTitle(g gate.ID) string { return capitalize(g.Title()) }

// statusMove says where a gate request moves a version: "to deployed".
func statusMove(to aims.ModelVersionStatus) string { return "to " + strings.ToLower(to.Title()) }

func (ui *UI) modelVersionGates(r *http.Request, m *aims.ModelVersion, form gatesView) (gatesView, error) {
	ctx := r.Context()
	v := form
	all, err := ui.Svc.ModelVersionGates(ctx, m.SystemID, m.ID)
	if err != nil {
		return v, err
	}
	for _, g := range gate.Ahead(m.Status) {
		for _, res := range all {
			if res.Gate == g {
				v.Ahead = append(v.Ahead, res)
			}
		}
	}
	if v.Requests, err = ui.Svc.FindGateRequests(ctx, m.SystemID, m.ID); err != nil {
		return v, err
	}
	if v.Metrics, err = ui.Svc.FindValidationMetrics(ctx, m.SystemID, m.ID); err != nil {
		return v, err
	}
	if viewer(r).Can(authz.Edit) || viewer(r).Can(authz.EditOwned) {
		members, _, err := ui.Svc.FindMembers(ctx, aims.MemberFilter{Page: aims.Page{Limit: aims.MaxLimit}})
		if err != nil {
			return v, err
		}
		for _, p := range members {
			if !p.Disabled && p.Role != aims.RoleAuditor && p.Role != aims.RoleViewer {
				v.Members = append(v.Members, option{Value: p.ID, Label: p.Name + " (" + p.Role.Title() + ")"})
			}
		}
	}
	return v, nil
}

// gateRequestCreate asks for passage through the gates from the form on
// the model version's page; errors show again beside the form's fields.
func (ui *UI) gateRequestCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	in := service.GateRequestInput{To: aims.ModelVersionStatus(f.Get("to")), Approvers: f["approvers"]}
	for _, role := range f["approver_roles"] {
		in.ApproverRoles = append(in.ApproverRoles, aims.Role(role))
	}
	fe := formErrors{}
	if q := strings.TrimSpace(f.Get("quorum")); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 {
			fe["quorum"] = "must be a whole number of at least 1"
		}
		in.Quorum = n
	}
	if d := strings.TrimSpace(f.Get("due_on")); d != "" {
		due, err := aims.ParseDate(d)
		if err != nil {
			fe["due_on"] = "must be a date"
		} else {
			in.DueOn = &due
		}
	}
	systemID, id := chi.URLParam(r, "id"), chi.URLParam(r, "vid")
	if len(fe) > 0 {
		return ui.renderModelVersionGates(w, r, http.StatusUnprocessableEntity, &aims.ModelVersionApproval{}, nil, gatesView{Ask: in, AskErrors: fe})
	}
	g, err := ui.Svc.RequestGatePassage(r.Context(), systemID, id, in)
	if fe, ok := fieldErrors(err); ok {
		return ui.renderModelVersionGates(w, r, errorStatus(err), &aims.ModelVersionApproval{}, nil, gatesView{Ask: in, AskErrors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Asked for passage: "+g.Approval.SubjectLabel+". "+g.StatusText+".", "/systems/"+systemID+"/versions/"+id+"#gates")
}

// gateRequestComplete retries the completion of an approved gate request.
func (ui *UI) gateRequestComplete(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	systemID, id := chi.URLParam(r, "id"), chi.URLParam(r, "vid")
	g, err := ui.Svc.CompleteGateRequest(r.Context(), systemID, id, chi.URLParam(r, "rid"))
	if err != nil {
		return err
	}
	return ui.done(w, r, g.StatusText+".", "/systems/"+systemID+"/versions/"+id+"#gates")
}

// metricCreate records a validation metric from the form on the page.
func (ui *UI) metricCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	m := aims.ValidationMetric{Name: f.Get("name"), Unit: f.Get("unit"), Source: f.Get("source")}
	value, perr := strconv.ParseFloat(strings.TrimSpace(f.Get("value")), 64)
	m.Value = value
	systemID, id := chi.URLParam(r, "id"), chi.URLParam(r, "vid")
	if perr != nil {
		return ui.renderModelVersionGates(w, r, http.StatusUnprocessableEntity, &aims.ModelVersionApproval{}, nil,
			gatesView{Metric: m, MetricErrors: formErrors{"value": "must be a number, e.g. 0.31"}})
	}
	err := ui.Svc.RecordValidationMetric(r.Context(), systemID, id, &m)
	if fe, ok := fieldErrors(err); ok {
		return ui.renderModelVersionGates(w, r, errorStatus(err), &aims.ModelVersionApproval{}, nil, gatesView{Metric: m, MetricErrors: fe})
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Recorded "+m.Name+" "+m.ValueText()+".", "/systems/"+systemID+"/versions/"+id+"#metrics")
}

// metricDelete removes a metric recorded by mistake.
func (ui *UI) metricDelete(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	systemID, id := chi.URLParam(r, "id"), chi.URLParam(r, "vid")
	if err := ui.Svc.DeleteValidationMetric(r.Context(), systemID, id, chi.URLParam(r, "mid")); err != nil {
		return err
	}
	return ui.done(w, r, "Deleted the metric.", "/systems/"+systemID+"/versions/"+id+"#metrics")
}

// metricValue is the value field of the metric form ("" before any post).
func metricValue(m aims.ValidationMetric) string {
	if m.Name == "" && m.Value == 0 {
		return ""
	}
	return strconv.FormatFloat(m.Value, 'f', -1, 64)
}
