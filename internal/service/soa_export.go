package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// SoAExportFormats lists the formats of ExportSoA.
var SoAExportFormats = []string{"xlsx", "csv", "json", "pdf", "oscal"}

// ExportContentType returns the media type and file extension of an export
// format.
func ExportContentType(format string) (mediaType, ext string) {
	switch format {
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
	case "csv":
		return "text/csv; charset=utf-8", "csv"
	case "pdf":
		return "application/pdf", "pdf"
	case "oscal":
		return "application/json", "oscal.json"
	}
	return "application/json", "json"
}

// soaColumns are the SoA's columns in the spreadsheet exports, one row per
// control (ISO/IEC 42001 6.1.3 d and e).
var soaColumns = []string{"Framework", "Control", "Title", "Applicability", "Justification", "Implementation status", "Owner", "Target date", "Notes"}

// soaCells are the cells of row r: text, and the target date as a date.
func soaCells(r *aims.SoARow) []any {
	status := r.Status.Title()
	if r.Applicability != aims.Applicable {
		status = ""
	}
	owner := r.OwnerName
	if r.OwnerEmail != "" {
		owner = r.OwnerName + " <" + r.OwnerEmail + ">"
	}
	var date any
	if r.TargetDate != nil {
		date = *r.TargetDate
	}
	return []any{r.Framework, r.RequirementID, r.Title, r.Applicability.Title(), r.Justification, status, owner, date, r.Notes}
}

// ExportSoA writes SoA version number (0: the newest) in format: xlsx (what
// auditors open first), csv, json, pdf, or oscal (an OSCAL profile). Every
// version can be exported, approved or not; an auditor may export all.
func (s *Service) ExportSoA(ctx context.Context, w io.Writer, number int, format string) (*aims.SoAVersion, error) {
	scope, p, err := authz.Authorize(ctx, authz.Export, "export the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	v, c, err := loadSoA(ctx, s.db, scope, number)
	if err != nil {
		return nil, err
	}
	switch format {
	case "xlsx":
		return v, writeSoAXLSX(w, v, p.OrgName, time.Now())
	case "csv":
		cw, err := newCSVExport(w, soaColumns)
		if err != nil {
			return nil, err
		}
		for _, r := range v.Rows {
			if err := cw.Write(cellTexts(soaCells(r))); err != nil {
				return nil, err
			}
		}
		return v, cw.Close()
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return v, enc.Encode(v)
	case "pdf":
		return v, writeSoAPDF(w, v, p.OrgName)
	case "oscal":
		b, err := c.ExportProfile(v, p.OrgName, time.Now())
		if err != nil {
			return nil, err
		}
		_, err = w.Write(b)
		return v, err
	}
	return nil, &aims.Error{Kind: aims.KindInvalid, Message: "unknown export format",
		Fields: []aims.FieldError{{Field: "format", Detail: "must be one of xlsx, csv, json, pdf, oscal"}}}
}

func versionLine(v *aims.SoAVersion) string {
	s := fmt.Sprintf("Version %d, %s", v.Number, v.Status)
	if v.ApprovedAt != nil {
		s += fmt.Sprintf(", approved by %s on %s", v.ApprovedBy, v.ApprovedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if v.BasedOn > 0 {
		s += fmt.Sprintf(", based on version %d", v.BasedOn)
	}
	return s
}

func writeSoAXLSX(w io.Writer, v *aims.SoAVersion, org string, now time.Time) error {
	rows := make([][]any, len(v.Rows))
	for i, r := range v.Rows {
		rows[i] = soaCells(r)
	}
	return writeWorkbook(w, workbook{
		Org: org, Document: "Statement of Applicability", Sheet: "Statement of Applicability",
		Columns: soaColumns, Widths: []float64{12, 10, 40, 13, 50, 20, 28, 12, 40}, Rows: rows,
		About: [][2]string{
			{"Organization", org},
			{"Document", "Statement of Applicability (ISO/IEC 42001:2023, 6.1.3 d and e)"},
			{"Version", versionLine(v)},
			{"Created", v.CreatedAt.UTC().Format(time.RFC3339) + " by " + v.CreatedBy},
			{"Note", v.Note},
		},
		Created: now,
	})
}
