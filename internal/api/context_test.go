package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// Fixtures of the context and support registers (issue 16 items 1, 3, 4,
// 6), made through the services as the host's operator.

func (o *orgEnv) mustContextIssue(t testing.TB, e *apiEnv) *aims.ContextIssue {
	t.Helper()
	c := &aims.ContextIssue{Title: unique("Issue"), Category: "Legal", Origin: aims.OriginExternal, Relevance: aims.RelevanceRelevant}
	if err := e.svc.CreateContextIssue(o.operator(), c); err != nil {
		t.Fatalf("create context issue: %v", err)
	}
	return c
}

func (o *orgEnv) mustParty(t testing.TB, e *apiEnv) *aims.InterestedParty {
	t.Helper()
	p := &aims.InterestedParty{Name: unique("Party"), Kind: aims.PartyRegulator, Origin: aims.OriginExternal,
		Requirements: []aims.PartyRequirement{{Text: "Transparency", Addressed: aims.AddressedFully, Through: []string{"iso42001:A.8.2"}}}}
	if err := e.svc.CreateInterestedParty(o.operator(), p); err != nil {
		t.Fatalf("create interested party: %v", err)
	}
	return p
}

func (o *orgEnv) mustChange(t testing.TB, e *apiEnv) *aims.PlannedChange {
	t.Helper()
	c := &aims.PlannedChange{Title: unique("Change"), Purpose: "Grow"}
	if err := e.svc.CreatePlannedChange(o.operator(), c); err != nil {
		t.Fatalf("create planned change: %v", err)
	}
	return c
}

func (o *orgEnv) mustResource(t testing.TB, e *apiEnv) *aims.Resource {
	t.Helper()
	r := &aims.Resource{Name: unique("Resource"), Kind: aims.ResourceCompute}
	if err := e.svc.CreateResource(o.operator(), r); err != nil {
		t.Fatalf("create resource: %v", err)
	}
	return r
}

func (o *orgEnv) mustCommunication(t testing.TB, e *apiEnv) *aims.Communication {
	t.Helper()
	c := &aims.Communication{Subject: unique("Briefing"), AudienceKind: aims.AudienceInternal, Audience: "Operators",
		Cadence: aims.CadenceAsNeeded}
	if err := e.svc.CreateCommunication(o.operator(), c); err != nil {
		t.Fatalf("create communication: %v", err)
	}
	return c
}

func withID[T any](mk func(*orgEnv, testing.TB, *apiEnv) *T, id func(*T) string, body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": id(mk(o, t, e))}, body
	}
}

func body(b map[string]any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		out := map[string]any{}
		for k, v := range b {
			if s, ok := v.(string); ok && strings.HasSuffix(s, "#") {
				v = unique(strings.TrimSuffix(s, "#"))
			}
			out[k] = v
		}
		return nil, out
	}
}

