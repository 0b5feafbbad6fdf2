package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// statePage is how many records of a kind the state check holds at a time.
const statePage = 500

// checkState compares the current row of every record of store.RecordKinds
// with the after-image of the latest sealed audit event about it: a field
// that differs, a record deleted without a recorded delete, a row no
// sealed event records, or a deleted record that is back, is a finding
// naming the record and, for a field, both values.
func (s *Service) checkState(ctx context.Context, q store.Querier, head *store.LogHead, rep *LogCheckReport) ([]LogFinding, error) {
	var out []LogFinding
	add := func(img *store.SealedImage, record, key, format string, args ...any) {
		f := LogFinding{OrgID: head.OrgID, RecordID: record, Detail: fmt.Sprintf(format, args...), key: key}
		if img != nil {
			leaf := img.Leaf
			f.LeafIndex = &leaf
		}
		out = append(out, f)
	}
	for _, kind := range store.RecordKinds {
		var within map[string]*store.SealedImage
		if kind.Within != nil {
			var err error
			if within, err = store.ReadImagesWithin(ctx, q, head, kind.Within); err != nil {
				return nil, err
			}
		}
		seenWithin := map[string]bool{}
		var compared map[string]string
		after := ""
		for {
			page, last, done, err := store.ReadRecordPage(ctx, q, head, kind, after, statePage)
			if err != nil {
				return nil, err
			}
			if compared == nil {
				compared = kind.Compared(page.Columns)
			}
			seen := make(map[string]bool, len(page.Rows))
			for _, row := range page.Rows {
				seen[row.ID] = true
				rep.Records++
				img := page.Sealed[row.ID]
				if w := within[row.ID]; w != nil {
					seenWithin[row.ID] = true
					if img == nil || w.Leaf > img.Leaf {
						img = w
					}
				}
				label := rowLabel(row, img)
				switch {
				case img != nil && !imageSealed(img):
					// The audit event no longer matches its leaf: the
					// leaf check names it; its image is not the sealed
					// state to compare with.
				case img == nil:
					add(nil, row.ID, "state:"+kind.EntityType+":"+row.ID+":unsealed",
						"%s %s %q is in the database but no sealed audit event in the audit trail records it: it was inserted in the database around aims, or its audit events were deleted",
						kind.EntityType, row.ID, label)
				case img.Action == aims.ActionDelete || img.After == nil:
					add(img, row.ID, "state:"+kind.EntityType+":"+row.ID+":deleted",
						"%s %s %q was deleted (audit event %s, leaf %d) but is in the database: it was put back in the database around aims",
						kind.EntityType, row.ID, label, img.EventID, img.Leaf)
				default:
					for _, d := range compareImage(row, img.After, compared) {
						add(img, row.ID, "state:"+kind.EntityType+":"+row.ID+":"+d.field+":"+shortHash(d.now),
							"%s %s %q: %s is %s in the database but %s in its last sealed state (audit event %s, leaf %d): it was changed in the database",
							kind.EntityType, row.ID, label, d.field, quoteValue(d.now), quoteValue(d.sealed), img.EventID, img.Leaf)
					}
				}
			}
			for id, img := range page.Sealed {
				if seen[id] || img.Action == aims.ActionDelete || !imageSealed(img) {
					continue
				}
				if w := within[id]; w != nil {
					seenWithin[id] = true // reported here, once
				}
				add(img, id, "state:"+kind.EntityType+":"+id+":gone",
					"%s %s %q, last sealed by audit event %s (leaf %d), is missing from the database and no delete was recorded: it was deleted in the database around aims",
					kind.EntityType, id, img.Label, img.EventID, img.Leaf)
			}
			if done {
				break
			}
			after = last
		}
		for id, img := range within {
			if seenWithin[id] || !imageSealed(img) {
				continue
			}
			add(img, id, "state:"+kind.EntityType+":"+id+":gone",
				"%s %s, sealed in %s audit event %s (leaf %d), is missing from the database and no delete was recorded: it was deleted in the database around aims",
				kind.EntityType, id, kind.Within.EntityType, img.EventID, img.Leaf)
		}
	}
	return out, nil
}

// imageSealed says whether an image is the one its leaf seals: the
// entry's action and digest of the after-image match the audit event's.
func imageSealed(img *store.SealedImage) bool {
	var e struct {
		Action string  `json:"action"`
		After  *string `json:"after"`
	}
	if json.Unmarshal(img.Entry, &e) != nil {
		return false
	}
	after := img.After
	if img.Parent != nil {
		after = img.Parent
	}
	if after == nil {
		return e.After == nil && (img.Parent != nil || e.Action == string(img.Action))
	}
	return e.After != nil && *e.After == ledger.Digest(after) && (img.Parent != nil || e.Action == string(img.Action))
}

// A difference is a field whose current value is not the sealed one.
type difference struct {
	field       string
	now, sealed string
}

// compareImage compares the columns of row that compared names with the
// fields of the after-image.
func compareImage(row store.RecordRow, after []byte, compared map[string]string) []difference {
	var img map[string]any
	d := json.NewDecoder(bytes.NewReader(after))
	d.UseNumber()
	if err := d.Decode(&img); err != nil {
		return []difference{{field: "(its sealed image)", now: "a record", sealed: "unreadable: " + err.Error()}}
	}
	var out []difference
	for col, field := range compared {
		now := canonical(row.Columns[col])
		sealed := canonical(lookup(img, field))
		if now != sealed {
			out = append(out, difference{field: field, now: now, sealed: sealed})
		}
	}
	// One order whatever the map's: findings read the same each check.
	slices.SortFunc(out, func(a, b difference) int { return strings.Compare(a.field, b.field) })
	return out
}

// lookup returns the value at a dotted path of an image (nil if absent).
func lookup(img map[string]any, path string) any {
	var v any = img
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// timeLayouts are the forms a time takes in an image (RFC 3339) and in a
// column read back as text (SQLite's own, with and without a zone; a date).
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

// canonical is one text for a value whether it comes from a column
// (either database's types) or from a JSON image: a zero value (absent,
// null, "", 0, false, an empty list) is "", a time is RFC 3339 in UTC, a
// number its shortest decimal, a list or an object its compact JSON.
func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "1"
		}
		return ""
	case int64:
		return number(float64(x))
	case int:
		return number(float64(x))
	case float64:
		return number(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return number(f)
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return canonical(string(x))
	case string:
		if x == "" {
			return ""
		}
		if x[0] == '[' || x[0] == '{' {
			var parsed any
			d := json.NewDecoder(strings.NewReader(x))
			d.UseNumber()
			if d.Decode(&parsed) == nil && !d.More() {
				return canonical(parsed)
			}
		}
		if len(x) >= 10 && x[4] == '-' && x[7] == '-' {
			for _, l := range timeLayouts {
				if t, err := time.Parse(l, x); err == nil {
					return canonical(t)
				}
			}
		}
		return x
	case []any:
		if len(x) == 0 {
			return ""
		}
		b, _ := json.Marshal(x)
		return string(b)
	case map[string]any:
		if len(x) == 0 {
			return ""
		}
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

func number(f float64) string {
	if f == 0 {
		return ""
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// quoteValue shows a canonical value in a finding, shortened.
func quoteValue(v string) string {
	if v == "" {
		return "empty"
	}
	if len(v) > 120 {
		v = v[:117] + "..."
	}
	return strconv.Quote(v)
}

func shortHash(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:6])
}

// rowLabel names a record in a finding: its label in the audit trail, else
// its name or title.
func rowLabel(row store.RecordRow, img *store.SealedImage) string {
	if img != nil && img.Label != "" {
		return img.Label
	}
	for _, c := range []string{"name", "title", "version", "requirement_id"} {
		if v := canonical(row.Columns[c]); v != "" {
			return v
		}
	}
	return ""
}
