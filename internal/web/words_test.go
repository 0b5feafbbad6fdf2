package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"golang.org/x/net/html"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
	"github.com/aimsproject/aims/internal/web/ui"
)

// Words for people: the pages a person reads show names, labels and
// readable times, never a record's UUID, an enum's stored value or a JSON
// field name. The test walks the demo organization as its admin from the
// navigation, following one link of every kind (a system, a risk, an SoA
// version and a comparison, the audit trail, the log, an impact
// assessment, a decision, every form reachable from them), and fails on a
// visible UUID or a raw token.

var (
	uuidRe  = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	snakeRe = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)
	numRe   = regexp.MustCompile(`^[0-9]+$`)
)

// rawTokens are the values people must not read: every enum's stored
// value. A snake_case token is refused wherever it stands; a one-word value
// ("deployed") only when it is all a text shows (a badge, a cell), since
// the word may be part of a sentence (and is not checked in a link, whose
// words are the sentence's: "export instruments, tags or features").
func rawTokens() map[string]bool {
	set := map[string]bool{}
	add := func(vs ...string) {
		for _, v := range vs {
			set[v] = true
		}
	}
	add(strs(aims.CalibrationResultValues())...)
	add(strs(aims.RelationshipValues())...)
	add(strs(aims.TierValues())...)
	add(strs(aims.GPAIValues())...)
	add(strs(aims.ImpactClassValues())...)
	add(strs(aims.PersonalDataValues())...)
	add(strs(aims.HumanActionValues())...)
	add(strs(aims.ImpactAreaValues())...)
	add(strs(aims.AffectedPartyValues())...)
	add(strs(aims.ImpactLevelValues())...)
	add(strs(aims.InstrumentKindValues())...)
	add(strs(aims.CalibrationStateValues())...)
	add(strs(aims.LineageNodeKindValues())...)
	add(strs(aims.LineageKindValues())...)
	add(strs(aims.ModelVersionStatusValues())...)
	add(strs(aims.DatasetPurposeValues())...)
	add(strs(aims.RiskStatusValues())...)
	add(strs(aims.TreatmentOptionValues())...)
	add(strs(aims.AcceptAuthorityValues())...)
	add(strs(aims.RiskSourceKindValues())...)
	add(strs(aims.CharacteristicValues())...)
	add(strs(aims.ActionStatusValues())...)
	add(strs(aims.RoleValues())...)
	add(strs(aims.ApplicabilityValues())...)
	add(strs(aims.ImplementationStatusValues())...)
	add(strs(aims.SupplyCategoryValues())...)
	add(strs(aims.OperatorRoleValues())...)
	add(strs(aims.LifecycleStageValues())...)
	add(strs(aims.AutonomyValues())...)
	add(strs(aims.ImpactDomainValues())...)
	return set
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// visibleText calls fn with each text a person reads on the page, leaving
// out code samples (<code>, <pre>: a CSV header or an API field is meant
// to be shown as typed) and what a browser does not show.
func visibleText(n *html.Node, fn func(s, where string)) {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "script", "style", "template", "code", "pre", "kbd", "samp", "head":
			return
		}
		if _, hidden := attrOK(n, "hidden"); hidden {
			return
		}
		for _, a := range []string{"title", "aria-label", "placeholder"} {
			if v := attr(n, a); v != "" {
				fn(v, a+" of <"+n.Data+">")
			}
		}
		if t := attr(n, "type"); n.Data == "input" && (t == "" || t == "text" || t == "search") && attr(n, "value") != "" {
			fn(attr(n, "value"), "the value of <input name="+attr(n, "name")+">")
		}
	}
	if n.Type == html.TextNode {
		if s := strings.TrimSpace(n.Data); s != "" && n.Parent != nil {
			fn(s, "<"+n.Parent.Data+" class=\""+attr(n.Parent, "class")+"\">")
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		visibleText(c, fn)
	}
}