func init() {
	issue := func(b any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return withID((*orgEnv).mustContextIssue, func(c *aims.ContextIssue) string { return c.ID }, b)
	}
	party := func(b any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return withID((*orgEnv).mustParty, func(p *aims.InterestedParty) string { return p.ID }, b)
	}
	change := func(b any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return withID((*orgEnv).mustChange, func(c *aims.PlannedChange) string { return c.ID }, b)
	}
	resource := func(b any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return withID((*orgEnv).mustResource, func(r *aims.Resource) string { return r.ID }, b)
	}
	comm := func(b any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return withID((*orgEnv).mustCommunication, func(c *aims.Communication) string { return c.ID }, b)
	}
	// Everyone reads the context and support records, exporters export
	// them, editors write them: an auditor and a viewer never do, nor a
	// system owner (these records are the organization's, not a system's).
	addOpCases(map[string]opCase{
		"list-context-issues":    {allowed: everyone, prepare: noParams, success: 200},
		"export-context-issues":  {allowed: exporters, prepare: noParams, success: 200},
		"create-context-issue":   {allowed: editors, success: 201, prepare: body(map[string]any{"title": "Issue#", "category": "Market", "origin": "external"})},
		"get-context-issue":      {allowed: everyone, prepare: issue(nil), success: 200},
		"update-context-issue":   {allowed: editors, prepare: issue(map[string]any{"effect": "changed"}), success: 200},
		"delete-context-issue":   {allowed: editors, prepare: issue(nil), success: 204},
		"get-context-summary":    {allowed: everyone, prepare: noParams, success: 200},
		"get-context-categories": {allowed: everyone, prepare: noParams, success: 200},
		"put-context-categories": {allowed: editors, success: 200, prepare: body(map[string]any{"categories": []string{"Legal", "Market", "Technical"}})},

		"list-interested-parties":   {allowed: everyone, prepare: noParams, success: 200},
		"export-interested-parties": {allowed: exporters, prepare: noParams, success: 200},
		"create-interested-party":   {allowed: editors, success: 201, prepare: body(map[string]any{"name": "Party#", "kind": "customer", "origin": "external"})},
		"get-interested-party":      {allowed: everyone, prepare: party(nil), success: 200},
		"update-interested-party":   {allowed: editors, prepare: party(map[string]any{"description": "changed"}), success: 200},
		"delete-interested-party":   {allowed: editors, prepare: party(nil), success: 204},

		"list-planned-changes":   {allowed: everyone, prepare: noParams, success: 200},
		"export-planned-changes": {allowed: exporters, prepare: noParams, success: 200},
		"create-planned-change":  {allowed: editors, success: 201, prepare: body(map[string]any{"title": "Change#", "purpose": "Grow"})},
		"get-planned-change":     {allowed: everyone, prepare: change(nil), success: 200},
		"update-planned-change":  {allowed: editors, prepare: change(map[string]any{"status": "in_progress"}), success: 200},
		"delete-planned-change":  {allowed: editors, prepare: change(nil), success: 204},

		"list-resources":   {allowed: everyone, prepare: noParams, success: 200},
		"export-resources": {allowed: exporters, prepare: noParams, success: 200},
		"create-resource":  {allowed: editors, success: 201, prepare: body(map[string]any{"name": "Resource#", "kind": "tooling"})},
		"get-resource":     {allowed: everyone, prepare: resource(nil), success: 200},
		"update-resource":  {allowed: editors, prepare: resource(map[string]any{"quantity": "2 FTE"}), success: 200},
		"delete-resource":  {allowed: editors, prepare: resource(nil), success: 204},

		"list-communications":   {allowed: everyone, prepare: noParams, success: 200},
		"export-communications": {allowed: exporters, prepare: noParams, success: 200},
		"create-communication": {allowed: editors, success: 201, prepare: body(map[string]any{"subject": "Notice#", "audience_kind": "affected_persons",
			"audience": "Applicants", "cadence": "as_needed"})},
		"get-communication":    {allowed: everyone, prepare: comm(nil), success: 200},
		"update-communication": {allowed: editors, prepare: comm(map[string]any{"channel": "Intranet"}), success: 200},
		"delete-communication": {allowed: editors, prepare: comm(nil), success: 204},
		"record-communication": {allowed: editors, prepare: comm(map[string]any{"date": "2026-01-15", "summary": "Briefed the shift"}), success: 201},
	})
}

