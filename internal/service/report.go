package service

import (
	"fmt"
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
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/xuri/excelize/v2"
)

// The shapes every report shares: a spreadsheet table with a bold, frozen,
// filtered header and an About sheet; a PDF in the embedded DejaVu font
// with numbered pages and tables of wrapped text.

// writeTableSheet writes columns and rows as sheet of f.
func writeTableSheet(f *excelize.File, sheet string, columns []string, widths []float64, rows [][]string) error {
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, width := range widths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(columns))
	for i, h := range columns {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{}); err != nil {
		return err
	}
	for i, cells := range rows {
		row := make([]any, len(cells))
		for j, c := range cells {
			row[j] = excelize.Cell{StyleID: wrap, Value: c}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(columns))
	return f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, len(rows)+1), nil)
}

// writeAboutSheet adds a sheet "About" naming what the workbook is.
func writeAboutSheet(f *excelize.File, pairs [][2]string) error {
	const about = "About"
	if _, err := f.NewSheet(about); err != nil {
		return err
	}
	pairs = append(pairs, [2]string{"Exported", time.Now().UTC().Format(time.RFC3339)})
	for i, kv := range pairs {
		_ = f.SetCellValue(about, fmt.Sprintf("A%d", i+1), kv[0])
		_ = f.SetCellValue(about, fmt.Sprintf("B%d", i+1), kv[1])
	}
	return f.SetColWidth(about, "B", "B", 80)
}

// newPDF starts an A4 document titled title, landscape or not.
func newPDF(title string, landscape bool) (core.Maroto, error) {
	fonts, err := pdfFonts()
	if err != nil {
		return nil, fmt.Errorf("load PDF fonts: %w", err)
	}
	o := orientation.Vertical
	if landscape {
		o = orientation.Horizontal
	}
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).WithOrientation(o).
		WithLeftMargin(10).WithRightMargin(10).WithTopMargin(10).
		WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: pdfFont, Size: 8}).
		WithTitle(title, true).WithCreator("aims", true).
		WithCreationDate(time.Now().UTC()).WithCompression(true).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Family: pdfFont, Size: 7}).
		Build()
	return maroto.New(cfg), nil
}

// PDF text styles.
var (
	pdfTitle   = props.Text{Family: pdfFont, Style: fontstyle.Bold, Size: 14}
	pdfHeading = props.Text{Family: pdfFont, Style: fontstyle.Bold, Size: 10, Top: 2}
	pdfSmall   = props.Text{Family: pdfFont, Size: 8}
	pdfHead    = props.Text{Family: pdfFont, Style: fontstyle.Bold, Size: 8, Top: 1}
	pdfCell    = props.Text{Family: pdfFont, Size: 7.5, Top: 1, Bottom: 1, Right: 1}
	pdfShade   = &props.Cell{BackgroundColor: &props.Color{Red: 221, Green: 235, Blue: 247}}
)

// pdfTable adds a table: a shaded header row, then one row per entry,
// each as tall as its longest cell; an empty cell shows a dash. widths add
// up to 12.
func pdfTable(m core.Maroto, widths []int, headers []string, rows [][]string) {
	hcols := make([]core.Col, len(headers))
	for i, h := range headers {
		hcols[i] = col.New(widths[i]).Add(text.New(h, pdfHead))
	}
	m.AddRows(row.New(6).Add(hcols...).WithStyle(pdfShade))
	for _, vals := range rows {
		cols := make([]core.Col, len(vals))
		for i, val := range vals {
			cols[i] = col.New(widths[i]).Add(text.New(orNone(val), pdfCell))
		}
		m.AddAutoRow(cols...)
	}
}

// pdfBytes renders the document.
func pdfBytes(m core.Maroto) ([]byte, error) {
	doc, err := m.Generate()
	if err != nil {
		return nil, fmt.Errorf("render PDF: %w", err)
	}
	return doc.GetBytes(), nil
}
