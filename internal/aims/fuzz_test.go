package aims_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/fuzzseed"
)

const validEvent = `{"model_version":"2.3.0","source":"gw-line-3","seq":17,"source_time":"2026-03-02T10:15:00Z",` +
	`"inputs":{"TT-101 torque":41.2,"FT-201 flow":null,"mode":"auto"},"output":{"value":62.5,"unit":"%"},` +
	`"human":{"action":"overridden","by":"shift lead","at":"2026-03-02T10:16:00Z","value":60,"note":"foam"},"attributes":{"batch":"B-7","x":[1,2]}}`

// FuzzParseDecisionEvent: a gateway's event is accepted or refused as
// invalid, bad request or too large (never a panic, never an internal
// error); what is accepted holds no NUL or invisible character in its names
// and reads back the same once encoded again.
func FuzzParseDecisionEvent(f *testing.F) {
	fuzzseed.Add(f, "valid", []byte(validEvent))
	fuzzseed.Add(f, "minimal", []byte(`{"model_version":"1","source":"s","seq":0,"source_time":"2026-01-01T00:00:00Z","output":{"value":true}}`))
	fuzzseed.Add(f, "nul-in-tag", []byte(strings.Replace(validEvent, "mode", `mo\u0000de`, 1)))
	fuzzseed.Add(f, "override-in-source", []byte(strings.Replace(validEvent, "gw-line-3", `gw\u202e3`, 1)))
	fuzzseed.Add(f, "two-objects", []byte(`{} {}`))
	fuzzseed.Add(f, "unknown-field", []byte(`{"colour":"red"}`))
	fuzzseed.Add(f, "wrong-type", []byte(`{"seq":"one"}`))
	fuzzseed.Add(f, "negative-seq", []byte(`{"seq":-1}`))
	fuzzseed.Add(f, "object-output", []byte(`{"output":{"value":{"a":1}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := aims.ParseDecisionEvent(raw)
		if err != nil {
			switch k := aims.KindOf(err); k {
			case aims.KindInvalid, aims.KindBadRequest, aims.KindTooLarge:
			default:
				t.Fatalf("refused with kind %s: %v", k, err)
			}
			return
		}
		for _, s := range []string{ev.Source, ev.ModelVersion} {
			if p := aims.TextProblem(s, aims.TextName); p != "" {
				t.Fatalf("accepted name %q that %s", s, p)
			}
		}
		for tag := range ev.Inputs {
			if p := aims.TextProblem(tag, aims.TextName); p != "" {
				t.Fatalf("accepted tag name %q that %s", tag, p)
			}
		}
		again, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("an accepted event does not encode: %v", err)
		}
		ev2, err := aims.ParseDecisionEvent(again)
		if err != nil {
			t.Fatalf("an accepted event, encoded again, is refused: %v\n%s", err, again)
		}
		again2, _ := json.Marshal(ev2)
		if !bytes.Equal(again, again2) {
			t.Fatalf("round trip differs:\n%s\n%s", again, again2)
		}
	})
}

// FuzzTextRules: the text rules are total and stable: a clean name stays
// clean once normalized, and folding is idempotent.
func FuzzTextRules(f *testing.F) {
	for _, s := range []string{"Credit scoring", "Ｃｒｅｄｉｔ", "Straße", "Cafe\u0301", "a\x00b", "x\u202ey", "ǅ", "ﬃ", "\u0345", "Σ\u0342"} {
		fuzzseed.Add(f, "", s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := aims.FoldKey(s)
		if aims.FoldKey(k) != k {
			t.Fatalf("FoldKey(%q) = %q, but FoldKey of that is %q", s, k, aims.FoldKey(k))
		}
		c := aims.CleanText(s)
		if aims.CleanText(c) != c {
			t.Fatalf("CleanText is not idempotent on %q", s)
		}
		if aims.TextProblem(s, aims.TextName) == "" && aims.TextProblem(c, aims.TextName) != "" {
			t.Fatalf("a clean name %q is no longer clean once normalized: %q", s, c)
		}
		if aims.TextProblem(s, aims.TextName) == "" && aims.TextProblem(s, aims.TextFree) != "" {
			t.Fatalf("%q is a clean name but not clean prose", s)
		}
	})
}