// TestContextTenancy checks that another organization's context and support
// records answer 404 and stay out of lists, and that a record naming
// another organization's risk, system or member is refused on that field.
func TestContextTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		for _, pair := range [][2]string{{"a", "b"}, {"b", "a"}} {
			me, other := pair[0], pair[1]
			t.Run(me+" on "+other, func(t *testing.T) {
				o := e.orgs[other]
				issue, party, change := o.mustContextIssue(t, e), o.mustParty(t, e), o.mustChange(t, e)
				res, comm := o.mustResource(t, e), o.mustCommunication(t, e)
				risk := o.mustRisk(t, e, "", o.Admin.ID, 1, 1)
				sys := o.mustSystem(t, e.db, o.Admin.ID)
				var sc []scenario
				for _, r := range []struct{ path, id, field string }{
					{"/api/v1/context/issues", issue.ID, "title"}, {"/api/v1/interested-parties", party.ID, "name"},
					{"/api/v1/changes", change.ID, "title"}, {"/api/v1/resources", res.ID, "name"},
					{"/api/v1/communications", comm.ID, "subject"},
				} {
					sc = append(sc,
						listAs(me, "list "+r.path, r.path+"?limit=500", r.id),
						listAs(me, "export "+r.path, r.path+"/export.csv", r.id),
						notFoundAs(me, "get "+r.path, http.MethodGet, r.path+"/"+r.id, nil),
						notFoundAs(me, "patch "+r.path, http.MethodPatch, r.path+"/"+r.id, map[string]any{r.field: "Taken over"}),
						notFoundAs(me, "delete "+r.path, http.MethodDelete, r.path+"/"+r.id, nil))
				}
				sc = append(sc,
					notFoundAs(me, "record a communication", http.MethodPost, "/api/v1/communications/"+comm.ID+"/records",
						map[string]any{"date": "2026-01-15", "summary": "x"}),
					unprocessableAs(me, "issue with the other's risk", http.MethodPost, "/api/v1/context/issues",
						map[string]any{"title": unique("Cross"), "category": "Legal", "origin": "internal", "risks": []string{risk.ID}}, "/risks/0"),
					unprocessableAs(me, "resource of the other's system", http.MethodPost, "/api/v1/resources",
						map[string]any{"name": unique("Cross"), "kind": "compute", "system_id": sys.ID}, "/system_id"),
					unprocessableAs(me, "change with the other's member", http.MethodPost, "/api/v1/changes",
						map[string]any{"title": unique("Cross"), "purpose": "x", "responsible_id": o.Admin.ID}, "/responsible_id"),
					scenario{name: "issue intact", org: other, role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/context/issues/" + issue.ID, wantStatus: 200},
				)
				e.run(t, sc)
			})
		}
	})
}

