package service

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims/internal/aims"
)

// Limits of an inventory import.
const (
	MaxImportBytes = 10 << 20 // 10 MiB
	MaxImportRows  = 50_000
)

// sheet is an inventory spreadsheet as read from CSV: where each known
// column is, the data rows, and what is wrong with its shape.
type sheet struct {
	columns    []string       // the known columns, in the order of an export
	key        string         // the column that matches a row to a record
	keyMissing string         // what to say when the header lacks key
	index      map[string]int // column name -> position in a row
	width      int            // how many columns the header has
	headerLine int            // the line of the header row
	rows       []sheetRow
	problems   *lineProblems
}

// sheetRow is one data row and the line of the file it starts on.
type sheetRow struct {
	line  int
	cells []string
}

// cell returns the row's value in col, and whether the file has that
// column. A row shorter than the header has empty trailing cells (some
// programs drop them).
func (sh *sheet) cell(r sheetRow, col string) (string, bool) {
	i, ok := sh.index[col]
	if !ok {
		return "", false
	}
	if i >= len(r.cells) {
		return "", true
	}
	return unescapeFormula(r.cells[i]), true
}

// readSheet reads CSV with a header row. Problems with the shape of the
// file (unknown or repeated columns, extra cells, text that is not UTF-8)
// are collected per line; only a file that cannot be read at all (too
// large, not CSV) is an error.
func readSheet(r io.Reader) (*sheet, error) {
	return readSheetOf(r, SystemCSVColumns(), colName,
		"is missing: every row needs a name, which matches it to an AI system of the inventory")
}

// readSheetOf is readSheet for a file of the given columns, whose rows
// are matched to records by the key column (keyMissing says so when the
// header lacks it).
func readSheetOf(r io.Reader, columns []string, key, keyMissing string) (*sheet, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, aims.Errorf(aims.KindTooLarge, "the file is over 10 MiB: split it and import each part")
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	cr.FieldsPerRecord = -1 // checked here, so that every bad row is named
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &aims.Error{Kind: aims.KindInvalid, Message: "the file is empty",
			Fields: []aims.FieldError{{Field: "rows/1", Detail: "needs a header row naming the columns: " + strings.Join(columns, ", ")}}}
	}
	if err != nil {
		return nil, csvSyntaxError(err)
	}
	headerLine, _ := cr.FieldPos(0) // 1 unless the file starts with empty lines
	sh := &sheet{columns: columns, key: key, keyMissing: keyMissing, index: map[string]int{}, width: len(header),
		headerLine: headerLine, problems: newLineProblems()}
	blank := sh.readHeader(header)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvSyntaxError(err)
		}
		line, _ := cr.FieldPos(0)
		if allBlank(rec) {
			continue // spreadsheets often end with empty rows
		}
		if len(sh.rows) == MaxImportRows {
			return nil, aims.Errorf(aims.KindTooLarge, "the file has more than %d rows: split it and import each part", MaxImportRows)
		}
		sh.checkRow(line, rec, len(header), blank)
		sh.rows = append(sh.rows, sheetRow{line: line, cells: rec})
	}
	return sh, nil
}

// readHeader maps column names to positions and returns the positions of
// columns without a name, which must stay empty.
func (sh *sheet) readHeader(header []string) (blank []int) {
	p := sh.problems
	for i, h := range header {
		name := columnName(h)
		_, dup := sh.index[name]
		switch {
		case !utf8.ValidString(h):
			p.add(sh.headerLine, fmt.Sprintf("column %d", i+1), "is not valid UTF-8: save the spreadsheet as \"CSV UTF-8\"")
		case name == "":
			blank = append(blank, i)
		case !slices.Contains(sh.columns, name):
			p.add(sh.headerLine, name, "is not a known column; the columns are %s", strings.Join(sh.columns, ", "))
		case dup:
			p.add(sh.headerLine, name, "appears twice in the header")
		default:
			sh.index[name] = i
		}
	}
	if _, ok := sh.index[sh.key]; !ok && !p.has(sh.headerLine, sh.key) {
		p.add(sh.headerLine, sh.key, "%s", sh.keyMissing)
	}
	return blank
}

