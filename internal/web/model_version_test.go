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

func TestModelVersionDigestRefusedNextToField(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		s := e.mustSystem("Setpoint optimizer", owner)
		form := url.Values{"version": {"2.3.1"}, "digest": {"not-a-digest"}, "status": {"candidate"}}
		p := e.post(aims.RoleSystemOwner, "/systems/"+s.ID+"/versions/new", form).want(t, http.StatusUnprocessableEntity)
		digest := query(t, p.doc, "input#digest[aria-invalid=true]")
		if !strings.Contains(attr(digest, "aria-describedby"), "digest-error") {
			t.Errorf("digest aria-describedby = %q", attr(digest, "aria-describedby"))
		}
		if got := text(query(t, p.doc, "#digest-error")); !strings.Contains(got, "64 hexadecimal") {
			t.Errorf("digest error = %q", got)
		}
		if got := attr(query(t, p.doc, "input#version"), "value"); got != "2.3.1" {
			t.Errorf("version kept as %q", got)
		}
		noMatch(t, p.doc, "input#version[aria-invalid]")
	})
}

func TestModelVersionWithDatasets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		s := e.mustSystem("Setpoint optimizer", owner)
		train := &aims.Dataset{Name: "Line 3 sensor history"}
		probe := &aims.Dataset{Name: "Moisture probe lab samples"}
		for _, d := range []*aims.Dataset{train, probe} {
			if err := e.svc.CreateDataset(e.ctx(aims.RoleContributor), d); err != nil {
				t.Fatal(err)
			}
		}
		newForm := e.get(aims.RoleSystemOwner, "/systems/"+s.ID+"/versions/new").want(t, http.StatusOK)
		if n := len(queryAll(newForm.doc, "fieldset#datasets tbody tr")); n != blankDatasetRows {
			t.Errorf("a new version offers %d dataset rows, want %d", n, blankDatasetRows)
		}

		// Row 1 is left blank; row 2 names a dataset without a purpose.
		digest := strings.Repeat("0123456789abcdef", 4)
		form := url.Values{"version": {"2.3.1"}, "digest": {"sha256:" + strings.ToUpper(digest)}, "status": {"validated"},
			"datasets/0/dataset_id": {train.ID}, "datasets/0/purpose": {"training"},
			"datasets/1/dataset_id": {""}, "datasets/1/purpose": {""},
			"datasets/2/dataset_id": {probe.ID}, "datasets/2/purpose": {""}}
		bad := e.post(aims.RoleSystemOwner, "/systems/"+s.ID+"/versions/new", form).want(t, http.StatusUnprocessableEntity)
		// Blank rows are dropped, so the bad row is now the second.
		query(t, bad.doc, "select#datasets-1-purpose[aria-invalid=true]")
		query(t, bad.doc, "#datasets-1-purpose-error")
		query(t, bad.doc, `select#datasets-0-dataset_id option[value="`+train.ID+`"][selected]`)
		query(t, bad.doc, `select#datasets-1-dataset_id option[value="`+probe.ID+`"][selected]`)

		form.Set("datasets/2/purpose", "test")
		e.post(aims.RoleSystemOwner, "/systems/"+s.ID+"/versions/new", form).want(t, http.StatusSeeOther)
		detail := e.get(aims.RoleViewer, "/systems/"+s.ID).want(t, http.StatusOK)
		row := query(t, detail.doc, "section table tbody tr")
		code := query(t, row, "code")
		if text(code) != digest[:12]+"…" || attr(code, "title") != digest {
			t.Errorf("digest shown as %q (title %q)", text(code), attr(code, "title"))
		}
		if got := texts(row, "ul.plain a"); !slices.Equal(got, []string{train.Name, probe.Name}) {
			t.Errorf("datasets column = %v", got)
		}
		if got := text(query(t, row, ".badge")); got != "Validated" {
			t.Errorf("status = %q", got)
		}
		// The dataset page lists the version that uses it.
		dp := e.get(aims.RoleViewer, "/datasets/"+train.ID).want(t, http.StatusOK)
		if got := texts(dp.doc, "section table tbody td"); !slices.Equal(got, []string{"Setpoint optimizer", "2.3.1", "Training"}) {
			t.Errorf("used by = %v", got)
		}

		// Edit: drop the probe dataset, deploy.
		mvs, _, _ := e.svc.FindModelVersions(e.ctx(aims.RoleViewer), s.ID, aims.ModelVersionFilter{})
		editPath := "/systems/" + s.ID + "/versions/" + mvs[0].ID + "/edit"
		edit := e.get(aims.RoleSystemOwner, editPath).want(t, http.StatusOK)
		if n := len(queryAll(edit.doc, "fieldset#datasets tbody tr")); n != 2+blankDatasetRows {
			t.Errorf("the edit form has %d dataset rows", n)
		}
		e.post(aims.RoleSystemOwner, editPath, url.Values{"version": {"2.3.1"}, "digest": {digest}, "status": {"deployed"},
			"datasets/0/dataset_id": {train.ID}, "datasets/0/purpose": {"training"}}).want(t, http.StatusSeeOther)
		got, _ := e.svc.FindModelVersionByID(e.ctx(aims.RoleViewer), s.ID, mvs[0].ID)
		if got.Status != aims.ModelDeployed || len(got.Datasets) != 1 {
			t.Errorf("after edit: status %s, %d datasets", got.Status, len(got.Datasets))
		}
		// A contributor may; a viewer may not.
		e.get(aims.RoleViewer, editPath).want(t, http.StatusForbidden)
		e.post(aims.RoleViewer, "/systems/"+s.ID+"/versions/new", form).want(t, http.StatusForbidden)
	})
}
