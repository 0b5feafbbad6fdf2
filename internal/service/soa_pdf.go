package service

import (
	"embed"
	"io"
	"slices"

	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/repository"

	"github.com/aimsproject/aims/internal/aims"
)

// DejaVu Sans, embedded so that PDFs render every UTF-8 character the same
// everywhere (licence in fonts/).
//
//go:embed fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf
var fontFS embed.FS

const pdfFont = "dejavu"

// pdfFonts loads the fonts for one document. gofpdf writes into the font
// bytes while it subsets them, so each document gets its own copy
// (embed.FS.ReadFile copies); sharing one copy races between exports.
func pdfFonts() ([]*entity.CustomFont, error) {
	regular, err := fontFS.ReadFile("fonts/DejaVuSans.ttf")
	if err != nil {
		return nil, err
	}
	bold, err := fontFS.ReadFile("fonts/DejaVuSans-Bold.ttf")
	if err != nil {
		return nil, err
	}
	return repository.New().
		AddUTF8FontFromBytes(pdfFont, fontstyle.Normal, regular).
		AddUTF8FontFromBytes(pdfFont, fontstyle.Bold, bold).
		AddUTF8FontFromBytes(pdfFont, fontstyle.Italic, slices.Clone(regular)).
		AddUTF8FontFromBytes(pdfFont, fontstyle.BoldItalic, slices.Clone(bold)).
		Load()
}

// writeSoAPDF renders the SoA as a landscape A4 table, one row per control.
func writeSoAPDF(w io.Writer, v *aims.SoAVersion, org string) error {
	m, err := newPDF("Statement of Applicability — "+org, true)
	if err != nil {
		return err
	}
	m.AddRows(
		text.NewRow(9, "Statement of Applicability — "+org, pdfTitle),
		text.NewRow(5, "ISO/IEC 42001:2023, 6.1.3 d) and e). "+versionLine(v), pdfSmall),
		row.New(3),
	)
	rows := make([][]string, len(v.Rows))
	for i, r := range v.Rows {
		c := soaCells(r)
		ownerTarget := c[6]
		if c[7] != "" {
			ownerTarget += " — " + c[7]
		}
		rows[i] = []string{r.RequirementID, r.Title, c[3], r.Justification, c[5], ownerTarget}
	}
	pdfTable(m, []int{1, 2, 2, 4, 1, 2}, []string{"Control", "Title", "Applicability", "Justification", "Status", "Owner / target"}, rows)
	b, err := pdfBytes(m)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
