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

		// Edit: drop the probe dataset; the form no longer offers approved
		// or deployed, and a forged "deployed" is refused by the service.
		mvs, _, _ := e.svc.FindModelVersions(e.ctx(aims.RoleViewer), s.ID, aims.ModelVersionFilter{})
		editPath := "/systems/" + s.ID + "/versions/" + mvs[0].ID + "/edit"
		edit := e.get(aims.RoleSystemOwner, editPath).want(t, http.StatusOK)
		if n := len(queryAll(edit.doc, "fieldset#datasets tbody tr")); n != 2+blankDatasetRows {
			t.Errorf("the edit form has %d dataset rows", n)
		}
		var offered []string
		for _, o := range queryAll(edit.doc, "select#status option") {
			offered = append(offered, attr(o, "value"))
		}
		if got := offered; !slices.Equal(got, []string{"candidate", "validated", "retired"}) {
			t.Errorf("the edit form offers statuses %v", got)
		}
		forged := e.post(aims.RoleSystemOwner, editPath, url.Values{"version": {"2.3.1"}, "digest": {digest}, "status": {"deployed"},
			"datasets/0/dataset_id": {train.ID}, "datasets/0/purpose": {"training"}}).want(t, http.StatusUnprocessableEntity)
		query(t, forged.doc, "#status-error")
		e.post(aims.RoleSystemOwner, editPath, url.Values{"version": {"2.3.1"}, "digest": {digest}, "status": {"validated"},
			"datasets/0/dataset_id": {train.ID}, "datasets/0/purpose": {"training"}}).want(t, http.StatusSeeOther)
		got, _ := e.svc.FindModelVersionByID(e.ctx(aims.RoleViewer), s.ID, mvs[0].ID)
		if got.Status != aims.ModelValidated || len(got.Datasets) != 1 {
			t.Errorf("after edit: status %s, %d datasets", got.Status, len(got.Datasets))
		}
		// A contributor may; a viewer may not.
		e.get(aims.RoleViewer, editPath).want(t, http.StatusForbidden)
		e.post(aims.RoleViewer, "/systems/"+s.ID+"/versions/new", form).want(t, http.StatusForbidden)
	})
}

// testApproval is the evidence the page tests approve model versions on.
var testApproval = aims.ModelVersionApproval{Evidence: "validation report VR-1", AcceptanceCriteria: "MAE below 1 %", Result: "MAE 0.8 %"}

// TestModelVersionApprovalForm: approving is a form of its own on the model
// version's page, offered to an AIMS manager and not to the system's owner;
// a blank form names its fields; the act shows who, when and on what, and
// the next act offered is the deployment.
func TestModelVersionApprovalForm(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		s := e.mustSystem("Setpoint optimizer", e.members[aims.RoleSystemOwner])
		mv := &aims.ModelVersion{SystemID: s.ID, Version: "2.4.0", Digest: strings.Repeat("ab", 32), Status: aims.ModelValidated}
		if err := e.svc.CreateModelVersion(e.ctx(aims.RoleAdmin), mv); err != nil {
			t.Fatal(err)
		}
		page := "/systems/" + s.ID + "/versions/" + mv.ID
		if doc := e.get(aims.RoleSystemOwner, page).want(t, http.StatusOK).doc; len(queryAll(doc, "#approvals form")) != 0 {
			t.Error("the system's owner is offered the approval form")
		}
		form := url.Values{"status": {"approved"}, "evidence": {"VR-9"}, "acceptance_criteria": {"MAE < 0.5"}, "result": {"MAE 0.41"}}
		e.post(aims.RoleSystemOwner, page+"/approvals", form).want(t, http.StatusForbidden)
		doc := e.get(aims.RoleAIMSManager, page).want(t, http.StatusOK).doc
		if v := attr(query(t, doc, `#approvals form input[name=status]`), "value"); v != "approved" {
			t.Errorf("the form's act is %q", v)
		}
		bad := e.post(aims.RoleAIMSManager, page+"/approvals", url.Values{"status": {"approved"}}).want(t, http.StatusUnprocessableEntity)
		for _, f := range []string{"evidence", "acceptance_criteria", "result"} {
			query(t, bad.doc, "#"+f+"-error")
		}
		e.post(aims.RoleAIMSManager, page+"/approvals", form).want(t, http.StatusSeeOther)
		doc = e.get(aims.RoleViewer, page).want(t, http.StatusOK).doc
		row := texts(query(t, doc, "#approvals tbody tr"), "td")
		if len(row) != 6 || row[0] != "Approved" || row[1] == "" || row[3] != "VR-9" || row[4] != "MAE < 0.5" || row[5] != "MAE 0.41" {
			t.Errorf("approval row = %q", row)
		}
		if v := attr(query(t, e.get(aims.RoleAIMSManager, page).want(t, http.StatusOK).doc, `#approvals form input[name=status]`), "value"); v != "deployed" {
			t.Errorf("after approval the form's act is %q, want deployed", v)
		}
	})
}

// TestModelVersionGatesPanel (issue 17): the model version's page shows the
// gates ahead with their checks in words, records a metric, asks for
// passage through a form (errors beside the field) and lists the request
// with where it stands.
func TestModelVersionGatesPanel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		s := e.mustSystem("Setpoint optimizer", e.members[aims.RoleSystemOwner])
		mv := &aims.ModelVersion{SystemID: s.ID, Version: "2.4.0", Digest: strings.Repeat("ab", 32)}
		if err := e.svc.CreateModelVersion(e.ctx(aims.RoleAdmin), mv); err != nil {
			t.Fatal(err)
		}
		page := "/systems/" + s.ID + "/versions/" + mv.ID
		doc := e.get(aims.RoleSystemOwner, page).want(t, http.StatusOK).doc
		if got := texts(query(t, doc, "#gates"), "h3"); len(got) < 3 || got[0] != "Validation gate model version: candidate → validated" {
			t.Errorf("gates ahead: %q", got)
		}
		if text := query(t, doc, "#gates ul").FirstChild; text == nil {
			t.Error("the validation gate lists no check")
		}
		bad := e.post(aims.RoleSystemOwner, page+"/metrics", url.Values{"name": {"mae"}, "value": {"low"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#value-error")
		e.post(aims.RoleSystemOwner, page+"/metrics", url.Values{"name": {"mae"}, "value": {"0.41"}, "unit": {"kg/t"}}).want(t, http.StatusSeeOther)
		if ms, _ := e.svc.FindValidationMetrics(e.ctx(aims.RoleAdmin), s.ID, mv.ID); len(ms) != 1 || ms[0].Value != 0.41 {
			t.Fatalf("metrics after the form: %+v", ms)
		}
		bad = e.post(aims.RoleSystemOwner, page+"/gate-requests", url.Values{"to": {"approved"}, "quorum": {"two"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#quorum-error")
		bad = e.post(aims.RoleSystemOwner, page+"/gate-requests", url.Values{"to": {"approved"}, "quorum": {"5"},
			"approvers": {e.members[aims.RoleAIMSManager].ID}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#quorum-error")
		e.post(aims.RoleSystemOwner, page+"/gate-requests", url.Values{"to": {"approved"}}).want(t, http.StatusSeeOther)
		doc = e.get(aims.RoleViewer, page).want(t, http.StatusOK).doc
		row := texts(query(t, doc, "#gates tbody tr"), "td")
		if len(row) != 5 || !strings.HasPrefix(row[0], "Approval gate of Setpoint optimizer 2.4.0") ||
			!strings.HasPrefix(row[3], "Waiting for approvals: 0 of 1 approvals given; failing now: no acceptance criteria are set") {
			t.Errorf("gate request row = %q", row)
		}
	})
}

// TestAcceptanceCriteriaPage (issue 17): a system's acceptance criteria are
// set and deleted on their page, in words; a threshold that is not a
// number is refused beside the field; a viewer has no form.
func TestAcceptanceCriteriaPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		s := e.mustSystem("Setpoint optimizer", e.members[aims.RoleSystemOwner])
		page := "/systems/" + s.ID + "/acceptance-criteria"
		bad := e.post(aims.RoleSystemOwner, page, url.Values{"metric": {"mae"}, "comparison": {"<="}, "threshold": {"low"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#threshold-error")
		bad = e.post(aims.RoleSystemOwner, page, url.Values{"metric": {""}, "comparison": {"<="}, "threshold": {"0.35"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#metric-error")
		e.post(aims.RoleSystemOwner, page, url.Values{"metric": {"mae"}, "comparison": {"<="}, "threshold": {"0.35"}, "unit": {"kg/t"}}).want(t, http.StatusSeeOther)
		doc := e.get(aims.RoleViewer, page).want(t, http.StatusOK).doc
		if got := texts(doc, "#criteria li"); len(got) != 1 || !strings.HasPrefix(got[0], "mae at most 0.35 kg/t") {
			t.Errorf("criteria = %q", got)
		}
		if len(queryAll(doc, "#criterion-h")) != 0 || len(queryAll(doc, "#criteria form")) != 0 {
			t.Error("a viewer is offered a form")
		}
		list, _ := e.svc.FindAcceptanceCriteria(e.ctx(aims.RoleAdmin), s.ID)
		if len(list) != 1 {
			t.Fatalf("criteria: %+v", list)
		}
		e.post(aims.RoleSystemOwner, page+"/"+list[0].ID+"/delete", url.Values{}).want(t, http.StatusSeeOther)
		if list, _ := e.svc.FindAcceptanceCriteria(e.ctx(aims.RoleAdmin), s.ID); len(list) != 0 {
			t.Errorf("after delete: %+v", list)
		}
	})
}