// TestContextBadInput covers bad input to the context and support
// registers: each answer names every offending field.
func TestContextBadInput(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		issue := o.mustContextIssue(t, e)
		admin := aims.RoleAdmin
		e.run(t, []scenario{
			{name: "issue without fields", role: admin, method: http.MethodPost, url: "/api/v1/context/issues", body: map[string]any{},
				wantStatus: 422, check: wantPointers("/category", "/origin", "/title")},
			{name: "issue of an unknown category, not relevant without a reason", role: admin, method: http.MethodPost, url: "/api/v1/context/issues",
				body:       map[string]any{"title": unique("Issue"), "category": "Astrology", "origin": "inside", "relevance": "not_relevant"},
				wantStatus: 422, check: wantPointers("/origin", "/relevance_reason")},
			{name: "issue of a category not in the list", role: admin, method: http.MethodPost, url: "/api/v1/context/issues",
				body:       map[string]any{"title": unique("Issue"), "category": "Astrology", "origin": "internal"},
				wantStatus: 422, check: wantPointers("/category")},
			{name: "duplicate issue title, any case", role: admin, method: http.MethodPost, url: "/api/v1/context/issues",
				body:       map[string]any{"title": strings.ToUpper(issue.Title), "category": "Legal", "origin": "internal"},
				wantStatus: 409, check: wantPointers("/title")},
			{name: "empty category list", role: admin, method: http.MethodPut, url: "/api/v1/context/categories",
				body: map[string]any{"categories": []string{"Legal", "legal"}}, wantStatus: 422, check: wantPointers("/categories/1")},
			{name: "party requirement without text, unknown control", role: admin, method: http.MethodPost, url: "/api/v1/interested-parties",
				body: map[string]any{"name": unique("Party"), "kind": "regulator", "origin": "external", "requirements": []map[string]any{
					{"addressed": "addressed", "through": []string{"iso42001:Z.9"}}, {"text": "Notice", "addressed": "maybe", "through": []string{"nonsense"}}}},
				wantStatus: 422, check: wantPointers("/requirements/0/text", "/requirements/1/addressed", "/requirements/1/through/0")},
			{name: "party requirement naming a control that does not exist", role: admin, method: http.MethodPost, url: "/api/v1/interested-parties",
				body: map[string]any{"name": unique("Party"), "kind": "regulator", "origin": "external", "requirements": []map[string]any{
					{"text": "Logs", "addressed": "addressed", "through": []string{"iso42001:Z.9", "document:any-id", "eu-ai-act:Art. 26"}}}},
				wantStatus: 422, check: wantPointers("/requirements/0/through/0")},
			{name: "party of an unknown kind", role: admin, method: http.MethodPost, url: "/api/v1/interested-parties",
				body: map[string]any{"name": "", "kind": "aliens", "origin": "external"}, wantStatus: 422, check: wantPointers("/kind", "/name")},
			{name: "completed change without a date, cancelled without a note", role: admin, method: http.MethodPost, url: "/api/v1/changes",
				body: map[string]any{"title": unique("Change"), "status": "completed"}, wantStatus: 422, check: wantPointers("/completed_on", "/purpose")},
			{name: "cancelled change without a note", role: admin, method: http.MethodPost, url: "/api/v1/changes",
				body: map[string]any{"title": unique("Change"), "purpose": "x", "status": "cancelled"}, wantStatus: 422, check: wantPointers("/completion_note")},
			{name: "resource of an unknown kind and system", role: admin, method: http.MethodPost, url: "/api/v1/resources",
				body:       map[string]any{"name": unique("Resource"), "kind": "magic", "system_id": "01900000-0000-7000-8000-000000000000"},
				wantStatus: 422, check: wantPointers("/kind")},
			{name: "resource of an unknown system", role: admin, method: http.MethodPost, url: "/api/v1/resources",
				body:       map[string]any{"name": unique("Resource"), "kind": "data", "system_id": "01900000-0000-7000-8000-000000000000"},
				wantStatus: 422, check: wantPointers("/system_id")},
			{name: "communication without audience or first date", role: admin, method: http.MethodPost, url: "/api/v1/communications",
				body:       map[string]any{"subject": unique("Notice"), "audience_kind": "everyone", "cadence": "monthly"},
				wantStatus: 422, check: wantPointers("/audience", "/audience_kind", "/first_due")},
			{name: "record of a communication without a summary", role: admin, method: http.MethodPost,
				url: "/api/v1/communications/" + o.mustCommunication(t, e).ID + "/records", body: map[string]any{"date": "2026-01-15"},
				wantStatus: 422, check: wantPointers("/records/0/summary")},
			{name: "unknown issue", role: admin, method: http.MethodGet, url: "/api/v1/context/issues/01900000-0000-7000-8000-000000000000",
				wantStatus: 404, check: wantDetail("not found")},
			{name: "viewer adds an issue", role: aims.RoleViewer, method: http.MethodPost, url: "/api/v1/context/issues",
				body: map[string]any{"title": unique("Issue"), "category": "Legal", "origin": "internal"}, wantStatus: 403},
			{name: "auditor changes the categories", role: aims.RoleAuditor, method: http.MethodPut, url: "/api/v1/context/categories",
				body: map[string]any{"categories": []string{"Legal"}}, wantStatus: 403},
		})
	})
}

