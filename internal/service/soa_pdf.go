package service

import (
	"io"

	"github.com/aimsproject/aims/internal/aims"
)

// writeSoAPDF renders the SoA as a landscape A4 table, one row per control.
func writeSoAPDF(w io.Writer, v *aims.SoAVersion, org string) error {
	status := "Approved"
	if v.Status != aims.SoAApproved {
		status = "Draft"
	}
	r, err := newPDF(pdfFrame{Org: org, Document: "Statement of Applicability", Version: v.Number, Status: status, Draft: v.Status == aims.SoADraft})
	if err != nil {
		return err
	}
	r.title("Statement of Applicability — "+org, "ISO/IEC 42001:2023, 6.1.3 d) and e). "+versionLine(v))
	rows := make([][]string, len(v.Rows))
	for i, row := range v.Rows {
		c := cellTexts(soaCells(row))
		ownerTarget := c[6]
		if c[7] != "" {
			ownerTarget += " — " + c[7]
		}
		rows[i] = []string{row.RequirementID, row.Title, c[3], row.Justification, c[5], ownerTarget}
	}
	if err := r.table([]int{1, 2, 2, 4, 1, 2}, []string{"Control", "Title", "Applicability", "Justification", "Status", "Owner / target"}, rows); err != nil {
		return err
	}
	b, err := r.bytes()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
