package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestDatasetPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		// A window that ends before it starts is refused next to the field.
		form := url.Values{"name": {"CV corpus 2024"}, "personal_data": {"yes"}, "origin": {"Applicant tracking system export"},
			"window_start": {"2024-06-30"}, "window_end": {"2024-01-01"}}
		bad := e.post(aims.RoleContributor, "/datasets/new", form).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#window_end[aria-invalid=true]")
		query(t, bad.doc, "#window_end-error")
		if got := attr(query(t, bad.doc, "input#window_start"), "value"); got != "2024-06-30" {
			t.Errorf("window start kept as %q", got)
		}
		// A date that is not a date (no browser sends one) is named too.
		form.Set("window_end", "yesterday")
		query(t, e.post(aims.RoleContributor, "/datasets/new", form).want(t, http.StatusUnprocessableEntity).doc,
			"input#window_end[aria-invalid=true]")

		form.Set("window_end", "2024-12-31")
		created := e.post(aims.RoleContributor, "/datasets/new", form).want(t, http.StatusSeeOther)
		detail := e.get(aims.RoleViewer, created.location).want(t, http.StatusOK)
		if got := text(query(t, detail.doc, "h1")); got != "CV corpus 2024" {
			t.Errorf("h1 = %q", got)
		}
		noMatch(t, detail.doc, `a[href="`+created.location+`/edit"]`)
		query(t, e.get(aims.RoleContributor, created.location).doc, `a[href="`+created.location+`/edit"]`)

		if err := e.svc.CreateDataset(e.ctx(aims.RoleAdmin), &aims.Dataset{Name: "Plant telemetry", PersonalData: aims.PersonalDataNo}); err != nil {
			t.Fatal(err)
		}
		list := e.get(aims.RoleViewer, "/datasets?personal_data=yes").want(t, http.StatusOK)
		if got := texts(list.doc, "tbody td a"); !slices.Equal(got, []string{"CV corpus 2024"}) {
			t.Errorf("personal-data filter found %v", got)
		}
		query(t, list.doc, "select#personal_data option[value=yes][selected]")
		if got := texts(e.get(aims.RoleViewer, "/datasets?q=telemetry").doc, "tbody td a"); !slices.Equal(got, []string{"Plant telemetry"}) {
			t.Errorf("search found %v", got)
		}

		// Clearing the window on edit.
		form.Set("window_start", "")
		form.Set("window_end", "")
		e.post(aims.RoleContributor, created.location+"/edit", form).want(t, http.StatusSeeOther)
		id := strings.TrimPrefix(created.location, "/datasets/")
		d, _ := e.svc.FindDatasetByID(e.ctx(aims.RoleViewer), id)
		if d.WindowStart != nil || d.WindowEnd != nil {
			t.Errorf("window after clearing = %v, %v", d.WindowStart, d.WindowEnd)
		}
		e.post(aims.RoleViewer, created.location+"/edit", form).want(t, http.StatusForbidden)
		e.post(aims.RoleContributor, created.location+"/delete", nil).want(t, http.StatusSeeOther)
		e.get(aims.RoleViewer, created.location).want(t, http.StatusNotFound)
	})
}

func TestSupplierPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		bad := e.post(aims.RoleContributor, "/suppliers/new", url.Values{"name": {"Acme Vision"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "fieldset#supplies #supplies-error")
		query(t, bad.doc, "input#supplies-model[aria-invalid=true]")

		created := e.post(aims.RoleContributor, "/suppliers/new",
			url.Values{"name": {"Acme Vision"}, "supplies": {"model", "system"}, "contact": {"support@acme-vision.example"}}).
			want(t, http.StatusSeeOther)
		id := strings.TrimPrefix(created.location, "/suppliers/")
		sys := storetest.System("Setpoint optimizer", e.members[aims.RoleSystemOwner].ID)
		sys.SupplierID = id
		if err := e.svc.CreateSystem(e.ctx(aims.RoleAdmin), sys); err != nil {
			t.Fatal(err)
		}
		detail := e.get(aims.RoleViewer, created.location).want(t, http.StatusOK)
		if got := texts(detail.doc, `section[aria-labelledby=supplied-systems] li a`); !slices.Equal(got, []string{"Setpoint optimizer"}) {
			t.Errorf("supplied systems = %v", got)
		}
		list := e.get(aims.RoleViewer, "/suppliers?supplies=system").want(t, http.StatusOK)
		if got := texts(list.doc, "tbody td"); len(got) < 3 || got[0] != "Acme Vision" || got[2] != "1" {
			t.Errorf("supplier row = %v", got)
		}
		// The system page links its supplier.
		query(t, e.get(aims.RoleViewer, "/systems/"+sys.ID).doc, `a[href="/suppliers/`+id+`"]`)

		refused := e.post(aims.RoleContributor, created.location+"/delete", nil).want(t, http.StatusConflict)
		query(t, refused.doc, "article [role=alert]")
		e.get(aims.RoleViewer, "/suppliers/new").want(t, http.StatusForbidden)
	})
}
