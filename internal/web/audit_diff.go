package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/aimsproject/aims/internal/gate"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/web/ui"
)

// diffRow is one field of an audited record, before and after the change,
// in words: the field by its label, linked records by their names, enum
// values by their titles, times in UTC.
type diffRow struct {
	Field   string // the JSON name, to tell rows apart
	Label   string
	Before  diffValue
	After   diffValue
	Changed bool
}

// diffValue is a value as people read it: text, with the records it names
// linked where they have a page.
type diffValue []diffPart

type diffPart struct{ Text, Href string }

func (v diffValue) String() string {
	var b strings.Builder
	for _, p := range v {
		b.WriteString(p.Text)
	}
	return b.String()
}

// recordName is a record an id names: its name and its page, if any.
type recordName struct{ Name, Href string }

// namer finds the record an id names; ok is false for an unknown one.
type namer func(id string) (recordName, bool)

// auditDiff lays an event's before and after side by side, field by field,
// in the record's own field order. A create has only an after, a delete
// only a before; every field of an update is listed, the changed ones
// marked. A field that only repeats another's name ("owner_name" beside
// "owner_id") and the record's own id are left out: the id reads as the
// name.
func auditDiff(ev *aims.AuditEvent, names namer) []diffRow {
	bKeys, before := jsonFields(ev.Before)
	aKeys, after := jsonFields(ev.After)
	keys := aKeys
	for _, k := range bKeys {
		if _, ok := after[k]; !ok {
			keys = append(keys, k) // a field only the old record had
		}
	}
	rows := make([]diffRow, 0, len(keys))
	for _, k := range keys {
		if k == "id" || companion(k, before) || companion(k, after) {
			continue
		}
		b, inB := before[k]
		a, inA := after[k]
		row := diffRow{Field: k, Label: fieldLabel(k), Before: jsonValue(k, b, before, names), After: jsonValue(k, a, after, names)}
		row.Changed = ev.Action == aims.ActionUpdate && (inA != inB || !sameJSON(a, b))
		if ev.Action == aims.ActionUpdate && !row.Changed && row.Before.String() == "—" {
			continue // empty before and after: nothing to read
		}
		rows = append(rows, row)
	}
	return rows
}

// companion reports whether field only names the record another field of
// obj links to: "dataset_name" beside "dataset_id", "registered_by_name"
// beside "registered_by".
func companion[V any](field string, obj map[string]V) bool {
	base, ok := strings.CutSuffix(field, "_name")
	if !ok {
		return false
	}
	_, withID := obj[base+"_id"]
	_, bare := obj[base]
	return withID || bare
}

// changedCount counts the changed fields of an update.
func changedCount(rows []diffRow) int {
	n := 0
	for _, r := range rows {
		if r.Changed {
			n++
		}
	}
	return n
}

// jsonFields reads a JSON object's fields in their order.
func jsonFields(raw json.RawMessage) ([]string, map[string]json.RawMessage) {
	vals := map[string]json.RawMessage{}
	if len(raw) == 0 {
		return nil, vals
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, vals
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break
		}
		keys = append(keys, k)
		vals[k] = v
	}
	return keys, vals
}

func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// jsonValue writes the JSON value of field for people: text as is (an
// enum value by its title, a time in UTC, an id by the name of its record),
// lists joined, an object as "label: value" pairs, nothing as "—". obj is
// the object holding the field, whose companion "<field>_name" names the
// record an id links to when the namer does not know it.
func jsonValue(field string, raw json.RawMessage, obj map[string]json.RawMessage, names namer) diffValue {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		if len(raw) == 0 {
			return diffValue{{Text: "—"}}
		}
		return diffValue{{Text: string(raw)}}
	}
	companions := map[string]any{}
	for k, r := range obj {
		if strings.HasSuffix(k, "_name") {
			var s any
			_ = json.Unmarshal(r, &s)
			companions[k] = s
		}
	}
	var out diffValue
	valueParts(&out, field, v, companions, names)
	if out.String() == "" {
		return diffValue{{Text: "—"}}
	}
	return out
}

// freeText are the fields whose text is the person's own words, never an
// enum value to translate.
var freeText = map[string]bool{"name": true, "title": true, "description": true, "notes": true, "label": true}

func valueParts(out *diffValue, field string, v any, obj map[string]any, names namer) {
	add := func(text, href string) { *out = append(*out, diffPart{Text: text, Href: href}) }
	switch x := v.(type) {
	case nil:
	case string:
		switch {
		case x == "":
		case gateSubjectText.MatchString(x):
			// A gate request's subject: a model version and the status
			// asked for ("<id>:deployed").
			id, to, _ := strings.Cut(x, ":")
			if n, ok := names(id); ok {
				add(n.Name, n.Href)
			} else {
				add("a model version", "")
			}
			add(" to "+strings.ToLower(aims.ModelVersionStatus(to).Title()), "")
		case uuidText.MatchString(x):
			if n, ok := names(x); ok {
				add(n.Name, n.Href)
			} else if s, ok := obj[strings.TrimSuffix(field, "_id")+"_name"].(string); ok && s != "" {
				add(s, "")
			} else {
				add("a record no longer known", "")
			}
		case freeText[field]:
			add(x, "")
		default:
			if t, ok := ui.ValueTitle(x); ok {
				add(t, "")
			} else if t, ok := gateValueTitle(x); ok {
				add(t, "")
			} else if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
				add(utc(tm), "")
			} else {
				add(x, "")
			}
		}
	case bool:
		add(yesNo(x), "")
	case float64:
		add(fmt.Sprint(x), "")
	case []any:
		for i, e := range x {
			if i > 0 {
				add("; ", "")
			}
			valueParts(out, field, e, obj, names)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			_, named := x["name"]
			if !companion(k, x) && (k != "id" || !named) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		add("(", "")
		first := true
		for _, k := range keys {
			var part diffValue
			valueParts(&part, k, x[k], x, names)
			if part.String() == "" {
				continue
			}
			if !first {
				add(", ", "")
			}
			first = false
			if k != "id" {
				add(fieldLabel(k)+": ", "")
			}
			*out = append(*out, part...)
		}
		add(")", "")
	default:
		add(fmt.Sprint(v), "")
	}
}

// gateSubjectText is a gate request's subject id: a model version's id and
// a status.
var gateSubjectText = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:[a-z]+$`)

// uuidText is a record id.
var uuidText = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// jsonIDs collects the record ids a JSON value holds, for naming them.
func jsonIDs(raw json.RawMessage, into map[string]bool) {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if uuidText.MatchString(x) {
				into[x] = true
			} else if gateSubjectText.MatchString(x) {
				into[x[:36]] = true
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

// jsonString reads one text field of a JSON object ("" when absent).
func jsonString(raw json.RawMessage, field string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	var s string
	_ = json.Unmarshal(m[field], &s)
	return s
}

// gateValueTitle names a lifecycle gate or a gate's check kind, as the
// model version approval acts record them.
func gateValueTitle(v string) (string, bool) {
	if g := gate.ID(v); g.IsValid() {
		return "The " + g.Title(), true
	}
	if k := gate.CheckKind(v); k.IsValid() {
		return k.Title(), true
	}
	return "", false
}