// checkRow records what is wrong with a row's shape.
func (sh *sheet) checkRow(line int, rec []string, width int, blank []int) {
	for i := width; i < len(rec); i++ {
		if strings.TrimSpace(rec[i]) != "" {
			sh.problems.add(line, "", "has %d cells but the header names %d columns", len(rec), width)
			break
		}
	}
	for _, i := range blank {
		if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
			sh.problems.add(line, "", "has a value in column %d, which has no name in the header", i+1)
		}
	}
	for col, i := range sh.index {
		if i < len(rec) && !utf8.ValidString(rec[i]) {
			sh.problems.add(line, col, "is not valid UTF-8: save the spreadsheet as \"CSV UTF-8\"")
		}
	}
}

// columnName reads a header cell: any case, spaces for underscores
// ("Owner email" is owner_email).
func columnName(h string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(h)), " ", "_")
}

func allBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvSyntaxError reports a file that is not well-formed CSV. Reading stops
// there: after a stray quote the rest of the file cannot be trusted.
func csvSyntaxError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read the inventory file: %w", err)
	}
	return &aims.Error{Kind: aims.KindInvalid, Message: "the file is not well-formed CSV; nothing was imported",
		Fields: []aims.FieldError{{Field: fmt.Sprintf("rows/%d", pe.StartLine),
			Detail: fmt.Sprintf("%v at line %d, column %d: a quote must start a cell, and quotes inside a quoted cell are doubled", pe.Err, pe.Line, pe.Column)}}}
}

// lineProblems collects what is wrong with a file as fields
// "rows/LINE/COLUMN", in the order found (line by line), one entry per
// cell.
type lineProblems struct {
	fields []lineProblem
	at     map[string]int // field -> index in fields
	lines  map[int]bool
}

type lineProblem struct {
	line int
	col  string
	aims.FieldError
}

func newLineProblems() *lineProblems {
	return &lineProblems{at: map[string]int{}, lines: map[int]bool{}}
}

func problemField(line int, col string) string {
	f := fmt.Sprintf("rows/%d", line)
	if col != "" {
		// JSON pointer escaping (RFC 6901), for column names as typed.
		f += "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(col)
	}
	return f
}

// add records a problem with one cell (col "" for the whole row). A second
// problem with the same cell joins the first.
func (p *lineProblems) add(line int, col, format string, args ...any) {
	field, detail := problemField(line, col), fmt.Sprintf(format, args...)
	p.lines[line] = true
	if i, ok := p.at[field]; ok {
		p.fields[i].Detail += "; " + detail
		return
	}
	p.at[field] = len(p.fields)
	p.fields = append(p.fields, lineProblem{line, col, aims.FieldError{Field: field, Detail: detail}})
}

// has reports whether a problem with the cell is recorded.
func (p *lineProblems) has(line int, col string) bool {
	_, ok := p.at[problemField(line, col)]
	return ok
}

// err returns nil when nothing is wrong, else an invalid error naming every
// bad line and cell, line by line, and left to right in a line as the
// file's columns go (columns the file lacks last; the header as found).
func (sh *sheet) err() error {
	p := sh.problems
	if len(p.fields) == 0 {
		return nil
	}
	pos := func(f lineProblem) int {
		if f.line == sh.headerLine {
			return 0
		}
		if f.col == "" {
			return -1
		}
		if i, ok := sh.index[f.col]; ok {
			return i
		}
		return sh.width + slices.Index(sh.columns, f.col)
	}
	slices.SortStableFunc(p.fields, func(a, b lineProblem) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return pos(a) - pos(b)
	})
	fields := make([]aims.FieldError, len(p.fields))
	for i, f := range p.fields {
		fields[i] = f.FieldError
	}
	return &aims.Error{Kind: aims.KindInvalid,
		Message: fmt.Sprintf("%d line(s) of the file have problems, so nothing was imported: correct them and import the file again", len(p.lines)),
		Fields:  fields}
}

// listSeparator separates the entries of a list cell; techniques and tags
// may not contain it (aims.AISystem.Validate).
const listSeparator = ";"

// splitList reads a list cell, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, listSeparator) {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// joinList writes a list cell.
func joinList[T ~string](list []T) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = string(v)
	}
	return strings.Join(s, listSeparator+" ")
}

// enumToken reads an enum value as people type it: any case, spaces or
// dashes for underscores ("Verification and validation").
func enumToken(s string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// enumList reads a list cell of enum values.
func enumList[T ~string](s string) []T {
	out := []T{}
	for _, e := range splitList(s) {
		out = append(out, T(enumToken(e)))
	}
	return out
}
