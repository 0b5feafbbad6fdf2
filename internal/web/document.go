package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// The controlled documents (ISO/IEC 42001 7.5.2, 7.5.3): the register on
// the page kit, each document's page with its versions, and a version's
// page with its text, its approval and its acknowledgements.

func (ui *UI) registerDocuments(r chi.Router) {
	crud[aims.Document]{
		path: "/documents", noun: "document", plural: "documents",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.Document, int, bool, error) {
			f := aims.DocumentFilter{Search: q.Get("q"), Type: aims.DocumentType(q.Get("doc_type")),
				Status: aims.DocumentStatus(q.Get("status")), Overdue: q.Get("overdue") == "1", Sort: q.Get("sort"), Page: page}
			list, total, err := ui.Svc.FindDocuments(ctx, f)
			return list, total, f.Search != "" || f.Type != "" || f.Status != "" || f.Overdue, err
		},
		listPage: DocumentListPage,
		detail:   (*UI).documentDetail,
		find:     ui.Svc.FindDocumentByID,
		key:      func(d *aims.Document) (string, string) { return d.ID, d.Title },
		blank: func() *aims.Document {
			return &aims.Document{Classification: aims.ClassInternal, ReviewIntervalMonths: 12}
		},
		read:   readDocument,
		create: ui.createDocument,
		update: func(ctx context.Context, d *aims.Document) error {
			_, err := ui.Svc.UpdateDocument(ctx, d.ID, aims.DocumentUpdate{Title: &d.Title, Type: &d.Type, Classification: &d.Classification,
				OwnerID: &d.OwnerID, ReviewIntervalMonths: &d.ReviewIntervalMonths, NextReview: dateOrZero(d.NextReview),
				Requirements: &d.Requirements, SystemIDs: &d.SystemIDs, Processes: &d.Processes, Sites: &d.Sites, BusinessUnits: &d.BusinessUnits,
				AIRoles: &d.AIRoles, Interfaces: &d.Interfaces})
			return err
		},
		delete: ui.Svc.DeleteDocument,
		form: func(ui *UI, r *http.Request, p Page, f formState[aims.Document]) (templ.Component, error) {
			owners, err := ui.memberOptions(r, f.Record.OwnerID, false)
			if err != nil {
				return nil, err
			}
			systems, err := ui.systemOptions(r, "")
			if err != nil {
				return nil, err
			}
			for i := range systems {
				systems[i].Selected = slices.Contains(f.Record.SystemIDs, systems[i].Value)
			}
			return DocumentFormPage(p, documentForm(f), owners, systems), nil
		},
	}.routes(ui, r)
	r.Post("/documents/{id}/versions", ui.handle(ui.versionCreate))
	r.Get("/documents/{id}/versions/{vid}", ui.handle(ui.versionDetail))
	r.Post("/documents/{id}/versions/{vid}/edit", ui.handle(ui.versionEdit))
	r.Post("/documents/{id}/versions/{vid}/submit", ui.handle(ui.versionSubmit))
	r.Post("/documents/{id}/versions/{vid}/withdraw", ui.handle(ui.versionWithdraw))
	r.Post("/documents/{id}/versions/{vid}/acknowledge", ui.handle(ui.versionAcknowledge))
}

func dateOrZero(d *aims.Date) *aims.Date {
	if d == nil {
		return &aims.Date{}
	}
	return d
}

// createDocument adds a document; a new AI policy starts with a draft of
// the policy template, for the organization to make its own.
func (ui *UI) createDocument(ctx context.Context, d *aims.Document) error {
	if err := ui.Svc.CreateDocument(ctx, d); err != nil {
		return err
	}
	body := service.DocumentTemplate(d.Type, authz.PrincipalFrom(ctx).OrgName)
	if body == "" {
		return nil
	}
	return ui.Svc.CreateDocumentVersion(ctx, d.ID, &aims.DocumentVersion{Major: 0, Minor: 1, Body: body,
		ChangeSummary: "Started from the aims AI policy template"})
}

// readDocument reads the document form.
func readDocument(id string, f url.Values) (*aims.Document, error) {
	var v aims.Validation
	d := &aims.Document{ID: id, Title: f.Get("title"), Type: aims.DocumentType(f.Get("doc_type")),
		Classification: aims.DocumentClassification(f.Get("classification")), OwnerID: f.Get("owner_id"),
		Requirements: splitList(f.Get("requirements")), SystemIDs: f["system_ids"], Processes: splitList(f.Get("processes")),
		Sites: splitList(f.Get("sites")), BusinessUnits: splitList(f.Get("business_units")),
		AIRoles: enumList[aims.OperatorRole](f["ai_roles"]), NextReview: formDate(&v, f, "next_review")}
	if n, err := strconv.Atoi(strings.TrimSpace(f.Get("review_interval_months"))); err == nil {
		d.ReviewIntervalMonths = n
	} else if f.Get("review_interval_months") != "" {
		v.Add("review_interval_months", "write a whole number of months")
	}
	for _, s := range aims.ManagementStandardValues() {
		if note := strings.TrimSpace(f.Get("interface_" + string(s))); note != "" || f.Get("uses_"+string(s)) == "on" {
			d.Interfaces = append(d.Interfaces, aims.SystemInterface{Standard: s, Note: note})
		}
	}
	return d, v.Err()
}