// pathKind is a link's kind: its path with ids and numbers as
// placeholders and its query's keys, so that the walk opens one link of
// each kind.
func pathKind(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	if len(segs) > 3 && segs[1] == "catalog" {
		segs[3] = "{requirement}" // a catalog's requirements are one kind of page
	}
	for i, s := range segs {
		if uuidRe.MatchString(s) {
			segs[i] = "{id}"
		} else if numRe.MatchString(s) {
			segs[i] = "{n}"
		}
	}
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(segs, "/") + "?" + strings.Join(keys, "&")
}

func TestPagesSpeakWords(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo organization")
	}
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	svc := service.New(db, slog.New(slog.DiscardHandler))
	if _, err := demo.Ensure(ctx, svc); err != nil {
		t.Fatal(err)
	}
	orgs, err := svc.ListOrganizations(ctx)
	if err != nil || len(orgs) != 1 {
		t.Fatalf("organizations: %v %v", orgs, err)
	}
	org := orgs[0]
	members, err := store.ListMembers(ctx, db, aims.NewTenantScope(org.ID, aims.Actor{Kind: aims.ActorSystem, Label: "test"}))
	if err != nil {
		t.Fatal(err)
	}
	// The admin sees every page; an auditor lands on other versions and
	// reads the trail; a viewer sees the records without their forms.
	for _, role := range []aims.Role{aims.RoleAdmin, aims.RoleAuditor, aims.RoleViewer} {
		i := slices.IndexFunc(members, func(m *aims.Member) bool { return m.Role == role })
		if i < 0 {
			t.Fatalf("the demo has no %s", role)
		}
		m := members[i]
		p := &authz.Principal{UserID: m.ID, Email: m.Email, Name: m.Name, OrgID: org.ID, OrgSlug: org.Slug,
			OrgName: org.Name, Role: m.Role}
		sessions := scs.New()
		r := chi.NewRouter()
		r.Use(sessions.LoadAndSave, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				next.ServeHTTP(w, r.WithContext(authz.WithPrincipal(r.Context(), p)))
			})
		})
		Register(r, Deps{Svc: svc, Sessions: sessions, Setup: NewSetup(), Version: "test"})
		t.Run(string(role), func(t *testing.T) { walkWords(t, r, role == aims.RoleViewer, role == aims.RoleAdmin) })
	}
}

