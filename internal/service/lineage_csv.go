package service

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// ImportLineageCSV reads a list of instruments, tags or features (CSV with
// a header row, as plants keep them in historian exports and spreadsheets)
// and creates or updates the records it names, matched by name in any
// case, all in one transaction. Every row is checked first: if any is bad,
// nothing is imported and the *aims.Error names every bad row and column
// as "rows/LINE/COLUMN". It returns how many rows it imported (created,
// updated or unchanged).
//
// Columns come in any order; only name is required. A column left out of
// the file leaves that field of existing records as it is; a column
// present with an empty cell empties it. Tags name their instrument, and
// features their tags (separated by ';'), by name: those must exist.
func (s *Service) ImportLineageCSV(ctx context.Context, kind string, r io.Reader) (int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "import lineage records")
	if err != nil {
		return 0, err
	}
	k := aims.LineageKind(kind)
	if !k.IsValid() {
		return 0, lineageKindError(kind)
	}
	var n int
	err = s.transact(ctx, func(tx *store.Tx) error {
		var err error
		switch k {
		case aims.LineageInstruments:
			n, err = importSheet(ctx, tx, scope, r, instrumentSheet(ctx, tx, scope))
		case aims.LineageTags:
			n, err = importSheet(ctx, tx, scope, r, tagSheet(ctx, tx, scope))
		default:
			n, err = importSheet(ctx, tx, scope, r, featureSheet(ctx, tx, scope))
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	s.log.InfoContext(ctx, "lineage import", "kind", kind, "rows", n)
	return n, nil
}

// ExportLineageCSV writes every instrument, tag or feature as CSV in the
// columns ImportLineageCSV reads, so that an export can be edited and
// imported back. The file starts with a UTF-8 byte-order mark.
func (s *Service) ExportLineageCSV(ctx context.Context, kind string, w io.Writer) error {
	scope, _, err := authz.Authorize(ctx, authz.Export, "export lineage records")
	if err != nil {
		return err
	}
	k := aims.LineageKind(kind)
	if !k.IsValid() {
		return lineageKindError(kind)
	}
	switch k {
	case aims.LineageInstruments:
		return exportSheet(w, instrumentColumns, func(fn func(*aims.Instrument) error) error {
			return store.EachInstrument(ctx, s.db, scope, s.db.Now(), fn)
		})
	case aims.LineageTags:
		return exportSheet(w, tagColumns, func(fn func(*aims.Tag) error) error { return store.EachTag(ctx, s.db, scope, fn) })
	default:
		return exportSheet(w, featureColumns, func(fn func(*aims.Feature) error) error { return store.EachFeature(ctx, s.db, scope, fn) })
	}
}

// LineageCSVColumns lists the columns of a lineage CSV kind in the order
// an export writes them (nil for an unknown kind).
func LineageCSVColumns(kind string) []string {
	switch aims.LineageKind(kind) {
	case aims.LineageInstruments:
		return columnNames(instrumentColumns)
	case aims.LineageTags:
		return columnNames(tagColumns)
	case aims.LineageFeatures:
		return columnNames(featureColumns)
	}
	return nil
}

func lineageKindError(kind string) error {
	return &aims.Error{Kind: aims.KindInvalid, Message: fmt.Sprintf("unknown kind %q", kind),
		Fields: []aims.FieldError{{Field: "kind", Detail: "must be one of instruments, tags, features"}}}
}

// column is one column of a lineage sheet of records T: how an export
// writes it and how an import reads it (set returns a problem, or "").
type column[T any] struct {
	name string
	get  func(*T) string
	set  func(*T, string) string
}

func columnNames[T any](cols []column[T]) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

func textCell[T any](name string, field func(*T) *string) column[T] {
	return column[T]{name, func(r *T) string { return *field(r) }, func(r *T, v string) string { *field(r) = v; return "" }}
}

func exportSheet[T any](w io.Writer, cols []column[T], each func(func(*T) error) error) error {
	cw, err := newCSVExport(w, columnNames(cols))
	if err != nil {
		return err
	}
	rec := make([]string, len(cols))
	err = each(func(r *T) error {
		for i, c := range cols {
			rec[i] = c.get(r)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	return cw.Close()
}

// lineageSheet is how one kind of record imports.
type lineageSheet[T any] struct {
	what     string                              // "instrument"
	columns  []column[T]                         // with the refs of this import bound
	existing map[string]*T                       // by name key
	loadErr  error                               // from loading existing or refs
	fresh    func() *T                           // a new record, before its cells
	prepare  func(r *T, cells map[string]string) // after the cells, before validation (defaults)
	clone    func(*T) *T
	validate func(*T) error // normalizes and validates
	same     func(a, b *T) bool
	create   func(*T) error
	update   func(before, after *T) error
}

// importSheet checks every row, then writes the good file.
func importSheet[T any](ctx context.Context, tx *store.Tx, scope aims.Scope, r io.Reader, ls *lineageSheet[T]) (int, error) {
	if ls.loadErr != nil {
		return 0, ls.loadErr
	}
	sh, err := readSheetOf(r, columnNames(ls.columns), "name",
		"is missing: every row needs a name, which matches it to an "+ls.what+" of the organization")
	if err != nil {
		return 0, err
	}
	if _, ok := sh.index["name"]; !ok {
		return 0, sh.err()
	}
	type planned struct {
		line          int
		before, after *T
	}
	var plan []planned
	seen := map[string]int{}
	rows := 0
	for _, row := range sh.rows {
		p := sh.problems
		name, _ := sh.cell(row, "name")
		key := store.NameKey(name)
		rec := ls.fresh()
		var before *T
		if key != "" {
			if first, dup := seen[key]; dup {
				p.add(row.line, "name", "repeats the %s of line %d: list each once", ls.what, first)
			} else {
				seen[key] = row.line
			}
			if before = ls.existing[key]; before != nil {
				rec = ls.clone(before)
			}
		}
		flagged := map[string]bool{}
		cells := map[string]string{}
		for _, c := range ls.columns {
			v, ok := sh.cell(row, c.name)
			if !ok {
				continue
			}
			cells[c.name] = v
			if problem := c.set(rec, v); problem != "" {
				p.add(row.line, c.name, "%s", problem)
				flagged[c.name] = true
			}
		}
		if before == nil && ls.prepare != nil {
			ls.prepare(rec, cells)
		}
		addValidation(p, row.line, ls.validate(rec), flagged)
		rows++
		switch {
		case p.lines[row.line]:
		case before == nil:
			plan = append(plan, planned{line: row.line, after: rec})
		case !ls.same(before, rec):
			plan = append(plan, planned{line: row.line, before: before, after: rec})
		}
	}
	if err := sh.err(); err != nil {
		return 0, err
	}
	for _, pl := range plan {
		var err error
		if pl.before == nil {
			err = ls.create(pl.after)
		} else {
			err = ls.update(pl.before, pl.after)
		}
		if err != nil {
			return 0, rowError(pl.line, err)
		}
	}
	return rows, nil
}

// instrumentColumns are the columns of the instruments sheet.
var instrumentColumns = []column[aims.Instrument]{
	textCell("name", func(i *aims.Instrument) *string { return &i.Name }),
	{"kind", func(i *aims.Instrument) string { return string(i.Kind) },
		func(i *aims.Instrument, v string) string { i.Kind = aims.InstrumentKind(enumToken(v)); return "" }},
	textCell("description", func(i *aims.Instrument) *string { return &i.Description }),
	textCell("location", func(i *aims.Instrument) *string { return &i.Location }),
	textCell("manufacturer", func(i *aims.Instrument) *string { return &i.Manufacturer }),
	textCell("serial_number", func(i *aims.Instrument) *string { return &i.SerialNumber }),
	{"calibration_required", func(i *aims.Instrument) string { return yesNo(i.CalibrationRequired) },
		func(i *aims.Instrument, v string) string {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "":
				i.CalibrationRequired = i.Kind.NeedsCalibration()
			case "yes", "true":
				i.CalibrationRequired = true
			case "no", "false":
				i.CalibrationRequired = false
			default:
				return "must be yes or no (an empty cell means yes, except for software and manual entry)"
			}
			return ""
		}},
	{"calibration_interval_days", func(i *aims.Instrument) string {
		if i.CalibrationIntervalDays == 0 {
			return ""
		}
		return strconv.Itoa(i.CalibrationIntervalDays)
	}, func(i *aims.Instrument, v string) string {
		v = strings.TrimSpace(v)
		if v == "" {
			i.CalibrationIntervalDays = 0
			return ""
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return "must be a whole number of days (empty for unspecified)"
		}
		i.CalibrationIntervalDays = n
		return ""
	}},
}

func instrumentSheet(ctx context.Context, tx *store.Tx, scope aims.Scope) *lineageSheet[aims.Instrument] {
	ls := &lineageSheet[aims.Instrument]{what: "instrument", columns: instrumentColumns, existing: map[string]*aims.Instrument{},
		fresh: func() *aims.Instrument { return &aims.Instrument{} },
		prepare: func(i *aims.Instrument, cells map[string]string) {
			i.Kind = aims.InstrumentKind(strings.TrimSpace(string(i.Kind)))
			if strings.TrimSpace(cells["calibration_required"]) == "" {
				i.CalibrationRequired = i.Kind.NeedsCalibration()
			}
		},
		clone:    func(i *aims.Instrument) *aims.Instrument { c := *i; return &c },
		validate: func(i *aims.Instrument) error { i.Normalize(); return i.Validate() },
		same: func(a, b *aims.Instrument) bool {
			return a.Name == b.Name && a.Kind == b.Kind && sameText(a.Description, b.Description) && a.Location == b.Location &&
				a.Manufacturer == b.Manufacturer && a.SerialNumber == b.SerialNumber &&
				a.CalibrationRequired == b.CalibrationRequired && a.CalibrationIntervalDays == b.CalibrationIntervalDays
		},
		create: func(i *aims.Instrument) error { return store.CreateInstrument(ctx, tx, scope, i) },
		update: func(b, a *aims.Instrument) error { return store.UpdateInstrument(ctx, tx, scope, b, a) },
	}
	ls.loadErr = store.EachInstrument(ctx, tx, scope, tx.Now(), func(i *aims.Instrument) error {
		ls.existing[store.NameKey(i.Name)] = i
		return nil
	})
	return ls
}

// tagColumns are the columns of the tags sheet; instrument is read by
// tagSheet, which knows the instruments.
var tagColumns = []column[aims.Tag]{
	textCell("name", func(t *aims.Tag) *string { return &t.Name }),
	textCell("unit", func(t *aims.Tag) *string { return &t.Unit }),
	{"instrument", func(t *aims.Tag) string { return t.InstrumentName }, nil},
	textCell("description", func(t *aims.Tag) *string { return &t.Description }),
	textCell("quality_caveats", func(t *aims.Tag) *string { return &t.QualityCaveats }),
}

func tagSheet(ctx context.Context, tx *store.Tx, scope aims.Scope) *lineageSheet[aims.Tag] {
	instruments := map[string]*aims.Instrument{}
	loadErr := store.EachInstrument(ctx, tx, scope, tx.Now(), func(i *aims.Instrument) error {
		instruments[store.NameKey(i.Name)] = i
		return nil
	})
	cols := slices.Clone(tagColumns)
	cols[2].set = func(t *aims.Tag, v string) string {
		v = strings.TrimSpace(v)
		t.InstrumentID, t.InstrumentName = "", v
		if v == "" {
			return ""
		}
		in := instruments[store.NameKey(v)]
		if in == nil {
			return fmt.Sprintf("no instrument is named %q: import or add it first, or leave the cell empty", v)
		}
		t.InstrumentID, t.InstrumentName = in.ID, in.Name
		return ""
	}
	ls := &lineageSheet[aims.Tag]{what: "tag", columns: cols, existing: map[string]*aims.Tag{}, loadErr: loadErr,
		fresh:    func() *aims.Tag { return &aims.Tag{} },
		clone:    func(t *aims.Tag) *aims.Tag { c := *t; return &c },
		validate: func(t *aims.Tag) error { t.Normalize(); return t.Validate() },
		same: func(a, b *aims.Tag) bool {
			return a.Name == b.Name && a.Unit == b.Unit && a.InstrumentID == b.InstrumentID &&
				sameText(a.Description, b.Description) && sameText(a.QualityCaveats, b.QualityCaveats)
		},
		create: func(t *aims.Tag) error { return store.CreateTag(ctx, tx, scope, t) },
		update: func(b, a *aims.Tag) error { return store.UpdateTag(ctx, tx, scope, b, a) },
	}
	if ls.loadErr == nil {
		ls.loadErr = store.EachTag(ctx, tx, scope, func(t *aims.Tag) error { ls.existing[store.NameKey(t.Name)] = t; return nil })
	}
	return ls
}

// featureColumns are the columns of the features sheet; tags (names
// separated by ';') are read by featureSheet, which knows the tags.
var featureColumns = []column[aims.Feature]{
	textCell("name", func(f *aims.Feature) *string { return &f.Name }),
	textCell("description", func(f *aims.Feature) *string { return &f.Description }),
	textCell("transformation", func(f *aims.Feature) *string { return &f.Transformation }),
	textCell("unit", func(f *aims.Feature) *string { return &f.Unit }),
	{"tags", func(f *aims.Feature) string {
		names := make([]string, len(f.Tags))
		for i, t := range f.Tags {
			names[i] = t.Name
		}
		return joinList(names)
	}, nil},
}

func featureSheet(ctx context.Context, tx *store.Tx, scope aims.Scope) *lineageSheet[aims.Feature] {
	tags := map[string]*aims.Tag{}
	loadErr := store.EachTag(ctx, tx, scope, func(t *aims.Tag) error { tags[store.NameKey(t.Name)] = t; return nil })
	cols := slices.Clone(featureColumns)
	cols[4].set = func(f *aims.Feature, v string) string {
		f.Tags = []aims.LineageRef{}
		var missing []string
		for _, name := range splitList(v) {
			t := tags[store.NameKey(name)]
			if t == nil {
				missing = append(missing, strconv.Quote(name))
				continue
			}
			f.Tags = append(f.Tags, aims.LineageRef{ID: t.ID, Name: t.Name})
		}
		if len(missing) > 0 {
			return fmt.Sprintf("no tag is named %s: import or add the tags first", strings.Join(missing, ", "))
		}
		return ""
	}
	ls := &lineageSheet[aims.Feature]{what: "feature", columns: cols, existing: map[string]*aims.Feature{}, loadErr: loadErr,
		fresh:    func() *aims.Feature { return &aims.Feature{Tags: []aims.LineageRef{}} },
		clone:    func(f *aims.Feature) *aims.Feature { c := *f; c.Tags = slices.Clone(f.Tags); return &c },
		validate: func(f *aims.Feature) error { f.Normalize(); return f.Validate() },
		same: func(a, b *aims.Feature) bool {
			return a.Name == b.Name && sameText(a.Description, b.Description) && sameText(a.Transformation, b.Transformation) &&
				a.Unit == b.Unit && slices.Equal(aims.RefIDs(a.Tags), aims.RefIDs(b.Tags))
		},
		create: func(f *aims.Feature) error { return store.CreateFeature(ctx, tx, scope, f) },
		update: func(b, a *aims.Feature) error { return store.UpdateFeature(ctx, tx, scope, b, a) },
	}
	if ls.loadErr == nil {
		ls.loadErr = store.EachFeature(ctx, tx, scope, func(f *aims.Feature) error { ls.existing[store.NameKey(f.Name)] = f; return nil })
	}
	return ls
}

// sameText compares text loosely at line ends: CSV readers turn CRLF
// inside a cell into LF.
func sameText(x, y string) bool {
	return strings.ReplaceAll(x, "\r\n", "\n") == strings.ReplaceAll(y, "\r\n", "\n")
}
