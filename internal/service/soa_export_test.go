package service_test

import (
	"bytes"
	"compress/zlib"
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestSoAExportsHoldOneRowPerControl(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newSoAWorld(t, db, "acme")
	if err := demo.SeedSoA(w.as(aims.RoleAdmin), w.svc); err != nil {
		t.Fatal(err)
	}
	ctx := w.as(aims.RoleAuditor)
	v, err := w.svc.FindSoAVersion(ctx, 1, aims.SoAFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range v.Rows {
		ids[r.RequirementID] = true
	}
	if len(ids) != 38 {
		t.Fatalf("version 1 has %d controls, want 38", len(ids))
	}

	t.Run("xlsx", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := w.svc.ExportSoA(ctx, &buf, 1, "xlsx"); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatalf("the XLSX does not open: %v", err)
		}
		rows, err := f.GetRows("Statement of Applicability")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 39 || rows[0][1] != "Control" {
			t.Fatalf("XLSX has %d rows (header %v), want a header and 38 controls", len(rows), rows[0])
		}
		seen := map[string]bool{}
		for _, r := range rows[1:] {
			seen[r[1]] = true
			if r[1] == "A.10.4" && (r[3] != "Excluded" || r[4] == "") {
				t.Errorf("A.10.4 row = %v, want excluded with its justification", r)
			}
		}
		if len(seen) != 38 {
			t.Errorf("XLSX names %d distinct controls, want 38", len(seen))
		}
	})

	t.Run("csv", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := w.svc.ExportSoA(ctx, &buf, 2, "csv"); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 40 { // header, 38 Annex A controls, Art. 26 added in version 2
			t.Fatalf("CSV: %d records (%v), want 40", len(recs), err)
		}
	})

	t.Run("pdf", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := w.svc.ExportSoA(ctx, &buf, 1, "pdf"); err != nil {
			t.Fatal(err)
		}
		pdf := buf.Bytes()
		conf := model.NewDefaultConfiguration()
		conf.ValidationMode = model.ValidationRelaxed
		if err := api.Validate(bytes.NewReader(pdf), conf); err != nil {
			t.Fatalf("the PDF is not valid: %v", err)
		}
		text := pdfText(t, pdf)
		for id := range ids {
			if !strings.Contains(text, id) {
				t.Errorf("the PDF's text lacks control %s", id)
			}
		}
		if !strings.Contains(text, "Statement of Applicability") {
			t.Error("the PDF's text lacks its title")
		}
	})
}

var (
	streamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	showRE   = regexp.MustCompile(`(?s)\((.*?[^\\])\)\s*Tj`)
)

// pdfText extracts the text shown by a PDF's content streams (pdfPages),
// one shown string a line.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	for _, p := range pdfPages(t, pdf) {
		for _, s := range p {
			out.WriteString(s)
			out.WriteByte('\n')
		}
	}
	return out.String()
}

// pdfPages extracts the strings each page of a PDF shows: it inflates each
// compressed stream and decodes the strings of Tj operators, which gofpdf
// writes in UTF-16BE for UTF-8 fonts. gofpdf writes one content stream per
// page, in page order; streams that show nothing (fonts) are skipped.
func pdfPages(t *testing.T, pdf []byte) [][]string {
	t.Helper()
	var pages [][]string
	for _, m := range streamRE.FindAllSubmatch(pdf, -1) {
		content := m[1]
		if zr, err := zlib.NewReader(bytes.NewReader(m[1])); err == nil {
			if inflated, err := io.ReadAll(zr); err == nil || len(inflated) > 0 {
				content = inflated
			}
		}
		var shown []string
		for _, s := range showRE.FindAllSubmatch(content, -1) {
			shown = append(shown, decodePDFString(unescapePDF(s[1])))
		}
		if len(shown) > 0 {
			pages = append(pages, shown)
		}
	}
	return pages
}

