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

func TestSystemFormRefusedShowsErrorsNextToFields(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		form := systemFormValues("", e.members[aims.RoleContributor].ID)
		form.Del("operator_roles")
		form.Set("in_scope", "") // outside the scope, without a reason
		p := e.post(aims.RoleContributor, "/systems/new", form).want(t, http.StatusUnprocessableEntity)

		name := query(t, p.doc, "form input#name[aria-invalid=true]")
		if !slices.Contains(strings.Fields(attr(name, "aria-describedby")), "name-error") {
			t.Errorf("name input aria-describedby = %q, want it to name name-error", attr(name, "aria-describedby"))
		}
		if got := text(query(t, p.doc, "#name-error")); got != "is required" {
			t.Errorf("name error = %q", got)
		}
		query(t, p.doc, "fieldset#operator_roles #operator_roles-error")
		query(t, p.doc, "input#operator_roles-deployer[aria-invalid=true]")
		if got := text(query(t, p.doc, "#scope_justification-error")); !strings.Contains(got, "4.3") {
			t.Errorf("scope justification error = %q", got)
		}
		// The summary links to each refused field.
		for _, id := range []string{"name", "operator_roles", "scope_justification"} {
			query(t, p.doc, `.form-error-summary a[href="#`+id+`"]`)
		}
		// What was typed is kept.
		if got := attr(query(t, p.doc, "input#techniques"), "value"); got != "gradient boosting, MPC" {
			t.Errorf("techniques kept as %q", got)
		}
		query(t, p.doc, "input#impact_domains-safety[checked]")
		noMatch(t, p.doc, "input#impact_domains-health[checked]")
		if n, _, _ := e.svc.FindSystems(e.ctx(aims.RoleAdmin), aims.SystemFilter{}); len(n) != 0 {
			t.Errorf("a refused form stored %d systems", len(n))
		}
	})
}

func TestSystemDuplicateNameIsRefusedOnTheField(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		e.mustSystem("Credit scoring", e.members[aims.RoleContributor])
		p := e.post(aims.RoleContributor, "/systems/new", systemFormValues("credit SCORING", e.members[aims.RoleContributor].ID)).
			want(t, http.StatusConflict)
		query(t, p.doc, "input#name[aria-invalid=true]")
		if got := text(query(t, p.doc, "#name-error")); !strings.Contains(got, "already used") {
			t.Errorf("name error = %q", got)
		}
	})
}

