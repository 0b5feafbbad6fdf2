package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// catalogSite is a server and an API token per role, for page tests.
type catalogSite struct {
	srv    *httptest.Server
	svc    *service.Service
	op     context.Context
	tokens map[aims.Role]string
}

func newCatalogSite(t *testing.T) *catalogSite {
	t.Helper()
	db := storetest.OpenSQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(db, log)
	f := storetest.NewOrg(t, db, "acme")
	s := &catalogSite{svc: svc, op: service.OperatorContext(context.Background(), f.Org, "test"), tokens: map[aims.Role]string{}}
	for _, role := range []aims.Role{aims.RoleAIMSManager, aims.RoleAuditor, aims.RoleViewer} {
		m := f.AddMember(t, db, string(role)+"@acme.test", role)
		secret, _, err := svc.CreateToken(s.op, aims.NewToken{UserID: m.ID, Name: string(role)})
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[role] = secret
	}
	s.srv = httptest.NewServer(server.New(server.Config{Version: "test"}, svc, log).Handler())
	t.Cleanup(s.srv.Close)
	return s
}

func (s *catalogSite) page(t *testing.T, role aims.Role, method, path, ctype string, body io.Reader) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+s.tokens[role])
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestCatalogPages(t *testing.T) {
	s := newCatalogSite(t)
	code, html := s.page(t, aims.RoleAuditor, "GET", "/catalog/iso42001/A.6.2.8", "", nil)
	if code != 200 || !strings.Contains(html, `id="guidance"`) || !strings.Contains(html, `id="maps-to"`) || !strings.Contains(html, "MEASURE 2.4") {
		t.Fatalf("requirement page: %d", code)
	}
	if strings.Contains(html, `id="owner-text"`) {
		t.Error("no owner text imported, yet the page shows one")
	}
	code, html = s.page(t, aims.RoleAuditor, "GET", "/catalog/nist-ai-rmf?q=inventory", "", nil)
	if code != 200 || !strings.Contains(html, "GOVERN 1.6") || strings.Contains(html, "MANAGE 4.3") {
		t.Errorf("search for inventory: %d; want GOVERN 1.6 and not MANAGE 4.3", code)
	}
	code, html = s.page(t, aims.RoleAuditor, "GET", "/catalog/"+url.PathEscape("eu-ai-act")+"/"+url.PathEscape("Art. 26"), "", nil)
	if code != 200 || !strings.Contains(html, "deployer") {
		t.Errorf("Art. 26 page: %d", code)
	}
	// An ISO text file with an unknown id: refused, listed, nothing stored.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "iso.csv")
	_, _ = fw.Write([]byte("id,text\nA.2.2,our text\nA.99,bad\n"))
	_ = mw.Close()
	code, html = s.page(t, aims.RoleAIMSManager, "POST", "/catalog/iso42001/texts", mw.FormDataContentType(), &body)
	if code != 422 || !strings.Contains(html, "/rows/3/id") {
		t.Errorf("text import with an unknown id: %d", code)
	}
	code, _ = s.page(t, aims.RoleAuditor, "GET", "/catalog/iso42001/A.99", "", nil)
	if code != 404 {
		t.Errorf("unknown requirement: %d, want 404", code)
	}
}

