package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// upload posts a CSV file to the import page as the member with role.
func (e *testEnv) upload(role aims.Role, csv string, dryRun bool) page {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if dryRun {
		_ = mw.WriteField("dry_run", "true")
	}
	if csv != "" {
		fw, _ := mw.CreateFormFile("file", "inventory.csv")
		_, _ = fw.Write([]byte(csv))
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/systems/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(testMemberHeader, e.members[role].ID)
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return e.parse(rec.Result())
}

func TestImportPageAsksForAFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		page := e.get(aims.RoleContributor, "/systems/import").want(t, http.StatusOK)
		form := query(t, page.doc, `form[action="/systems/import"][enctype="multipart/form-data"]`)
		query(t, form, "input#file[type=file]")
		query(t, form, "input#dry_run[checked]")
		e.get(aims.RoleViewer, "/systems/import").want(t, http.StatusForbidden)

		// Posted without a file: the message is next to the file input, and
		// the dry-run choice is kept.
		p := e.upload(aims.RoleContributor, "", true).want(t, http.StatusUnprocessableEntity)
		query(t, p.doc, "input#file[aria-invalid=true]")
		query(t, p.doc, "#file-error")
		query(t, p.doc, "input#dry_run[checked]")
	})
}

// TestImportThroughThePage runs the page against the service's import.
func TestImportThroughThePage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner].Email
		header := "name,purpose,owner_email,operator_roles,lifecycle_stage,autonomy\n"
		bad := header +
			"Setpoint optimizer,Doses polymer," + owner + ",deployer,deployed,autonomous\n" +
			"Credit scoring,Scores loans," + owner + ",deployer,bogus,advisory\n" +
			"Chatbot,Answers customers,nobody@acme.test,deployer,deployed,advisory\n"
		p := e.upload(aims.RoleContributor, bad, false).want(t, http.StatusUnprocessableEntity)
		var lines, columns []string
		for _, tr := range queryAll(p.doc, "table.problems tbody tr") {
			cells := texts(tr, "td")
			lines, columns = append(lines, cells[0]), append(columns, cells[1])
		}
		if !slices.Equal(lines, []string{"3", "4"}) || !slices.Equal(columns, []string{"lifecycle_stage", "owner_email"}) {
			t.Errorf("problems at lines %v, columns %v", lines, columns)
		}
		if list, _, _ := e.svc.FindSystems(e.ctx(aims.RoleAdmin), aims.SystemFilter{}); len(list) != 0 {
			t.Errorf("a refused file imported %d systems", len(list))
		}

		good := header + "Setpoint optimizer,Doses polymer," + owner + ",deployer,deployed,autonomous\n" +
			"Credit scoring,Scores loans," + owner + ",deployer;provider,development,advisory\n"
		dry := e.upload(aims.RoleContributor, good, true).want(t, http.StatusOK)
		if got := text(query(t, dry.doc, ".import-result")); !strings.Contains(got, "create 2 AI systems") {
			t.Errorf("dry run says %q", got)
		}
		if list, _, _ := e.svc.FindSystems(e.ctx(aims.RoleAdmin), aims.SystemFilter{}); len(list) != 0 {
			t.Errorf("a dry run imported %d systems", len(list))
		}
		done := e.upload(aims.RoleContributor, good, false).want(t, http.StatusSeeOther)
		if done.location != "/systems" {
			t.Errorf("after import, redirect to %q", done.location)
		}
		if list, _, _ := e.svc.FindSystems(e.ctx(aims.RoleAdmin), aims.SystemFilter{}); len(list) != 2 {
			t.Errorf("imported %d systems, want 2", len(list))
		}
		e.upload(aims.RoleSystemOwner, good, false).want(t, http.StatusForbidden)
	})
}