func TestSystemCreateShowAndEdit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		p := e.post(aims.RoleContributor, "/systems/new", systemFormValues("Setpoint optimizer", owner.ID)).want(t, http.StatusSeeOther)
		if !strings.HasPrefix(p.location, "/systems/") {
			t.Fatalf("redirect to %q", p.location)
		}
		detail := e.get(aims.RoleViewer, p.location).want(t, http.StatusOK)
		if got := text(query(t, detail.doc, "h1")); got != "Setpoint optimizer" {
			t.Errorf("h1 = %q", got)
		}
		fields := map[string]string{}
		dts, dds := queryAll(detail.doc, "dl.fields dt"), queryAll(detail.doc, "dl.fields dd")
		for i := range dts {
			fields[strings.Fields(text(dts[i]))[0]] = text(dds[i])
		}
		for k, want := range map[string]string{"Owner": owner.Email, "Autonomy": "Acts autonomously", "Impact": "Safety, Environment",
			"AI": "gradient boosting, MPC", "In": "Yes"} {
			if !strings.Contains(fields[k], want) {
				t.Errorf("%s = %q, want it to contain %q", k, fields[k], want)
			}
		}
		if got := texts(detail.doc, "ul.tags a.tag"); !slices.Equal(got, []string{"plant", "dewatering"}) {
			t.Errorf("tags = %v", got)
		}
		// A viewer sees no edit button; the owner does.
		noMatch(t, detail.doc, `a[href="`+p.location+`/edit"]`)
		query(t, e.get(aims.RoleSystemOwner, p.location).doc, `a[href="`+p.location+`/edit"]`)

		edit := e.get(aims.RoleSystemOwner, p.location+"/edit").want(t, http.StatusOK)
		if got := attr(query(t, edit.doc, "input#name"), "value"); got != "Setpoint optimizer" {
			t.Errorf("edit form name = %q", got)
		}
		// The stage is text on the edit form: it moves by its act.
		if got := text(query(t, edit.doc, `p#lifecycle_stage strong`)); got != "Development" {
			t.Errorf("edit form stage = %q", got)
		}
		noMatch(t, edit.doc, `select#lifecycle_stage`)
		query(t, edit.doc, `select#owner_id option[selected]`)

		form := systemFormValues("Setpoint optimizer", owner.ID)
		form.Set("lifecycle_stage", "deployed") // ignored: an edit does not move the stage
		form.Del("tags")
		e.post(aims.RoleSystemOwner, p.location+"/edit", form).want(t, http.StatusSeeOther)
		after := e.get(aims.RoleViewer, p.location).want(t, http.StatusOK)
		if got := text(query(t, after.doc, "hgroup .badge")); got != "Development" {
			t.Errorf("stage after edit = %q", got)
		}

		// The stage act (issue 17): the owner moves it but may not deploy;
		// the manager's move into deployed is refused with the failing
		// checks; an admin overrides with a reason, and the system is flagged.
		e.post(aims.RoleSystemOwner, p.location+"/stage", url.Values{"to": {"verification_and_validation"}}).want(t, http.StatusSeeOther)
		ownerPage := e.get(aims.RoleSystemOwner, p.location).want(t, http.StatusOK)
		noMatch(t, ownerPage.doc, `select#to option[value=deployed]`)
		query(t, ownerPage.doc, `select#to option[value=suspended]`)
		if n := len(queryAll(ownerPage.doc, "#system-gate li.gate-check.failing")); n != 3 {
			t.Errorf("%d failing checks shown before the move, want 3 (impact, classification, and approvals: the owner may not approve)", n)
		}
		e.post(aims.RoleSystemOwner, p.location+"/stage", url.Values{"to": {"deployed"}}).want(t, http.StatusForbidden)
		refused := e.post(aims.RoleAIMSManager, p.location+"/stage", url.Values{"to": {"deployed"}}).want(t, http.StatusConflict)
		if got := text(query(t, refused.doc, "#stage-error")); !strings.Contains(got, "system deployment gate") {
			t.Errorf("refusal = %q", got)
		}
		noMatch(t, refused.doc, "#override_reason")
		query(t, e.get(aims.RoleAdmin, p.location).doc, "input#override_reason")
		e.post(aims.RoleAdmin, p.location+"/stage", url.Values{"to": {"deployed"}, "override_reason": {"commissioned before aims"}}).want(t, http.StatusSeeOther)
		flagged := e.get(aims.RoleViewer, p.location).want(t, http.StatusOK)
		if got := text(query(t, flagged.doc, "#system-gate-override")); !strings.Contains(got, "commissioned before aims") {
			t.Errorf("override flag = %q", got)
		}
		query(t, e.get(aims.RoleViewer, "/systems").doc, "span.gate-override")
	})
}

func TestViewerCannotRegisterSystems(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		s := e.mustSystem("Credit scoring", e.members[aims.RoleSystemOwner])
		for _, role := range []aims.Role{aims.RoleViewer, aims.RoleAuditor} {
			list := e.get(role, "/systems").want(t, http.StatusOK)
			noMatch(t, list.doc, `a[href="/systems/new"]`)
			noMatch(t, list.doc, `a[href="/systems/import"]`)
			e.post(role, "/systems/new", systemFormValues("Sneaky", e.members[role].ID)).want(t, http.StatusForbidden)
			e.get(role, "/systems/new").want(t, http.StatusForbidden)
			e.post(role, "/systems/"+s.ID+"/edit", systemFormValues("Renamed", s.OwnerID)).want(t, http.StatusForbidden)
			e.post(role, "/systems/"+s.ID+"/delete", nil).want(t, http.StatusForbidden)
		}
		query(t, e.get(aims.RoleContributor, "/systems").doc, `a[href="/systems/new"]`)
		// The auditor exports; the viewer does not see the link.
		query(t, e.get(aims.RoleAuditor, "/systems").doc, `a[href="/api/v1/systems/export.csv"]`)
		noMatch(t, e.get(aims.RoleViewer, "/systems").doc, "a[download]")
		got, _ := e.svc.FindSystemByID(e.ctx(aims.RoleAdmin), s.ID)
		if got.Name != "Credit scoring" {
			t.Errorf("a refused edit renamed the system to %q", got.Name)
		}
	})
}

