package service_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// checkPDFPages asserts the page frame every PDF shares (docs/api.md,
// "Spreadsheets and PDFs"): each page names the organization, the
// document, its version and status and "Page N of M", shows every string in
// each (a table's header on each page the table runs to), and no shown
// string holds a line break, tab or other control character, which the
// reader draws as a missing glyph. It returns the number of pages.
func checkPDFPages(t *testing.T, pdf []byte, frame []string, each []string) int {
	t.Helper()
	pages := pdfPages(t, pdf)
	for i, p := range pages {
		for _, s := range p {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Errorf("page %d shows %q: a control character is drawn as a missing glyph", i+1, s)
			}
		}
		text := strings.Join(strings.Fields(strings.Join(p, " ")), " ")
		for _, want := range append(append(frame, fmt.Sprintf("Page %d of %d", i+1, len(pages))), each...) {
			if !strings.Contains(text, want) {
				t.Errorf("page %d of %d lacks %q", i+1, len(pages), want)
			}
		}
	}
	return len(pages)
}

func TestPDFPageFrame(t *testing.T) {
	t.Run("SoA", func(t *testing.T) {
		w := newSoAWorld(t, storetest.OpenSQLite(t), "acme")
		if err := demo.SeedSoA(w.as(aims.RoleAdmin), w.svc); err != nil {
			t.Fatal(err)
		}
		for number, status := range map[int]string{1: "Approved", 2: "DRAFT"} {
			var buf bytes.Buffer
			v, err := w.svc.ExportSoA(w.as(aims.RoleAuditor), &buf, number, "pdf")
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int]aims.SoAStatus{1: aims.SoAApproved, 2: aims.SoADraft}[number]; v.Status != want {
				t.Fatalf("version %d is %s, want %s", number, v.Status, want)
			}
			frame := []string{w.f.Org.Name, "Statement of Applicability", fmt.Sprintf("version %d", number), status}
			// The table runs over every page: its header repeats on each.
			if n := checkPDFPages(t, buf.Bytes(), frame, []string{"Control", "Applicability", "Justification", "Owner / target"}); n < 2 {
				t.Errorf("version %d has %d page(s); the test needs a table over several", number, n)
			}
		}
	})

	t.Run("impact assessment", func(t *testing.T) {
		svc, op := demoWithRisk(t, storetest.OpenSQLite(t))
		org, err := svc.ResolveOrganization(op, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		systems, _, _ := svc.FindSystems(op, aims.SystemFilter{Search: "credit scoring"})
		sys := systems[0]
		draft, err := svc.StartImpactAssessment(op, sys.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Text typed with line breaks and tabs, long enough for several pages.
		use := "Scores applicants.\r\nAdvises credit officers.\tNever decides alone."
		conclusion := strings.Repeat("Acceptable with the human decision in place.\n\n", 40)
		if _, err := svc.UpdateImpactAssessment(op, sys.ID, draft.ID, aims.ImpactAssessmentUpdate{IntendedUse: &use, Conclusion: &conclusion}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := svc.ExportImpactAssessment(op, &buf, sys.ID, draft.ID); err != nil {
			t.Fatal(err)
		}
		frame := []string{org.Name, "AI system impact assessment — " + sys.Name, fmt.Sprintf("version %d", draft.Version), "DRAFT"}
		if n := checkPDFPages(t, buf.Bytes(), frame, nil); n < 2 {
			t.Errorf("the draft has %d page(s), want several", n)
		}
		text := pdfText(t, buf.Bytes())
		for _, line := range []string{"Scores applicants.", "Advises credit officers. Never decides alone."} {
			if !strings.Contains(text, line+"\n") {
				t.Errorf("the intended use lacks the line %q:\n%s", line, text)
			}
		}
	})
}

// TestDocumentVersionPDF: the demo's approved AI policy as a PDF names
// the organization, the document, its version and APPROVED on every page,
// and a procedure still in review says DRAFT on every page.
func TestDocumentVersionPDF(t *testing.T) {
	svc, op := demoWithRisk(t, storetest.OpenSQLite(t))
	org, err := svc.ResolveOrganization(op, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		title, status string
	}{{"AI policy", "APPROVED"}, {"Model release procedure", "DRAFT"}} {
		docs, _, err := svc.FindDocuments(op, aims.DocumentFilter{Search: c.title})
		if err != nil || len(docs) == 0 {
			t.Fatalf("demo document %q: %v", c.title, err)
		}
		versions, err := svc.FindDocumentVersions(op, docs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := svc.ExportDocumentVersionPDF(op, &buf, docs[0].ID, versions[0].ID); err != nil {
			t.Fatal(err)
		}
		checkPDFPages(t, buf.Bytes(), []string{org.Name, c.title, "version " + versions[0].Number(), c.status}, nil)
	}
}

// TestPDFPagesReadByPdftotext has an independent reader (poppler's
// pdftotext) find the page frame and the table header on every page of a
// draft SoA.
func TestPDFPagesReadByPdftotext(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("AIMS_TEST_REQUIRE_BROWSER") != "" {
			t.Fatal("pdftotext is not installed (Debian: poppler-utils)")
		}
		t.Skip("pdftotext is not installed (Debian: poppler-utils); set AIMS_TEST_REQUIRE_BROWSER=1 to fail instead")
	}
	w := newSoAWorld(t, storetest.OpenSQLite(t), "acme")
	if err := demo.SeedSoA(w.as(aims.RoleAdmin), w.svc); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.svc.ExportSoA(w.as(aims.RoleAuditor), &buf, 2, "pdf"); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = &buf
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	if len(pages) < 2 {
		t.Fatalf("pdftotext reads %d page(s), want several", len(pages))
	}
	for i, p := range pages {
		text := strings.Join(strings.Fields(p), " ")
		for _, want := range []string{w.f.Org.Name, "Statement of Applicability", "version 2", "DRAFT",
			fmt.Sprintf("Page %d of %d", i+1, len(pages)), "Control", "Justification"} {
			if !strings.Contains(text, want) {
				t.Errorf("pdftotext: page %d lacks %q", i+1, want)
			}
		}
	}
}
