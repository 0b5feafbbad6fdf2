package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"github.com/aimsproject/aims/internal/aims"
)

// maxFormBody bounds an ordinary (not multipart) form; the services bound
// each field far below it.
const maxFormBody = 1 << 20

// parseForm reads a posted form, refusing one over maxFormBody.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return aims.Errorf(aims.KindTooLarge, "the form is larger than 1 MiB")
		}
		return aims.Errorf(aims.KindBadRequest, "the form could not be read")
	}
	return nil
}

// splitList reads a comma-separated text input ("LLM, retrieval") as a
// list; the domain trims entries and drops empty ones.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// joinList writes a list back into a comma-separated text input.
func joinList(l []string) string { return strings.Join(l, ", ") }

// enumList converts the values of a checkbox group.
func enumList[T ~string](vals []string) []T {
	out := make([]T, 0, len(vals))
	for _, v := range vals {
		out = append(out, T(v))
	}
	return out
}

// option is one choice of a select or a checkbox group.
type option struct {
	Value, Label string
	Selected     bool
}

// withChosen keeps the chosen records in a select's options: the options
// are the first aims.MaxLimit records, and a chosen one past them, left
// out, would make the form post another value, so that saving it would
// silently change the link. label finds a missing one's label; a value
// that names no record (a filter's "none", an id typed into a URL) is left
// to the caller.
func withChosen(opts []option, chosen []string, label func(id string) (string, error)) ([]option, error) {
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
		opts = append(opts, option{Value: id, Label: l, Selected: true})
	}
	return opts, nil
}

// enumOptions lists an enum's values with their titles, marking the
// selected ones.
func enumOptions[T ~string](values []T, title func(T) string, selected ...T) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: string(v), Label: title(v), Selected: slices.Contains(selected, v)}
	}
	return out
}

// withBlank puts a first choice with an empty value ("any", "none") before
// opts, selected when no other is.
func withBlank(label string, opts []option) []option {
	blank := option{Label: label, Selected: !slices.ContainsFunc(opts, func(o option) bool { return o.Selected })}
	return append([]option{blank}, opts...)
}

// field is one labelled input of a form with its help text and error.
type field struct {
	Name     string // the form name, the input id and the key of its error
	Label    string
	Value    string
	Help     string // what to enter, citing the clause or control it serves
	Type     string // input type; "" is text
	Required bool
	// Autocomplete helps password managers and autofill ("new-password").
	Autocomplete string
	Errors       formErrors
}

// ID is the element id of the input; nested names ("datasets/0/purpose")
// become valid ids.
func (f field) ID() string { return fieldID(f.Name) }

func fieldID(name string) string { return strings.ReplaceAll(name, "/", "-") }

// attrs are the input's accessibility attributes: aria-invalid when refused,
// and aria-describedby naming the help text and the message.
func (f field) attrs() templ.Attributes {
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
	}
	if f.Autocomplete != "" {
		a["autocomplete"] = f.Autocomplete
	}
	return a
}

// summaryEntry is one refused field in a form's error summary.
type summaryEntry struct {
	Field, Label, Detail string
}

// Summary lists the refused fields for the summary at the top of a form,
// each linking to its input.
func (fe formErrors) Summary() []summaryEntry {
	var out []summaryEntry
	for k, v := range fe {
		if k == "_" || strings.Contains(k, "/") {
			continue
		}
		out = append(out, summaryEntry{Field: fieldID(k), Label: fieldLabel(k), Detail: v})
	}
	slices.SortFunc(out, func(a, b summaryEntry) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// fieldLabel turns a field name into words: "scope_justification" becomes
// "Scope justification", "owner_id" "Owner".
func fieldLabel(name string) string {
	name = strings.TrimSuffix(name, "_id")
	name = strings.ReplaceAll(name, "_", " ")
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// groupAttrs are the attributes of a checkbox group's fieldset: the
// description, while each checkbox carries aria-invalid itself.
func (f field) groupAttrs() templ.Attributes {
	a := f.attrs()
	delete(a, "aria-invalid")
	delete(a, "required")
	return a
}

// deletion describes a record a person asked to delete.
type deletion struct {
	What   string // "AI system"
	Name   string
	Action string // where the confirmation posts
	Cancel string // where Cancel and a refused delete lead
}

// confirmDelete shows the confirmation page.
func (ui *UI) confirmDelete(w http.ResponseWriter, r *http.Request, d deletion) error {
	return render(w, r, http.StatusOK, ConfirmDeletePage(ui.page(r, "Delete "+d.What, ""), d.What, d.Name, d.Action, d.Cancel, ""))
}

// deleteAndRedirect runs del; a refusal the person can act on (a conflict:
// other records link to it) shows the confirmation page again with the
// reason, anything else goes to the error page.
func (ui *UI) deleteAndRedirect(w http.ResponseWriter, r *http.Request, d deletion, del func() error, next string) error {
	err := del()
	var ae *aims.Error
	if errors.As(err, &ae) && ae.Kind == aims.KindConflict {
		return render(w, r, http.StatusConflict, ConfirmDeletePage(ui.page(r, "Delete "+d.What, ""), d.What, d.Name, d.Action, d.Cancel, ae.Message))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Deleted "+d.What+" “"+d.Name+"”.", next)
}

// done ends a successful post: it leaves msg for the next page and sends
// the browser there with 303, so that reloading does not post again.
func (ui *UI) done(w http.ResponseWriter, r *http.Request, msg, next string) error {
	ui.flash(r, msg)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// choose returns a copy of opts with value selected.
func choose(opts []option, value string) []option {
	out := make([]option, len(opts))
	for i, o := range opts {
		o.Selected = o.Value == value
		out[i] = o
	}
	return out
}