// walkWords walks the pages from the start page and checks their words;
// a viewer does not read the audit trail or the log's records; an editor
// (writer) has new-record forms, each posted empty to read its refusal.
func walkWords(t *testing.T, r http.Handler, viewer, writer bool) {
	raw := rawTokens()
	seen := map[string]bool{}
	// The start page's navigation leads to every capability; the
	// comparison of the demo's two SoA versions is linked from none.
	queue := []string{"/", "/soa/diff?from=1&to=2"}
	// Pages the walk must reach; each names a kind it must have opened.
	must := []string{"/systems/{id}?", "/risks/{id}?", "/soa/versions/{n}?", "/soa/diff?from&to",
		"/log?", "/systems/{id}/decisions/{id}?", "/systems/{id}/impact-assessments/{id}?",
		"/context?", "/context/issues/{id}?", "/interested-parties/{id}?", "/changes/{id}?", "/resources/{id}?", "/communications/{id}?"}
	if !viewer {
		must = append(must, "/audit?")
	}
	opened := map[string]bool{}
	refusedForms := 0
	for len(queue) > 0 && len(opened) < 1000 {
		href := queue[0]
		queue = queue[1:]
		u, err := url.Parse(href)
		if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			continue
		}
		kind := pathKind(u)
		if seen[kind] || skipWalk(u.Path) {
			continue
		}
		seen[kind] = true
		req := httptest.NewRequest(http.MethodGet, u.String(), nil)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		res := rec.Result()
		if loc := res.Header.Get("Location"); res.StatusCode/100 == 3 && loc != "" {
			delete(seen, kind)
			queue = append(queue, loc)
			continue
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || res.StatusCode != http.StatusOK {
			continue
		}
		opened[kind] = true
		if testing.Verbose() {
			t.Logf("opened %s", u.String())
		}
		doc, err := html.Parse(res.Body)
		if err != nil {
			t.Fatalf("%s: %v", href, err)
		}
		bad := pageWords(doc, raw)
		// A form refused as empty speaks in words too.
		if strings.HasSuffix(u.Path, "/new") {
			for _, f := range queryAll(doc, "form[method=post]") {
				action := attr(f, "action")
				if action == "" {
					action = u.Path
				}
				vals := url.Values{}
				for _, h := range queryAll(f, "input[type=hidden]") {
					vals.Add(attr(h, "name"), attr(h, "value"))
				}
				req := httptest.NewRequest(http.MethodPost, action, strings.NewReader(vals.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				r.ServeHTTP(rec, req)
				if rec.Code != http.StatusUnprocessableEntity {
					continue
				}
				refusedForms++
				refused, err := html.Parse(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range pageWords(refused, raw) {
					bad = append(bad, "refused form "+action+": "+b)
				}
			}
		}
		for _, b := range dedupe(bad) {
			t.Errorf("%s: %s", u.String(), b)
		}
		for _, a := range queryAll(doc, "a[href]") {
			queue = append(queue, attr(a, "href"))
		}
	}
	if writer && refusedForms < 5 {
		t.Errorf("only %d empty forms refused: the walk should try every new-record form", refusedForms)
	}
	for _, k := range must {
		if !opened[k] {
			t.Errorf("the walk did not reach a page %s (opened %d kinds)", k, len(opened))
		}
	}
}

// skipWalk leaves out what is not a page: downloads, the API and its
// documents, static files, signing out.
func skipWalk(path string) bool {
	for _, p := range []string{"/api/", "/static/", "/logout", "/metrics", "/healthz", "/readyz", "/tlog", "/openapi"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	for _, ext := range []string{".csv", ".pdf", ".xlsx", ".json", ".xml", ".yaml", ".txt"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return strings.Contains(path, "/export")
}

func quoteShort(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return `"` + s + `"`
}

func dedupe(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}

// A refused form speaks of its fields by their labels (in the summary, the
// label the page shows), lists its errors in the order of the fields on the
// page (not the alphabet's), and marks the required fields.
func TestFormErrorsInWords(t *testing.T) {
	db := storetest.OpenSQLite(t)
	e := newTestEnv(t, db)
	form := url.Values{"name": {""}, "collection_method": {strings.Repeat("x", 4001)}, "personal_data": {"bogus"},
		"window_start": {"2024-06-30"}, "window_end": {"2024-01-01"}}
	bad := e.post(aims.RoleContributor, "/datasets/new", form).want(t, http.StatusUnprocessableEntity)
	var order []string
	for _, a := range queryAll(bad.doc, ".form-error-summary li a") {
		order = append(order, attr(a, "href"))
	}
	if want := []string{"#name", "#collection_method", "#personal_data", "#window_end"}; !slices.Equal(order, want) {
		t.Errorf("summary order %v, want the fields' order %v", order, want)
	}
	if got := text(query(t, bad.doc, "#window_end-error")); got != "must not be before the window's start" {
		t.Errorf("window end message %q", got)
	}
	summary := text(query(t, bad.doc, ".form-error-summary"))
	for _, raw := range []string{"window_start", "collection_method", "personal_data", "not_sure"} {
		if strings.Contains(summary, raw) {
			t.Errorf("the summary names %q: %s", raw, summary)
		}
	}
	if !strings.Contains(summary, "Covers until: must not be before the window's start") {
		t.Errorf("summary %q", summary)
	}
	// Required fields are marked for the eye and for screen readers.
	query(t, bad.doc, `input#name[required][aria-required=true]`)
	if got := text(query(t, bad.doc, `label[for=name]`)); !strings.Contains(got, "*") || !strings.Contains(got, "(required)") {
		t.Errorf("name label %q is not marked required", got)
	}
	if got := text(query(t, bad.doc, `label[for=description]`)); strings.Contains(got, "*") {
		t.Errorf("optional description marked required: %q", got)
	}
}

func TestMessageWords(t *testing.T) {
	for in, want := range map[string]string{
		"must not be before window_start":               "must not be before the window's start",
		"must be after valid_from":                      "must be after the first valid day",
		"must be one of idea, design":                   "must be one of " + aims.StageIdea.Title() + ", " + aims.StageDesign.Title(),
		"is required":                                   "is required",
		"an AI system named “credit_scoring_v2” exists": "an AI system named “credit_scoring_v2” exists",
		"ops_team@example.com is already a member":      "ops_team@example.com is already a member",
		"owner_id: \"old_owner\" is not a member":       "the owner: \"old_owner\" is not a member",
	} {
		if got := ui.MessageWords(in); got != want {
			t.Errorf("MessageWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// A tamper alert on the log page names the record it is about, as the
// audit trail last named it, and its finding speaks of it by that name.
func TestLogAlertNamesTheRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aims.db")
	db, err := store.Open(context.Background(), store.Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, db)
	sys := e.mustSystem("Loan scoring", e.members[aims.RoleAdmin])
	storetest.RawExec(t, store.Options{SQLitePath: path}, `UPDATE ai_systems SET purpose = 'changed around aims' WHERE id = '`+sys.ID+`'`)
	if _, err := e.svc.CheckLogsAndAlert(context.Background(), service.LogCheckOptions{}); err != nil {
		t.Fatal(err)
	}
	pg := e.get(aims.RoleAdmin, "/log").want(t, http.StatusOK)
	alerts := query(t, pg.doc, "#alerts tbody")
	got := text(alerts)
	if !strings.Contains(got, "AI system “Loan scoring”: purpose is") {
		t.Errorf("the alert does not name the record: %q", got)
	}
	for _, td := range queryAll(alerts, "td") {
		var visible []string
		visibleText(td, func(s, _ string) { visible = append(visible, s) })
		if s := strings.Join(visible, " "); uuidRe.MatchString(s) {
			t.Errorf("an id outside its code element: %q", s)
		}
	}
}

// fieldsOfForm counts the fields a person fills in the form holding n.
func fieldsOfForm(n *html.Node) int {
	form := n
	for form != nil && !(form.Type == html.ElementNode && form.Data == "form") {
		form = form.Parent
	}
	if form == nil {
		return 0
	}
	count := 0
	for _, tag := range []string{"input", "select", "textarea"} {
		for _, f := range queryAll(form, tag) {
			switch attr(f, "type") {
			case "hidden", "submit", "button":
				continue
			}
			count++
		}
	}
	return count
}

// pageWords lists what a page shows that is not words for people, and the
// required fields it does not mark.
func pageWords(doc *html.Node, raw map[string]bool) []string {
	var bad []string
	visibleText(doc, func(s, where string) {
		if m := uuidRe.FindString(s); m != "" {
			bad = append(bad, "UUID "+m+" in "+quoteShort(s)+" in "+where)
		}
		for _, m := range snakeRe.FindAllString(s, -1) {
			bad = append(bad, "token "+m+" in "+quoteShort(s)+" in "+where)
		}
		if raw[s] && !strings.HasPrefix(where, "<a ") { // a link's words may be a sentence's

			bad = append(bad, "raw value "+quoteShort(s)+" in "+where)
		}
	})
	// A required field says so in its label (ui.FieldLabelFor), unless
	// it is its form's only field (a file to upload).
	marked := map[string]bool{}
	for _, l := range queryAll(doc, "label[for]") {
		marked[attr(l, "for")] = len(queryAll(l, "span.required")) > 0
	}
	for _, tag := range []string{"input", "select", "textarea"} {
		for _, n := range queryAll(doc, tag+"[required]") {
			if fieldsOfForm(n) == 1 {
				continue
			}
			if id := attr(n, "id"); !marked[id] || attr(n, "aria-required") != "true" {
				bad = append(bad, "required field "+id+" not marked")
			}
		}
	}
	return bad
}
