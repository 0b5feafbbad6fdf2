package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// Approval requests (one engine for documents now, gates and risk
// acceptance later), and "my work".

func (ui *UI) registerApprovals(r chi.Router) {
	r.Get("/approvals", ui.handle(ui.approvalList))
	r.Get("/approvals/{id}", ui.handle(ui.approvalDetail))
	r.Post("/approvals/{id}/decide", ui.handle(ui.approvalDecide))
	r.Get("/my-work", ui.handle(ui.myWork))
}

// approvalListView is the approvals page.
type approvalListView struct {
	Status  string
	Waiting bool
	Items   []*aims.ApprovalRequest
	Pager   Pager
}

func (ui *UI) approvalList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page := pageParams(r, listPerPage)
	v := approvalListView{Status: q.Get("status"), Waiting: q.Get("waiting") == "me"}
	list, total, err := ui.Svc.FindApprovals(r.Context(), service.ApprovalQuery{Status: aims.ApprovalStatus(v.Status),
		WaitingForMe: v.Waiting, Page: page})
	if err != nil {
		return err
	}
	v.Items, v.Pager = list, newPager(r, page, total)
	return render(w, r, http.StatusOK, ApprovalListPage(ui.page(r, "Approvals", "approvals"), v))
}

// approvalView is one request's page.
type approvalView struct {
	Request *aims.ApprovalRequest
	Link    string // the record's page
	Names   map[string]string
	Errors  formErrors
	Comment string
}

func (ui *UI) approvalView(r *http.Request) (approvalView, error) {
	req, err := ui.Svc.FindApprovalByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return approvalView{}, err
	}
	v := approvalView{Request: req, Link: ui.Svc.ApprovalLink(r.Context(), req), Names: map[string]string{}}
	for _, id := range req.Approvers {
		if m, err := ui.Svc.FindMemberByID(r.Context(), id); err == nil {
			v.Names[id] = m.Name
		} else {
			v.Names[id] = "a former member"
		}
	}
	return v, nil
}

func (ui *UI) approvalDetail(w http.ResponseWriter, r *http.Request) error {
	v, err := ui.approvalView(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, ApprovalPage(ui.page(r, v.Request.AuditLabel(), "approvals"), v))
}

func (ui *UI) approvalDecide(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	in := aims.DecisionInput{Verdict: aims.Verdict(r.PostForm.Get("verdict")), Comment: r.PostForm.Get("comment")}
	out, err := ui.Svc.DecideApproval(r.Context(), chi.URLParam(r, "id"), in)
	if fe, ok := fieldErrors(err); ok && aims.KindOf(err) == aims.KindInvalid {
		v, verr := ui.approvalView(r)
		if verr != nil {
			return verr
		}
		v.Errors, v.Comment = fe, in.Comment
		return render(w, r, errorStatus(err), ApprovalPage(ui.page(r, v.Request.AuditLabel(), "approvals"), v))
	}
	if err != nil {
		return err
	}
	next := ui.Svc.ApprovalLink(r.Context(), out)
	if next == "" {
		next = "/approvals/" + out.ID
	}
	return ui.done(w, r, "Recorded: "+in.Verdict.Title()+". The request is "+out.Status.Title()+".", next)
}

func (ui *UI) myWork(w http.ResponseWriter, r *http.Request) error {
	items, err := ui.Svc.MyWork(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, MyWorkPage(ui.page(r, "My work", "my-work"), items))
}
