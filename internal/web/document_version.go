package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// versionView is a version's page: its text rendered, its approval
// request, and the forms the person may use.
type versionView struct {
	Doc      *aims.Document
	Version  *aims.DocumentVersion
	HTML     string // the body rendered safely (service.RenderMarkdown)
	Approval *aims.ApprovalRequest
	Members  []option // approvers to choose from
	Policy   aims.ApprovalSettings
	Acked    bool   // the person acknowledged this version
	Form     string // the form that was refused: edit, submit
	Errors   formErrors
	Posted   map[string][]string
}

// Posted value of a field, else def.
func (v versionView) Value(name, def string) string {
	if v.Posted != nil {
		if vals, ok := v.Posted[name]; ok && len(vals) > 0 {
			return vals[0]
		}
	}
	return def
}

func (ui *UI) versionView(r *http.Request) (versionView, error) {
	ctx := r.Context()
	var v versionView
	var err error
	if v.Doc, err = ui.Svc.FindDocumentByID(ctx, chi.URLParam(r, "id")); err != nil {
		return v, err
	}
	if v.Version, err = ui.Svc.FindDocumentVersion(ctx, v.Doc.ID, chi.URLParam(r, "vid")); err != nil {
		return v, err
	}
	v.HTML = service.RenderMarkdown(v.Version.Body)
	if v.Version.ApprovalID != "" {
		if v.Approval, err = ui.Svc.FindApprovalByID(ctx, v.Version.ApprovalID); err != nil {
			return v, err
		}
	}
	if v.Version.Status == aims.DocDraft && viewer(r).Can(authz.Edit) {
		if v.Policy, err = ui.Svc.FindApprovalSettings(ctx); err != nil {
			return v, err
		}
		members, err := ui.memberOptions(r, "", false)
		if err != nil {
			return v, err
		}
		me := authz.PrincipalFrom(ctx).UserID
		for _, m := range members {
			if m.Value != me || !v.Policy.SeparationOfDuties {
				v.Members = append(v.Members, m)
			}
		}
	}
	if v.Version.Status == aims.DocApproved {
		acks, err := ui.Svc.FindAcknowledgements(ctx, v.Doc.ID, v.Version.ID)
		if err != nil {
			return v, err
		}
		me := authz.PrincipalFrom(ctx).UserID
		for _, a := range acks {
			if a.UserID == me && a.AcknowledgedAt != nil {
				v.Acked = true
			}
		}
	}
	return v, nil
}

func (ui *UI) versionDetail(w http.ResponseWriter, r *http.Request) error {
	v, err := ui.versionView(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, VersionPage(ui.page(r, v.Doc.Title+" "+v.Version.Number(), "documents"), v))
}

// versionRefused shows the version page again with the refused form's
// errors next to its fields.
func (ui *UI) versionRefused(w http.ResponseWriter, r *http.Request, form string, err error) error {
	fe, ok := fieldErrors(err)
	if !ok {
		return err
	}
	v, verr := ui.versionView(r)
	if verr != nil {
		return verr
	}
	v.Form, v.Errors, v.Posted = form, fe, r.PostForm
	return render(w, r, errorStatus(err), VersionPage(ui.page(r, v.Doc.Title+" "+v.Version.Number(), "documents"), v))
}

func (ui *UI) versionEdit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var val aims.Validation
	summary, body := f.Get("change_summary"), f.Get("body")
	upd := aims.DocumentVersionUpdate{ChangeSummary: &summary, Body: &body, EffectiveOn: dateOrZero(formDate(&val, f, "effective_on"))}
	err := val.Err()
	var out *aims.DocumentVersion
	if err == nil {
		out, err = ui.Svc.UpdateDocumentVersion(r.Context(), chi.URLParam(r, "id"), chi.URLParam(r, "vid"), upd)
	}
	if err != nil {
		return ui.versionRefused(w, r, "edit", err)
	}
	msg := "Saved version " + out.Number() + "."
	if out.Status == aims.DocDraft && f.Get("was") == string(aims.DocInReview) {
		msg += " Its approval request is void: the text changed. Submit it again."
	}
	return ui.done(w, r, msg, "/documents/"+out.DocumentID+"/versions/"+out.ID)
}

func (ui *UI) versionSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var val aims.Validation
	ask := aims.ApprovalAsk{Approvers: f["approvers"], ApproverRoles: enumList[aims.Role](f["approver_roles"]),
		DueOn: formDate(&val, f, "due_on")}
	if v := f.Get("separation_of_duties"); v == "true" || v == "on" { // stricter than the organization's policy; never weaker
		on := true
		ask.SeparationOfDuties = &on
	}
	if q := f.Get("quorum"); q != "" {
		ask.Quorum = formInt(&val, f, "quorum")
	}
	err := val.Err()
	if err == nil {
		_, err = ui.Svc.SubmitDocumentVersion(r.Context(), chi.URLParam(r, "id"), chi.URLParam(r, "vid"), ask)
	}
	if err != nil {
		return ui.versionRefused(w, r, "submit", err)
	}
	return ui.done(w, r, "Submitted for approval.", r.URL.Path[:len(r.URL.Path)-len("/submit")])
}

func (ui *UI) versionWithdraw(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	out, err := ui.Svc.WithdrawDocumentVersion(r.Context(), chi.URLParam(r, "id"), chi.URLParam(r, "vid"))
	if err != nil {
		return err
	}
	return ui.done(w, r, "Withdrew version "+out.Number()+".", "/documents/"+out.DocumentID+"/versions/"+out.ID)
}

func (ui *UI) versionAcknowledge(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id, vid := chi.URLParam(r, "id"), chi.URLParam(r, "vid")
	if _, err := ui.Svc.AcknowledgeDocumentVersion(r.Context(), id, vid); err != nil {
		return err
	}
	return ui.done(w, r, "Thank you: your acknowledgement is recorded.", "/documents/"+id+"/versions/"+vid)
}

// approverRoleChoices are the roles an approval may name.
func approverRoleChoices(selected []aims.Role) []option {
	return enumOptions([]aims.Role{aims.RoleAIMSManager, aims.RoleAdmin, aims.RoleContributor, aims.RoleSystemOwner}, aims.Role.Title, selected...)
}