// TestClimateChangeQuestion follows the climate-change question of 4.1 (the
// 2024 amendment): not determined until an issue marked as the climate
// issue says relevant or not (with a reason), and only one issue answers it.
func TestClimateChangeQuestion(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		summary := func(t *testing.T) aims.ContextSummary {
			t.Helper()
			res := e.do(t, request{method: http.MethodGet, url: "/api/v1/context/summary", token: e.orgs["a"].tokens[aims.RoleViewer]})
			if res.Code != 200 {
				t.Fatalf("summary: %d %s", res.Code, res.Body)
			}
			var s aims.ContextSummary
			decode(t, res, &s)
			return s
		}
		if s := summary(t); s.Climate.Determined || s.Issues != 0 {
			t.Fatalf("empty context: %+v, want the climate question open", s)
		}
		admin := e.orgs["a"].tokens[aims.RoleAdmin]
		res := e.do(t, request{method: http.MethodPost, url: "/api/v1/context/issues", token: admin, body: map[string]any{
			"title": "Climate change", "category": "environmental", "origin": "external", "climate_change": true}})
		if res.Code != 201 {
			t.Fatalf("create climate issue: %d %s", res.Code, res.Body)
		}
		var issue aims.ContextIssue
		decode(t, res, &issue)
		if issue.Category != "Environmental" || issue.Relevance != aims.RelevanceToDetermine {
			t.Errorf("issue %+v, want the list's spelling and relevance to be determined", issue)
		}
		if s := summary(t); s.Climate.Determined || s.Climate.IssueID != issue.ID || s.UndeterminedIssues != 1 {
			t.Fatalf("climate issue to determine: %+v, want it flagged as not determined", s.Climate)
		}
		e.run(t, []scenario{
			{name: "not relevant without a reason", role: aims.RoleAdmin, method: http.MethodPatch, url: "/api/v1/context/issues/" + issue.ID,
				body: map[string]any{"relevance": "not_relevant"}, wantStatus: 422, check: wantPointers("/relevance_reason")},
			{name: "not relevant with a reason", role: aims.RoleAdmin, method: http.MethodPatch, url: "/api/v1/context/issues/" + issue.ID,
				body: map[string]any{"relevance": "not_relevant", "relevance_reason": "Our AI runs on a few edge devices"}, wantStatus: 200},
			{name: "a second climate issue", role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/context/issues",
				body:       map[string]any{"title": "Heat waves", "category": "Environmental", "origin": "external", "climate_change": true},
				wantStatus: 422, check: wantPointers("/climate_change")},
		})
		s := summary(t)
		if !s.Climate.Determined || s.Climate.Relevance != aims.RelevanceNotRelevant || s.Climate.Reason == "" || s.NotRelevantIssues != 1 {
			t.Fatalf("climate answered: %+v", s)
		}
	})
}

// TestCommunicationDue checks that a planned communication past its day is
// flagged overdue, listed by the overdue filter, and no longer once made.
func TestCommunicationDue(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		admin := e.orgs["a"].tokens[aims.RoleAdmin]
		res := e.do(t, request{method: http.MethodPost, url: "/api/v1/communications", token: admin, body: map[string]any{
			"subject": "AI at work", "audience_kind": "internal", "audience": "Works council", "cadence": "quarterly", "first_due": "2020-01-01"}})
		if res.Code != 201 {
			t.Fatalf("create: %d %s", res.Code, res.Body)
		}
		var c aims.Communication
		decode(t, res, &c)
		if !c.Overdue || c.NextDue == nil || c.NextDue.String() != "2020-01-01" {
			t.Fatalf("new entry: overdue %v, next %v; want overdue since 2020-01-01", c.Overdue, c.NextDue)
		}
		e.mustCommunicationList(t, admin, "overdue=true", c.ID, true)
		rec := e.do(t, request{method: http.MethodPost, url: "/api/v1/communications/" + c.ID + "/records", token: admin,
			body: map[string]any{"date": aims.DateOf(e.db.Now()).String(), "summary": "Quarterly briefing"}})
		if rec.Code != 201 {
			t.Fatalf("record: %d %s", rec.Code, rec.Body)
		}
		c = aims.Communication{}
		decode(t, rec, &c)
		if c.Overdue || len(c.Records) != 1 || c.NextDue == nil || !c.NextDue.After(e.db.Now()) {
			t.Fatalf("after a record: %+v", c)
		}
		e.mustCommunicationList(t, admin, "overdue=true", c.ID, false)
	})
}

func (e *apiEnv) mustCommunicationList(t *testing.T, token, query, id string, want bool) {
	t.Helper()
	res := e.do(t, request{method: http.MethodGet, url: "/api/v1/communications?" + query, token: token})
	if res.Code != 200 {
		t.Fatalf("list: %d %s", res.Code, res.Body)
	}
	if got := strings.Contains(res.Body.String(), id); got != want {
		t.Errorf("list ?%s holds the entry: %v, want %v", query, got, want)
	}
}