func TestSystemOwnerRegistersOnlyOwnSystems(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		list := e.get(aims.RoleSystemOwner, "/systems").want(t, http.StatusOK)
		query(t, list.doc, `a[href="/systems/new"]`)
		noMatch(t, list.doc, `a[href="/systems/import"]`) // a spreadsheet may name anyone's system
		e.get(aims.RoleSystemOwner, "/systems/import").want(t, http.StatusForbidden)
		p := e.get(aims.RoleSystemOwner, "/systems/new").want(t, http.StatusOK)
		if opts := queryAll(p.doc, "select#owner_id option"); len(opts) != 1 || attr(opts[0], "value") != owner.ID {
			t.Errorf("a system owner is offered %d owners, want only themselves", len(opts))
		}
		e.post(aims.RoleSystemOwner, "/systems/new", systemFormValues("Someone else's", e.members[aims.RoleViewer].ID)).
			want(t, http.StatusForbidden)
		other := e.mustSystem("Chatbot", e.members[aims.RoleContributor])
		noMatch(t, e.get(aims.RoleSystemOwner, "/systems/"+other.ID).doc, `a[href="/systems/`+other.ID+`/edit"]`)
		e.get(aims.RoleSystemOwner, "/systems/"+other.ID+"/edit").want(t, http.StatusForbidden)
	})
}

func TestOtherOrganizationsSystemIsNotFound(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		theirs := storetest.System("Their secret system", e.other.Admin.ID)
		e.other.MustCreateSystem(t, db, theirs)
		for _, path := range []string{"/systems/" + theirs.ID, "/systems/" + theirs.ID + "/edit", "/systems/" + theirs.ID + "/versions/new",
			"/systems/" + theirs.ID + "/delete", "/systems/no-such-id"} {
			p := e.get(aims.RoleAdmin, path).want(t, http.StatusNotFound)
			if strings.Contains(p.body, "Their secret system") {
				t.Errorf("%s reveals the other organization's system", path)
			}
			query(t, p.doc, "article.error h1")
		}
		e.post(aims.RoleAdmin, "/systems/"+theirs.ID+"/delete", nil).want(t, http.StatusNotFound)
		e.post(aims.RoleAdmin, "/systems/"+theirs.ID+"/edit", systemFormValues("Mine now", e.org.Admin.ID)).want(t, http.StatusNotFound)
		list := e.get(aims.RoleAdmin, "/systems").want(t, http.StatusOK)
		noMatch(t, list.doc, "#system-results table")
	})
}

func TestSystemListSearchFiltersAndPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		e.mustSystem("Setpoint optimizer", owner)
		e.mustSystem("Credit scoring", e.members[aims.RoleContributor])

		p := e.get(aims.RoleViewer, "/systems?q=SETPOINT").want(t, http.StatusOK)
		if got := recordLinks(p.doc, "#system-results tbody a"); !slices.Equal(got, []string{"Setpoint optimizer"}) {
			t.Errorf("search found %v", got)
		}
		if got := attr(query(t, p.doc, "input#q"), "value"); got != "SETPOINT" {
			t.Errorf("search box keeps %q", got)
		}
		// A live search (htmx) gets the results alone, without the layout.
		hx := e.do(e.members[aims.RoleViewer], http.MethodGet, "/systems?q=credit", nil,
			http.Header{"Hx-Request": {"true"}, "Hx-Target": {"system-results"}}).want(t, http.StatusOK)
		noMatch(t, hx.doc, "nav")
		if got := recordLinks(hx.doc, "#system-results tbody a"); !slices.Equal(got, []string{"Credit scoring"}) {
			t.Errorf("live search found %v", got)
		}
		// The search field asks for that fragment.
		q := query(t, p.doc, "input#q[hx-get]")
		if attr(q, "hx-target") != "#system-results" || !strings.Contains(attr(q, "hx-trigger"), "delay:") {
			t.Errorf("search field: hx-target %q hx-trigger %q", attr(q, "hx-target"), attr(q, "hx-trigger"))
		}

		byOwner := e.get(aims.RoleViewer, "/systems?owner_id="+owner.ID).want(t, http.StatusOK)
		if got := recordLinks(byOwner.doc, "#system-results tbody a"); !slices.Equal(got, []string{"Setpoint optimizer"}) {
			t.Errorf("owner filter found %v", got)
		}
		query(t, byOwner.doc, `select#owner_id option[value="`+owner.ID+`"][selected]`)
		// The export link carries the filters.
		export := attr(query(t, e.get(aims.RoleAuditor, "/systems?owner_id="+owner.ID+"&sort=-name").doc, `a[download]`), "href")
		u, _ := url.Parse(export)
		if u.Path != "/api/v1/systems/export.csv" || u.Query().Get("owner_id") != owner.ID || u.Query().Get("sort") != "-name" {
			t.Errorf("export link %q", export)
		}
		desc := e.get(aims.RoleViewer, "/systems?sort=-name").want(t, http.StatusOK)
		if got := recordLinks(desc.doc, "#system-results tbody tr td a"); !slices.Equal(got, []string{"Setpoint optimizer", "Credit scoring"}) {
			t.Errorf("sorted by name descending: %v", got)
		}
		// The Name and Changed headers sort the list and say how it is sorted.
		if got := attr(query(t, desc.doc, "#system-results th[aria-sort=descending] a"), "href"); got != "/systems?sort=name" {
			t.Errorf("name header, sorted Z to A, links %q, want /systems?sort=name", got)
		}
		asc := e.get(aims.RoleViewer, "/systems?owner_id="+owner.ID).want(t, http.StatusOK)
		heads := queryAll(asc.doc, "#system-results thead th a")
		if len(heads) != 2 || attr(heads[0], "href") != "/systems?owner_id="+owner.ID+"&sort=-name" ||
			attr(heads[1], "href") != "/systems?owner_id="+owner.ID+"&sort=-updated_at" {
			t.Errorf("sortable headers of the default order: %d links", len(heads))
		}
		query(t, asc.doc, "#system-results th[aria-sort=ascending]")

		none := e.get(aims.RoleContributor, "/systems?q=zzz").want(t, http.StatusOK)
		if got := text(query(t, none.doc, "article.empty h2")); got != "No AI system matches" {
			t.Errorf("empty state = %q", got)
		}
		e.get(aims.RoleViewer, "/systems?lifecycle_stage=bogus").want(t, http.StatusUnprocessableEntity)

		for i := range listPerPage + 1 {
			e.mustSystem("Bulk "+string(rune('a'+i/26))+string(rune('a'+i%26)), owner)
		}
		first := e.get(aims.RoleViewer, "/systems?q=bulk").want(t, http.StatusOK)
		if n := len(queryAll(first.doc, "#system-results tbody tr")); n != listPerPage {
			t.Errorf("first page has %d rows", n)
		}
		next := attr(query(t, first.doc, "nav.pager a[rel=next]"), "href")
		second := e.get(aims.RoleViewer, next).want(t, http.StatusOK)
		if got := recordLinks(second.doc, "#system-results tbody tr td a"); len(got) != 1 || got[0] != "Bulk az" {
			t.Errorf("second page (%s) = %v", next, got)
		}
	})
}

func TestEmptyInventoryInvitesRegistration(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		p := e.get(aims.RoleContributor, "/systems").want(t, http.StatusOK)
		if got := text(query(t, p.doc, "article.empty h2")); got != "No AI systems yet" {
			t.Errorf("empty state = %q", got)
		}
		query(t, p.doc, `article.empty a[href="/systems/new"]`)
		query(t, p.doc, `article.empty a[href="/systems/import"]`)
		noMatch(t, e.get(aims.RoleViewer, "/systems").doc, `article.empty a[href="/systems/new"]`)
	})
}

func TestSystemDeleteAsksThenRefusesWhileVersionsLink(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		s := e.mustSystem("Chatbot", e.members[aims.RoleContributor])
		mv := &aims.ModelVersion{SystemID: s.ID, Version: "1", Digest: strings.Repeat("ab", 32)}
		if err := e.svc.CreateModelVersion(e.ctx(aims.RoleAdmin), mv); err != nil {
			t.Fatal(err)
		}
		confirm := e.get(aims.RoleContributor, "/systems/"+s.ID+"/delete").want(t, http.StatusOK)
		query(t, confirm.doc, `form[action="/systems/`+s.ID+`/delete"][method=post] button`)
		refused := e.post(aims.RoleContributor, "/systems/"+s.ID+"/delete", nil).want(t, http.StatusConflict)
		if got := text(query(t, refused.doc, "[role=alert]")); !strings.Contains(got, "model version") {
			t.Errorf("refusal says %q", got)
		}
		e.post(aims.RoleContributor, "/systems/"+s.ID+"/versions/"+mv.ID+"/delete", nil).want(t, http.StatusSeeOther)
		done := e.post(aims.RoleContributor, "/systems/"+s.ID+"/delete", nil).want(t, http.StatusSeeOther)
		if done.location != "/systems" {
			t.Errorf("after delete, redirect to %q", done.location)
		}
		e.get(aims.RoleContributor, "/systems/"+s.ID).want(t, http.StatusNotFound)
	})
}
