package service

import (
	"embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
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
)

// The page frame every PDF report shares (docs/api.md, "Spreadsheets and
// PDFs"): A4 landscape in the embedded DejaVu font; on every page a footer
// naming the organization, the document, its version and status (DRAFT
// for a draft) and "Page N of M"; tables whose header row repeats on each
// page they run to; text broken into lines at its line breaks.

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

// pdfFrame is what every page of a report names.
type pdfFrame struct {
	Org      string
	Document string // "Statement of Applicability", "AI system impact assessment — Name"
	Version  int
	Label    string // a version written otherwise ("1.2"), instead of Version
	Status   string // as people read it: "approved", "signed off"
	Draft    bool   // the footer says DRAFT
}

func (f pdfFrame) footer() string {
	if f.Label != "" {
		return fmt.Sprintf("%s · %s · version %s", f.Org, f.Document, f.Label)
	}
	return fmt.Sprintf("%s · %s · version %d", f.Org, f.Document, f.Version)
}

func (f pdfFrame) status() string {
	if f.Draft {
		return "DRAFT"
	}
	return f.Status
}

// pdfReport is a PDF being written in the shared page frame.
type pdfReport struct {
	m core.Maroto
}

// newPDF starts a report in frame f.
func newPDF(f pdfFrame) (*pdfReport, error) {
	fonts, err := pdfFonts()
	if err != nil {
		return nil, fmt.Errorf("load PDF fonts: %w", err)
	}
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).WithOrientation(orientation.Horizontal).
		WithLeftMargin(10).WithRightMargin(10).WithTopMargin(10).
		WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: pdfFont, Size: 8}).
		WithTitle(f.Document+" — "+f.Org, true).WithAuthor(f.Org, true).WithSubject(f.footer()+" · "+f.status(), true).
		WithCreator("aims", true).WithCreationDate(time.Now().UTC()).WithCompression(true).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Family: pdfFont, Size: 7}).
		Build()
	m := maroto.New(cfg)
	statusProp := props.Text{Family: pdfFont, Size: 7, Style: fontstyle.Bold, Top: 2}
	if f.Draft {
		statusProp.Color = &props.Color{Red: 190}
	}
	err = m.RegisterFooter(row.New(7).Add(
		col.New(8).Add(text.New(f.footer(), props.Text{Family: pdfFont, Size: 7, Top: 2})),
		col.New(2).Add(text.New(f.status(), statusProp)),
		col.New(2),
	))
	if err != nil {
		return nil, fmt.Errorf("PDF footer: %w", err)
	}
	return &pdfReport{m: m}, nil
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

// title adds the report's title and a line under it.
func (r *pdfReport) title(title, sub string) {
	r.m.AddRows(text.NewRow(9, title, pdfTitle))
	r.m.AddAutoRow(col.New(12).Add(pdfText(sub, pdfSmall)))
	r.m.AddRows(row.New(3))
}

// paragraph adds a heading and a block of wrapped text.
func (r *pdfReport) paragraph(heading, body string) {
	r.m.AddRows(text.NewRow(8, heading, pdfHeading))
	r.m.AddAutoRow(col.New(12).Add(pdfText(body, pdfSmall)))
	r.m.AddRows(row.New(2))
}

// heading adds a heading.
func (r *pdfReport) heading(s string) {
	r.m.AddRows(text.NewRow(8, s, pdfHeading))
}

// table adds a table: a shaded header row, repeated at the top of every
// page the table runs to, then one row per entry, each as tall as its
// longest cell; an empty cell shows a dash. widths add up to 12.
func (r *pdfReport) table(widths []int, headers []string, rows [][]string) error {
	const headHeight = 6
	hcols := make([]core.Col, len(headers))
	for i, h := range headers {
		hcols[i] = col.New(widths[i]).Add(text.New(h, pdfHead))
	}
	head := row.New(headHeight).Add(hcols...).WithStyle(pdfShade)
	// A header with no room for a row under it starts the next page.
	if !r.m.FitlnCurrentPage(headHeight + 12) {
		r.m.AddPages(page.New())
	}
	// maroto repeats its page header on each new page: the table's header
	// is that page header while the table lasts.
	if err := r.m.RegisterHeader(head); err != nil {
		return fmt.Errorf("PDF table header: %w", err)
	}
	for _, vals := range rows {
		cols := make([]core.Col, len(vals))
		for i, val := range vals {
			cols[i] = col.New(widths[i]).Add(pdfText(orNone(val), pdfCell))
		}
		r.m.AddAutoRow(cols...)
	}
	return r.m.RegisterHeader()
}

// bytes renders the document.
func (r *pdfReport) bytes() ([]byte, error) {
	doc, err := r.m.Generate()
	if err != nil {
		return nil, fmt.Errorf("render PDF: %w", err)
	}
	return doc.GetBytes(), nil
}

// pdfText is s as a text component. maroto breaks lines only at spaces and
// draws a line break, a tab or another control character as a missing
// glyph, so s is cut into its lines, each a text of its own under the one
// before, and tabs and other control characters become spaces.
func pdfText(s string, p props.Text) core.Component {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
			return ' '
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	if len(lines) == 1 {
		return text.New(s, p)
	}
	out := &textLines{}
	for i, l := range lines {
		lp := p
		if i > 0 {
			lp.Top = 0
		}
		if i < len(lines)-1 {
			lp.Bottom = 0
		}
		if strings.TrimSpace(l) == "" {
			l = " "
		}
		if i == 0 {
			out.Component = text.New(l, lp)
		} else {
			out.rest = append(out.rest, text.New(l, lp))
		}
	}
	return out
}

// textLines stacks texts one under the other in a column.
type textLines struct {
	core.Component // the first line
	rest           []core.Component
}

func (t *textLines) all() []core.Component { return append([]core.Component{t.Component}, t.rest...) }

// SetConfig sets the config of every line.
func (t *textLines) SetConfig(c *entity.Config) {
	for _, l := range t.all() {
		l.SetConfig(c)
	}
}

// GetHeight adds up the heights of the lines.
func (t *textLines) GetHeight(provider core.Provider, cell *entity.Cell) float64 {
	h := 0.0
	for _, l := range t.all() {
		h += l.GetHeight(provider, cell)
	}
	return h
}

// Render draws each line under the one before.
func (t *textLines) Render(provider core.Provider, cell *entity.Cell) {
	c := *cell
	for _, l := range t.all() {
		h := l.GetHeight(provider, &c)
		l.Render(provider, &c)
		c.Y += h
		c.Height -= h
	}
}
