package service

import (
	"embed"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/orientation"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
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
	fonts, err := pdfFonts()
	if err != nil {
		return fmt.Errorf("load PDF fonts: %w", err)
	}
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).WithOrientation(orientation.Horizontal).
		WithLeftMargin(10).WithRightMargin(10).WithTopMargin(10).
		WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: pdfFont, Size: 8}).
		WithTitle("Statement of Applicability — "+org, true).WithCreator("aims", true).
		WithCreationDate(time.Now().UTC()).WithCompression(true).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Family: pdfFont, Size: 7}).
		Build()
	m := maroto.New(cfg)
	title := props.Text{Family: pdfFont, Style: fontstyle.Bold, Size: 14}
	small := props.Text{Family: pdfFont, Size: 8}
	m.AddRows(
		text.NewRow(9, "Statement of Applicability — "+org, title),
		text.NewRow(5, "ISO/IEC 42001:2023, 6.1.3 d) and e). "+versionLine(v), small),
		row.New(3),
	)
	widths := []int{1, 2, 2, 4, 1, 2}
	head := props.Text{Family: pdfFont, Style: fontstyle.Bold, Size: 8, Top: 1}
	headers := []string{"Control", "Title", "Applicability", "Justification", "Status", "Owner / target"}
	hcols := make([]core.Col, len(headers))
	for i, h := range headers {
		hcols[i] = col.New(widths[i]).Add(text.New(h, head))
	}
	m.AddRows(row.New(6).Add(hcols...).WithStyle(&props.Cell{BackgroundColor: &props.Color{Red: 221, Green: 235, Blue: 247}}))
	cell := props.Text{Family: pdfFont, Size: 7.5, Top: 1, Bottom: 1, Right: 1}
	for _, r := range v.Rows {
		c := soaCells(r)
		ownerTarget := c[6]
		if c[7] != "" {
			ownerTarget += " — " + c[7]
		}
		vals := []string{r.RequirementID, r.Title, c[3], r.Justification, c[5], ownerTarget}
		cols := make([]core.Col, len(vals))
		for i, val := range vals {
			cols[i] = col.New(widths[i]).Add(text.New(val, cell))
		}
		m.AddAutoRow(cols...)
	}
	doc, err := m.Generate()
	if err != nil {
		return fmt.Errorf("render PDF: %w", err)
	}
	_, err = w.Write(doc.GetBytes())
	return err
}
