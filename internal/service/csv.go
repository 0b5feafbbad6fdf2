package service

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
)

// Every CSV file aims writes has one shape (docs/api.md, "CSV files"):
// UTF-8 starting with a byte-order mark, so that spreadsheet programs read
// the text as UTF-8 rather than the local code page; RFC 4180 quoting,
// comma-separated, one header row; and no cell that a spreadsheet would run
// as a formula (CSV injection).

// utf8BOM starts every CSV export, and is what spreadsheet programs write
// when they save "CSV UTF-8"; imports accept files with and without it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// csvExport writes one CSV export: newCSVExport, Write per record, Close.
type csvExport struct {
	cw  *csv.Writer
	rec []string
}

// newCSVExport starts a CSV export on w with the byte-order mark and the
// header row.
func newCSVExport(w io.Writer, header []string) (*csvExport, error) {
	if _, err := w.Write(utf8BOM); err != nil {
		return nil, err
	}
	e := &csvExport{cw: csv.NewWriter(w)}
	return e, e.Write(header)
}

// Write writes one record, each cell that a spreadsheet would run as a
// formula neutralised (escapeFormula). It does not keep rec.
func (e *csvExport) Write(rec []string) error {
	e.rec = e.rec[:0]
	for _, c := range rec {
		e.rec = append(e.rec, escapeFormula(c))
	}
	return e.cw.Write(e.rec)
}

// Close writes what is buffered and reports the first write error.
func (e *csvExport) Close() error {
	e.cw.Flush()
	return e.cw.Error()
}

// Spreadsheet programs run a cell that starts with = + - or @ as a formula,
// and some also one that starts with a tab or carriage return (OWASP, CSV
// injection). An export puts an apostrophe before such a cell, which
// spreadsheets show as text; an import takes one apostrophe off again
// (unescapeFormula), so the value survives export, edit and import
// unchanged. A plain number such as -5 or +1.5e3 runs nothing and stays a
// number.
func isFormulaStart(c byte) bool {
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
}

var plainNumber = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// escapeFormula prefixes an apostrophe to a cell that is, after any
// apostrophes, a formula start, unless the cell is a plain number.
func escapeFormula(s string) string {
	rest := strings.TrimLeft(s, "'")
	if rest == "" || !isFormulaStart(rest[0]) || (len(rest) == len(s) && plainNumber.MatchString(s)) {
		return s
	}
	return "'" + s
}

// unescapeFormula undoes escapeFormula.
func unescapeFormula(s string) string {
	t := strings.TrimSpace(s)
	rest := strings.TrimLeft(t, "'")
	if len(rest) < len(t) && rest != "" && isFormulaStart(rest[0]) {
		return t[1:]
	}
	return s
}

// yesNo is a CSV cell for a flag.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
