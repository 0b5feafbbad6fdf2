package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestCompetenceRequirementForm adds a requirement to a role through the
// form (every bad field refused next to itself), sees the gap on the page
// of the role's holder, and checks that the auditor and the viewer read the
// requirement without the means to change it, and that another
// organization finds nothing.
func TestCompetenceRequirementForm(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		ctx := e.ctx(aims.RoleAIMSManager)
		role := &aims.AIMSRole{Name: "Validation lead"}
		if err := e.svc.CreateAIMSRole(ctx, role); err != nil {
			t.Fatal(err)
		}
		person := &aims.Person{Name: "Ada Night", Active: true}
		if err := e.svc.CreatePerson(ctx, person); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.CreateRoleAssignment(ctx, &aims.RoleAssignment{RoleID: role.ID, PersonID: person.ID}); err != nil {
			t.Fatal(err)
		}

		// The role page leads to the form with the role chosen.
		rolePage := e.get(aims.RoleAIMSManager, "/aims-roles/"+role.ID).want(t, http.StatusOK)
		query(t, rolePage.doc, `a#add-requirement[href="/competence-requirements/new?role_id=`+role.ID+`"]`)
		form := e.get(aims.RoleAIMSManager, "/competence-requirements/new?role_id="+role.ID).want(t, http.StatusOK)
		query(t, form.doc, `select#role_id option[value="`+role.ID+`"][selected]`)

		for _, tc := range []struct {
			name   string
			form   url.Values
			fields []string
		}{
			{"nothing", url.Values{}, []string{"select#role_id", "input#competence"}},
			{"months not a number", url.Values{"role_id": {role.ID}, "competence": {"ML validation"}, "valid_months": {"two years"}}, []string{"input#valid_months"}},
			{"months out of range", url.Values{"role_id": {role.ID}, "competence": {"ML validation"}, "valid_months": {"700"}}, []string{"input#valid_months"}},
			{"unknown domain", url.Values{"role_id": {role.ID}, "competence": {"ML validation"}, "impact_domain": {"weather"}}, []string{"select#impact_domain"}},
		} {
			bad := e.post(aims.RoleAIMSManager, "/competence-requirements/new", tc.form).want(t, http.StatusUnprocessableEntity)
			for _, sel := range tc.fields {
				query(t, bad.doc, sel+"[aria-invalid=true]")
			}
		}

		saved := e.post(aims.RoleAIMSManager, "/competence-requirements/new", url.Values{"role_id": {role.ID}, "competence": {"ML validation"},
			"valid_months": {"24"}, "action": {"Book the validation course"}}).want(t, http.StatusSeeOther)
		if !strings.HasPrefix(saved.location, "/competence-requirements/") {
			t.Fatalf("saved to %q", saved.location)
		}
		gaps := texts(e.get(aims.RoleAIMSManager, "/people/"+person.ID).doc, "section[aria-labelledby=person-gaps] td")
		if got := strings.Join(gaps, "|"); !strings.Contains(got, "ML validation") || !strings.Contains(got, "Book the validation course") {
			t.Errorf("person's gaps: %q", got)
		}

		// Editing keeps the role and changes the rest.
		e.post(aims.RoleAIMSManager, saved.location+"/edit", url.Values{"role_id": {role.ID}, "competence": {"ML validation"},
			"impact_domain": {"safety"}}).want(t, http.StatusSeeOther)
		detail := e.get(aims.RoleAIMSManager, saved.location).want(t, http.StatusOK)
		if got := strings.Join(texts(detail.doc, "dl.fields dd"), "|"); !strings.Contains(got, "safety impact") || !strings.Contains(got, "Does not go out of date") {
			t.Errorf("requirement page says %q", got)
		}

		for _, r := range []aims.Role{aims.RoleAuditor, aims.RoleViewer} {
			e.get(r, "/competence-requirements").want(t, http.StatusOK)
			page := e.get(r, saved.location).want(t, http.StatusOK)
			noMatch(t, page.doc, `a[href="`+saved.location+`/edit"]`)
			noMatch(t, e.get(r, "/aims-roles/"+role.ID).doc, "a#add-requirement")
			e.get(r, "/competence-requirements/new").want(t, http.StatusForbidden)
			e.post(r, "/competence-requirements/new", url.Values{"role_id": {role.ID}, "competence": {"Other"}}).want(t, http.StatusForbidden)
			e.post(r, saved.location+"/edit", url.Values{"role_id": {role.ID}, "competence": {"Other"}}).want(t, http.StatusForbidden)
		}
		e.do(e.other.Admin, http.MethodGet, saved.location, nil, nil).want(t, http.StatusNotFound)
		e.do(e.other.Admin, http.MethodPost, saved.location+"/edit", url.Values{"role_id": {role.ID}, "competence": {"Other"}}, nil).
			want(t, http.StatusNotFound)
		// Another organization cannot attach a requirement to acme's role.
		e.do(e.other.Admin, http.MethodPost, "/competence-requirements/new", url.Values{"role_id": {role.ID}, "competence": {"Other"}}, nil).
			want(t, http.StatusUnprocessableEntity)
	})
}

// TestTrainingFormExpiryBeforeCompletion refuses a training record that
// expires before it was completed, next to the expiry field.
func TestTrainingFormExpiryBeforeCompletion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		person := &aims.Person{Name: "Ada Night", Active: true}
		if err := e.svc.CreatePerson(e.ctx(aims.RoleAIMSManager), person); err != nil {
			t.Fatal(err)
		}
		form := e.get(aims.RoleContributor, "/training-records/new?person_id="+person.ID).want(t, http.StatusOK)
		query(t, form.doc, `select#person_id option[value="`+person.ID+`"][selected]`)
		bad := e.post(aims.RoleContributor, "/training-records/new", url.Values{"person_id": {person.ID}, "competence": {"AI literacy"},
			"completed_on": {"2026-05-01"}, "expires_on": {"2026-04-01"}, "evidence": {"https://lms.example/cert/1"}}).
			want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#expires_on[aria-invalid=true]")
		e.post(aims.RoleContributor, "/training-records/new", url.Values{"person_id": {person.ID}, "competence": {"AI literacy"},
			"completed_on": {"2026-05-01"}, "expires_on": {"2028-05-01"}, "evidence": {"https://lms.example/cert/1"}}).
			want(t, http.StatusSeeOther)
		page := e.get(aims.RoleViewer, "/people/"+person.ID).want(t, http.StatusOK)
		query(t, page.doc, `section[aria-labelledby=person-training] a[href="https://lms.example/cert/1"]`)
	})
}
