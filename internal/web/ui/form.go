package ui

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"github.com/aimsproject/aims/internal/aims"
)

// SplitList reads a comma-separated text input ("LLM, retrieval") as a
// list; the domain trims entries and drops empty ones.
func SplitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// JoinList writes a list back into a comma-separated text input.
func JoinList(l []string) string { return strings.Join(l, ", ") }

// EnumList converts the values of a checkbox group.
func EnumList[T ~string](vals []string) []T {
	out := make([]T, 0, len(vals))
	for _, v := range vals {
		out = append(out, T(v))
	}
	return out
}

// Option is one choice of a select or a checkbox group.
type Option struct {
	Value, Label string
	Selected     bool
}

// WithChosen keeps the chosen records in a select's options: the options
// are the first aims.MaxLimit records, and a chosen one past them, left
// out, would make the form post another value, so that saving it would
// silently change the link. label finds a missing one's label; a value
// that names no record (a filter's "none", an id typed into a URL) is left
// to the caller.
func WithChosen(opts []Option, chosen []string, label func(id string) (string, error)) ([]Option, error) {
	listed := map[string]bool{}
	for _, o := range opts {
		listed[o.Value] = true
	}
	for _, id := range chosen {
		if id == "" || listed[id] {
			continue
		}
		listed[id] = true
		l, err := label(id)
		if aims.IsKind(err, aims.KindNotFound) || aims.IsKind(err, aims.KindInvalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		opts = append(opts, Option{Value: id, Label: l, Selected: true})
	}
	return opts, nil
}

// EnumOptions lists an enum's values with their titles, marking the
// selected ones.
func EnumOptions[T ~string](values []T, title func(T) string, selected ...T) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: string(v), Label: title(v), Selected: slices.Contains(selected, v)}
	}
	return out
}

// WithBlank puts a first choice with an empty value ("any", "none") before
// opts, selected when no other is.
func WithBlank(label string, opts []Option) []Option {
	blank := Option{Label: label, Selected: !slices.ContainsFunc(opts, func(o Option) bool { return o.Selected })}
	return append([]Option{blank}, opts...)
}

// Field is one labelled input of a form with its help text and error.
type Field struct {
	Name     string // the form name, the input id and the key of its error
	Label    string
	Value    string
	Help     string // what to enter, citing the clause or control it serves
	Type     string // input type; "" is text
	Required bool
	// Autocomplete helps password managers and autofill ("new-password").
	Autocomplete string
	Errors       FormErrors
}

// ID is the element id of the input; nested names ("datasets/0/purpose")
// become valid ids.
func (f Field) ID() string { return FieldID(f.Name) }

func FieldID(name string) string { return strings.ReplaceAll(name, "/", "-") }

// Attrs are the input's accessibility attributes: aria-invalid when refused,
// and aria-describedby naming the help text and the message.
func (f Field) Attrs() templ.Attributes {
	a := templ.Attributes{}
	var desc []string
	if f.Help != "" {
		desc = append(desc, f.ID()+"-help")
	}
	if f.Errors.Has(f.Name) {
		a["aria-invalid"] = "true"
		desc = append(desc, f.ID()+"-error")
	}
	if len(desc) > 0 {
		a["aria-describedby"] = strings.Join(desc, " ")
	}
	if f.Required {
		a["required"] = true
		a["aria-required"] = "true"
	}
	if f.Autocomplete != "" {
		a["autocomplete"] = f.Autocomplete
	}
	return a
}

// SummaryEntry is one refused field in a form's error summary.
type SummaryEntry struct {
	Field, Label, Detail string
	Name                 string // the form name, whose place on the page orders the summary
}

// Summary lists the refused fields for the summary at the top of a form,
// each linking to its input, in the order of the fields on the page (see
// RenderInFieldOrder), by their labels.
func (fe FormErrors) Summary(ctx context.Context) []SummaryEntry {
	var out []SummaryEntry
	for k, v := range fe {
		if k == "_" || strings.Contains(k, "/") {
			continue
		}
		out = append(out, SummaryEntry{Field: FieldID(k), Label: FieldLabel(k), Detail: v, Name: k})
	}
	slices.SortFunc(out, func(a, b SummaryEntry) int { return strings.Compare(a.Field, b.Field) })
	sortByPlace(ctx, out)
	return out
}

// GroupAttrs are the attributes of a checkbox group's fieldset: the
// description, while each checkbox carries aria-invalid itself.
func (f Field) GroupAttrs() templ.Attributes {
	a := f.Attrs()
	delete(a, "aria-invalid")
	delete(a, "required")
	return a
}

// Choose returns a copy of opts with value selected.
func Choose(opts []Option, value string) []Option {
	out := make([]Option, len(opts))
	for i, o := range opts {
		o.Selected = o.Value == value
		out[i] = o
	}
	return out
}

// FormErrors indexes field errors by field for the forms, which show each
// message next to its field.
type FormErrors map[string]string

func FieldErrors(err error) (FormErrors, bool) {
	var ae *aims.Error
	if !errors.As(err, &ae) || (ae.Kind != aims.KindInvalid && ae.Kind != aims.KindConflict) {
		return nil, false
	}
	fe := FormErrors{}
	add := func(key, detail string) {
		if fe[key] == "" {
			fe[key] = detail
		} else {
			fe[key] += "; " + detail
		}
	}
	for _, f := range ae.Fields {
		key, detail := f.Field, MessageWords(f.Detail)
		if i := strings.IndexByte(key, '/'); i > 0 {
			add(key, detail) // datasets/1/purpose, for the row's own message
			key = key[:i]    // impact_domains/2 -> impact_domains
		}
		add(key, detail)
	}
	fe["_"] = MessageWords(ae.Message)
	return fe, true
}

// Has reports whether field has an error.
func (fe FormErrors) Has(field string) bool { return fe[field] != "" }

// FormDate reads an optional date input.
func FormDate(v *aims.Validation, f url.Values, name string) *aims.Date {
	s := f.Get(name)
	if s == "" {
		return nil
	}
	d, err := aims.ParseDate(s)
	if err != nil {
		v.Add(name, "%s", err.Error())
		return nil
	}
	return &d
}
