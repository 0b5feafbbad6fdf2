package ui

import (
	"net/http"

	"github.com/aimsproject/aims/internal/aims"
)

// RefOptions lists every choice with the referenced ones ticked, the
// ticked ones first so that a long list shows what is chosen at the top.
//
// The chosen ones are always there, even those past the first page of the
// Picker: a record left out would be unticked, and saving the form would
// silently drop the link.
func RefOptions(all []Option, chosen []aims.LineageRef) []Option {
	ids := map[string]bool{}
	for _, r := range chosen {
		ids[r.ID] = true
	}
	var on, off []Option
	listed := map[string]bool{}
	for _, o := range all {
		listed[o.Value] = true
		o.Selected = ids[o.Value]
		if o.Selected {
			on = append(on, o)
		} else {
			off = append(off, o)
		}
	}
	for _, r := range chosen {
		if !listed[r.ID] {
			listed[r.ID] = true
			label := r.Name
			if label == "" {
				label = r.ID
			}
			on = append(on, Option{Value: r.ID, Label: label, Selected: true})
		}
	}
	return append(on, off...)
}

// Picker is a checkbox group of lineage records for a form.
type Picker struct {
	Options   []Option
	Total     int    // records of the organization, listed or not
	SearchURL string // answers ?field=&q= with more checkboxes
	Noun      string // "tags", "features"
}

// More reports whether some records are not listed and must be searched.
func (p Picker) More() bool { return p.Total > len(p.Options) }

// PickerSource lists the first records matching q for a picker (at most
// limit) and how many match in all.
type PickerSource func(r *http.Request, q string, limit int) ([]Option, int, error)

// WithUnit labels a record with its unit, when it has one.
func WithUnit(name, unit string) string {
	if unit == "" {
		return name
	}
	return name + " (" + unit + ")"
}

// A Picker shows the chosen records and the first PickerFirst others; past
// that, a search (htmx) finds up to PickerFound more at a time, so that a
// plant with 10,000 tags gets a usable form rather than a page of 10,000
// checkboxes.
const (
	PickerFirst = 200
	PickerFound = 50
)