// documentForm is the create and edit form of a document.
type documentForm formState[aims.Document]

// Action is where the form posts.
func (f documentForm) Action() string {
	if f.New {
		return "/documents/new"
	}
	return "/documents/" + f.Record.ID + "/edit"
}

// Value is a field as posted, else as stored.
func (f documentForm) Value(name, stored string) string {
	if f.Posted != nil {
		return f.Posted.Get(name)
	}
	return stored
}

// InterfaceNote is the note the document keeps for standard s.
func (f documentForm) InterfaceNote(s aims.ManagementStandard) string {
	for _, in := range f.Record.Interfaces {
		if in.Standard == s {
			return in.Note
		}
	}
	return ""
}

// documentView is a document's page.
type documentView struct {
	Doc      *aims.Document
	Versions []*aims.DocumentVersion
	Current  *aims.DocumentVersion // the approved version in force
	Acks     []aims.AckStatus      // of Current, for the AI policy
	AckCount int
	InScope  []*aims.AISystem // for the scope statement
	Excluded []*aims.AISystem
	Next     versionDraft // the new version form
	Errors   formErrors
}

// versionDraft is what the new version form starts from.
type versionDraft struct {
	Major, Minor  string
	ChangeSummary string
	Body          string
}

func (ui *UI) documentDetail(w http.ResponseWriter, r *http.Request, d *aims.Document) error {
	v, err := ui.documentView(r, d)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, DocumentPage(ui.page(r, d.Title, "documents"), v))
}

func (ui *UI) documentView(r *http.Request, d *aims.Document) (documentView, error) {
	ctx := r.Context()
	v := documentView{Doc: d}
	var err error
	if v.Versions, err = ui.Svc.FindDocumentVersions(ctx, d.ID); err != nil {
		return v, err
	}
	v.Next = versionDraft{Major: "0", Minor: "1"}
	if len(v.Versions) > 0 {
		last := v.Versions[0]
		v.Next = versionDraft{Major: strconv.Itoa(last.Major), Minor: strconv.Itoa(last.Minor + 1), Body: last.Body}
	}
	for _, ver := range v.Versions {
		if ver.Status == aims.DocApproved {
			v.Current = ver
			break
		}
	}
	if d.Type == aims.DocAIPolicy && v.Current != nil {
		if v.Acks, err = ui.Svc.FindAcknowledgements(ctx, d.ID, v.Current.ID); err != nil {
			return v, err
		}
		for _, a := range v.Acks {
			if a.AcknowledgedAt != nil {
				v.AckCount++
			}
		}
	}
	if d.Type == aims.DocScopeStatement {
		in, out := true, false
		if v.InScope, _, err = ui.Svc.FindSystems(ctx, aims.SystemFilter{InScope: &in, Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
			return v, err
		}
		if v.Excluded, _, err = ui.Svc.FindSystems(ctx, aims.SystemFilter{InScope: &out, Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
			return v, err
		}
	}
	return v, nil
}

// versionCreate adds a draft version from the document page's form.
func (ui *UI) versionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	d, err := ui.Svc.FindDocumentByID(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	f := r.PostForm
	ver := &aims.DocumentVersion{ChangeSummary: f.Get("change_summary"), Body: f.Get("body")}
	var v aims.Validation
	ver.Major, ver.Minor = formInt(&v, f, "major"), formInt(&v, f, "minor")
	err = v.Err()
	if err == nil {
		err = ui.Svc.CreateDocumentVersion(ctx, d.ID, ver)
	}
	if fe, ok := fieldErrors(err); ok {
		view, verr := ui.documentView(r, d)
		if verr != nil {
			return verr
		}
		view.Errors = fe
		view.Next = versionDraft{Major: f.Get("major"), Minor: f.Get("minor"), ChangeSummary: ver.ChangeSummary, Body: ver.Body}
		return render(w, r, errorStatus(err), DocumentPage(ui.page(r, d.Title, "documents"), view))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Added draft version "+ver.Number()+".", "/documents/"+d.ID+"/versions/"+ver.ID)
}

func formInt(v *aims.Validation, f url.Values, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
	if err != nil {
		v.Add(name, "write a whole number")
	}
	return n
}
