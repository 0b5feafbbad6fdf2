package service

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims/internal/aims"
)

// workbook is one XLSX export (docs/api.md, "Spreadsheets and PDFs"): a
// table sheet with a bold, filtered, frozen header row and typed cells, an
// About sheet, and document properties naming aims, the organization and
// the creation time. Every XLSX export goes through writeWorkbook.
type workbook struct {
	Org      string // the organization, as the document's company
	Document string // what it is, as the document's title
	Sheet    string // the table sheet's name (at most 31 characters)
	Columns  []string
	Widths   []float64 // column widths in characters, one per column
	// Rows hold one cell per column: a string, an int, an aims.Date, a
	// time.Time (written in UTC) or nil for an empty cell.
	Rows    [][]any
	About   [][2]string // label and text rows of the About sheet
	Created time.Time
}

// writeWorkbook writes wb as an XLSX file to w.
func writeWorkbook(w io.Writer, wb workbook) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", wb.Sheet); err != nil {
		return err
	}
	if err := writeTableSheet(f, wb); err != nil {
		return err
	}
	about := append(wb.About, [2]string{"Exported", wb.Created.UTC().Format(time.RFC3339) + " by aims"})
	if err := writeAboutSheet(f, about); err != nil {
		return err
	}
	created := wb.Created.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: wb.Document, Subject: wb.Document + " — " + wb.Org, Creator: "aims", LastModifiedBy: "aims",
		Description: wb.Document + " of " + wb.Org + ", exported by aims", Created: created, Modified: created,
	}); err != nil {
		return err
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "aims", Company: wb.Org}); err != nil {
		return err
	}
	return f.Write(w)
}

// writeTableSheet writes the columns and rows of wb as its sheet.
func writeTableSheet(f *excelize.File, wb workbook) error {
	top := &excelize.Alignment{WrapText: true, Vertical: "top"}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top,
		Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{Alignment: top})
	if err != nil {
		return err
	}
	day, err := f.NewStyle(&excelize.Style{Alignment: top, CustomNumFmt: ptrTo("yyyy-mm-dd")})
	if err != nil {
		return err
	}
	stamp, err := f.NewStyle(&excelize.Style{Alignment: top, CustomNumFmt: ptrTo("yyyy-mm-dd hh:mm")})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(wb.Sheet)
	if err != nil {
		return err
	}
	for i, width := range wb.Widths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(wb.Columns))
	for i, h := range wb.Columns {
		header[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, cells := range wb.Rows {
		row := make([]any, len(cells))
		for j, c := range cells {
			switch v := c.(type) {
			case aims.Date:
				row[j] = excelize.Cell{StyleID: day, Value: v.Time}
			case time.Time:
				row[j] = excelize.Cell{StyleID: stamp, Value: v.UTC()}
			case nil:
				row[j] = excelize.Cell{StyleID: text}
			default:
				row[j] = excelize.Cell{StyleID: text, Value: v}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(wb.Columns))
	return f.AutoFilter(wb.Sheet, fmt.Sprintf("A1:%s%d", last, len(wb.Rows)+1), nil)
}

// writeAboutSheet adds a sheet "About" naming what the workbook is.
func writeAboutSheet(f *excelize.File, pairs [][2]string) error {
	const about = "About"
	if _, err := f.NewSheet(about); err != nil {
		return err
	}
	for i, kv := range pairs {
		_ = f.SetCellValue(about, fmt.Sprintf("A%d", i+1), kv[0])
		_ = f.SetCellValue(about, fmt.Sprintf("B%d", i+1), kv[1])
	}
	return f.SetColWidth(about, "B", "B", 80)
}

// cellText writes a workbook cell for a CSV or a PDF: dates as
// 2006-01-02, times in UTC.
func cellText(c any) string {
	switch v := c.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case aims.Date:
		return v.String()
	case time.Time:
		return v.UTC().Format("2006-01-02 15:04 UTC")
	}
	return fmt.Sprint(c)
}

// cellTexts writes a row of workbook cells as text.
func cellTexts(cells []any) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = cellText(c)
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }
