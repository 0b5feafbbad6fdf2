package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// diffRow is one field of an audited record, before and after the change.
type diffRow struct {
	Field   string
	Before  string
	After   string
	Changed bool
}

// auditDiff lays an event's before and after side by side, field by field,
// in the record's own field order. A create has only an after, a delete
// only a before; every field of an update is listed, the changed ones
// marked.
func auditDiff(ev *aims.AuditEvent) []diffRow {
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
		b, inB := before[k]
		a, inA := after[k]
		row := diffRow{Field: k, Before: jsonText(b), After: jsonText(a)}
		row.Changed = ev.Action == aims.ActionUpdate && (inA != inB || !sameJSON(a, b))
		if ev.Action == aims.ActionUpdate && !row.Changed && row.Before == "—" {
			continue // empty before and after: nothing to read
		}
		rows = append(rows, row)
	}
	return rows
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

// jsonText writes a JSON value for people: text as is, lists joined, an
// object as "key: value" pairs, nothing as "—".
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "—"
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	s := valueText(v)
	if s == "" {
		return "—"
	}
	return s
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return yesNo(x)
	case float64:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, valueText(e))
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			if s := valueText(x[k]); s != "" {
				parts = append(parts, k+": "+s)
			}
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprint(v)
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
