package ui

import (
	"cmp"
	"context"
	"io"
	"slices"

	"github.com/a-h/templ"
)

// A form's error summary lists the refused fields in the order a person
// meets them on the page. The fields' order is the page's own: a refused
// form is drawn twice, the first time only to let every field component
// note its place (MarkField), the second time for the person, with the
// summary in that order. Nothing else needs to know a form's fields.

type fieldOrderKey struct{}

type fieldOrder map[string]fieldMark

// fieldMark is a field's place on the page and the label it shows there.
type fieldMark struct {
	place int
	label string
}

// MarkField notes the place of a field on the page and its label; it
// draws nothing.
func MarkField(name, label string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, _ io.Writer) error {
		if o, ok := ctx.Value(fieldOrderKey{}).(fieldOrder); ok {
			if _, seen := o[name]; !seen {
				o[name] = fieldMark{place: len(o), label: label}
			}
		}
		return nil
	})
}

// RenderInFieldOrder draws c so that its error summary follows the order
// of its fields.
func RenderInFieldOrder(ctx context.Context, w io.Writer, c templ.Component) error {
	o := fieldOrder{}
	ctx = context.WithValue(ctx, fieldOrderKey{}, o)
	if err := c.Render(ctx, io.Discard); err != nil {
		return err
	}
	return c.Render(ctx, w)
}

// sortByPlace orders a summary by the fields' places on the page, each
// named by the label the page shows; fields the page did not mark keep
// their order after the marked ones.
func sortByPlace(ctx context.Context, entries []SummaryEntry) {
	o, _ := ctx.Value(fieldOrderKey{}).(fieldOrder)
	for i, e := range entries {
		if m, ok := o[e.Name]; ok && m.label != "" {
			entries[i].Label = m.label
		}
	}
	place := func(e SummaryEntry) int {
		if m, ok := o[e.Name]; ok {
			return m.place
		}
		return len(o)
	}
	slices.SortStableFunc(entries, func(a, b SummaryEntry) int { return cmp.Compare(place(a), place(b)) })
}