func unescapePDF(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		switch c := b[i]; c {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		default:
			if c >= '0' && c <= '7' {
				v, n := 0, 0
				for n < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7' {
					v = v*8 + int(b[i]-'0')
					i++
					n++
				}
				i--
				out = append(out, byte(v))
			} else {
				out = append(out, c)
			}
		}
	}
	return out
}

func decodePDFString(b []byte) string {
	// Every font of aims' PDFs is a UTF-8 font, so every string is UTF-16BE
	// (a lone "—" is 0x20 0x14, which does not start with a zero byte).
	if len(b)%2 == 0 && len(b) > 0 {
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u))
	}
	return string(b)
}

func TestISOTextImport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		mgr := w.as(aims.RoleAIMSManager)
		// Unknown ids: those rows refused and listed, nothing imported.
		bad := "id,text\nA.2.2,Our licensed text of A.2.2\nA.11.1,No such control\n4.1,Context text\nB.2.2,Annex B is not a catalog item\n"
		_, err := w.svc.ImportRequirementTexts(mgr, "iso42001", []byte(bad))
		f := fieldsOf(err)
		if !aims.IsKind(err, aims.KindInvalid) || f["rows/3/id"] == "" || f["rows/5/id"] == "" || len(f) != 2 {
			t.Fatalf("import with unknown ids: err = %v fields %v, want rows 3 and 5 refused", err, f)
		}
		d, err := w.svc.FindRequirement(mgr, iso("A.2.2"))
		if err != nil || d.OwnerText != "" {
			t.Fatalf("after a refused import A.2.2 has text %q (%v), want none", d.OwnerText, err)
		}
		// A good CSV imports and shows beside the guidance.
		res, err := w.svc.ImportRequirementTexts(mgr, "iso42001", []byte("ID,Text\nA.2.2,Our licensed text of A.2.2\n4.1,Context text\n"))
		if err != nil || res.Imported != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if d, _ = w.svc.FindRequirement(w.as(aims.RoleViewer), iso("A.2.2")); d.OwnerText != "Our licensed text of A.2.2" || d.Requirement.Guidance == nil {
			t.Errorf("A.2.2 owner text = %q", d.OwnerText)
		}
		// XLSX works the same.
		x := excelize.NewFile()
		_ = x.SetSheetRow("Sheet1", "A1", &[]any{"id", "text"})
		_ = x.SetSheetRow("Sheet1", "A2", &[]any{"A.6.2.8", "Logging text"})
		var xb bytes.Buffer
		_ = x.Write(&xb)
		if res, err := w.svc.ImportRequirementTexts(mgr, "iso42001", xb.Bytes()); err != nil || res.Imported != 1 {
			t.Fatalf("xlsx import: %+v %v", res, err)
		}
		// Exported only when asked.
		var plain, with bytes.Buffer
		if err := w.svc.ExportCatalog(w.as(aims.RoleAuditor), &plain, "iso42001", "csv", false); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.ExportCatalog(w.as(aims.RoleAuditor), &with, "iso42001", "csv", true); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plain.String(), "Logging text") || !strings.Contains(with.String(), "Logging text") {
			t.Error("owner text must be exported only when asked")
		}
		if _, err := w.svc.ImportRequirementTexts(w.as(aims.RoleAuditor), "iso42001", []byte("id,text\n")); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("auditor imports: err = %v, want forbidden", err)
		}
		// Another organization does not see it.
		other := newSoAWorld(t, db, "other")
		if d, _ := other.svc.FindRequirement(other.as(aims.RoleAdmin), iso("A.2.2")); d.OwnerText != "" {
			t.Error("another organization sees the owner's text")
		}
	})
}

// Exports run concurrently on a server; PDFs must not share mutable state.
func TestConcurrentPDFExports(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newSoAWorld(t, db, "acme")
	if err := demo.SeedSoA(w.as(aims.RoleAdmin), w.svc); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			var buf bytes.Buffer
			_, err := w.svc.ExportSoA(w.as(aims.RoleAuditor), &buf, 1, "pdf")
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