func TestSoAPagesForAuditor(t *testing.T) {
	s := newCatalogSite(t)
	if err := demo.SeedSoA(s.op, s.svc); err != nil {
		t.Fatal(err)
	}
	code, html := s.page(t, aims.RoleAuditor, "GET", "/soa/versions/1", "", nil)
	if code != 200 || strings.Contains(html, `hx-post=`) || strings.Contains(html, `id="approve"`) || !strings.Contains(html, "approved") {
		t.Errorf("auditor on approved version 1: %d; want read-only, no approve button", code)
	}
	code, html = s.page(t, aims.RoleAuditor, "GET", "/soa/versions/2?applicability=excluded", "", nil)
	if code != 200 || !strings.Contains(html, "A.10.4") || strings.Contains(html, ">A.2.2<") {
		t.Errorf("filter excluded: %d", code)
	}
	code, html = s.page(t, aims.RoleAuditor, "GET", "/soa/diff?from=1&to=2", "", nil)
	if code != 200 || !strings.Contains(html, `id="soa-diff"`) || !strings.Contains(html, "Art. 26") {
		t.Errorf("diff page: %d", code)
	}
	code, html = s.page(t, aims.RoleAuditor, "GET", "/coverage", "", nil)
	if code != 200 || !strings.Contains(html, `id="coverage-nist-ai-rmf"`) {
		t.Errorf("coverage page: %d", code)
	}
	code, _ = s.page(t, aims.RoleAuditor, "POST", "/soa/versions/2/approve", "application/x-www-form-urlencoded", strings.NewReader(""))
	if code != 403 {
		t.Errorf("auditor approves through the page: %d, want 403", code)
	}
	// A control of another catalog joins the draft from its page.
	code, _ = s.page(t, aims.RoleAIMSManager, "POST", "/soa/controls", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"framework": {"nist-ai-rmf"}, "requirement_id": {"MEASURE 2.7"}}.Encode()))
	if code != 303 {
		t.Errorf("add MEASURE 2.7 to the draft: %d, want 303", code)
	}
	if v, err := s.svc.FindSoAVersion(s.op, 2, aims.SoAFilter{Search: "MEASURE 2.7"}); err != nil || len(v.Rows) != 1 {
		t.Errorf("MEASURE 2.7 in draft 2: %v", err)
	}
	// A manager's refused exclusion comes back with the message by the field.
	form := url.Values{"framework": {"iso42001"}, "requirement_id": {"A.2.2"}, "applicability": {"excluded"}, "justification": {""},
		"implementation_status": {"planned"}}
	code, html = s.page(t, aims.RoleAIMSManager, "POST", "/soa/versions/2/row", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if code != 422 || !strings.Contains(html, `id="justification-error"`) {
		t.Errorf("exclusion without justification through the page: %d", code)
	}
}

// TestSoALandsOnTheVersionARoleWorksOn: /soa opens the newest approved
// version for an auditor and a viewer, the draft for an editor; approving
// from the page first states what is approved.
func TestSoALandsOnTheVersionARoleWorksOn(t *testing.T) {
	s := newCatalogSite(t)
	if err := demo.SeedSoA(s.op, s.svc); err != nil { // version 1 approved, version 2 a draft
		t.Fatal(err)
	}
	for role, want := range map[aims.Role]string{aims.RoleAuditor: "/soa/versions/1", aims.RoleViewer: "/soa/versions/1", aims.RoleAIMSManager: "/soa/versions/2"} {
		code, html := s.page(t, role, "GET", "/soa", "", nil)
		if code != http.StatusSeeOther || !strings.Contains(html, `"`+want+`"`) {
			t.Errorf("%s opens /soa: %d %q, want a redirect to %s", role, code, html, want)
		}
	}
	code, html := s.page(t, aims.RoleAIMSManager, "GET", "/soa/versions/2/approve", "", nil)
	if code != 200 || !strings.Contains(html, `id="soa-approve-confirm"`) || !strings.Contains(html, "version 2") ||
		!strings.Contains(html, `id="soa-count-decision"`) || !strings.Contains(html, `id="soa-count-status"`) || !strings.Contains(html, `id="approver"`) {
		t.Errorf("approval confirmation: %d", code)
	}
	v, err := s.svc.FindSoAVersion(s.op, 2, aims.SoAFilter{})
	if err != nil || v.Status != aims.SoADraft {
		t.Fatalf("opening the confirmation changed version 2: %+v %v", v, err)
	}
	if code, _ := s.page(t, aims.RoleAuditor, "GET", "/soa/versions/2/approve", "", nil); code != 403 {
		t.Errorf("auditor opens the approval: %d, want 403", code)
	}
	if code, _ := s.page(t, aims.RoleAIMSManager, "GET", "/soa/versions/1/approve", "", nil); code != http.StatusSeeOther {
		t.Errorf("approval of an approved version: %d, want a redirect to it", code)
	}
}

// TestCrosswalkFilter: the crosswalk page's search box keeps the pairs
// whose ids, titles or rationale match, in any case, and counts them.
func TestCrosswalkFilter(t *testing.T) {
	s := newCatalogSite(t)
	code, all := s.page(t, aims.RoleViewer, "GET", "/crosswalks/nist-ai-rmf_iso42001", "", nil)
	if code != 200 || !strings.Contains(all, `id="crosswalk-pairs"`) {
		t.Fatalf("crosswalk page: %d", code)
	}
	code, some := s.page(t, aims.RoleViewer, "GET", "/crosswalks/nist-ai-rmf_iso42001?q=govern+1.6", "", nil)
	if code != 200 || !strings.Contains(some, ">GOVERN 1.6<") || strings.Contains(some, ">MANAGE 4.3<") || strings.Count(some, "<tr>") >= strings.Count(all, "<tr>") {
		t.Errorf("filtered crosswalk: %d, want GOVERN 1.6 only", code)
	}
	if !strings.Contains(some, `value="govern 1.6"`) {
		t.Error("the search box does not keep the filter")
	}
}
