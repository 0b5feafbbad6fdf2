package aims_test

import (
	"errors"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

func TestTextProblem(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		s     string
		class aims.TextClass
		bad   bool
	}{
		{"plain name", "Credit scoring", aims.TextName, false},
		{"accents and scripts", "Süßwasser 水処理 Ελληνικά", aims.TextName, false},
		{"emoji", "Pump 🚰", aims.TextName, false},
		{"NUL in a name", "Credit\x00scoring", aims.TextName, true},
		{"NUL in prose", "a\x00b", aims.TextFree, true},
		{"bell in prose", "a\x07b", aims.TextFree, true},
		{"DEL", "a\x7fb", aims.TextFree, true},
		{"C1 control", "a\u0085b", aims.TextFree, true},
		{"escape", "a\x1b[31mb", aims.TextFree, true},
		{"line breaks in prose", "line one\nline two\r\n\tindented", aims.TextFree, false},
		{"line break in a name", "Credit\nscoring", aims.TextName, true},
		{"tab in a name", "Credit\tscoring", aims.TextName, true},
		{"line separator in a name", "a\u2028b", aims.TextName, true},
		{"right-to-left override in a name", "Credit\u202escoring", aims.TextName, true},
		{"isolate in a name", "\u2067x\u2069", aims.TextName, true},
		{"right-to-left mark in a name", "x\u200f", aims.TextName, true},
		{"right-to-left override in prose", "quoted \u202eabc\u202c text", aims.TextFree, false},
		{"zero-width space in a name", "Credit\u200bscoring", aims.TextName, true},
		{"zero-width joiner in a name", "a\u200db", aims.TextName, true},
		{"byte order mark in a name", "\ufeffCredit", aims.TextName, true},
		{"soft hyphen in a name", "Cred\u00adit", aims.TextName, true},
		{"invalid UTF-8", "a\xffb", aims.TextFree, true},
	} {
		got := aims.TextProblem(c.s, c.class)
		if (got != "") != c.bad {
			t.Errorf("%s: TextProblem(%q) = %q, want bad=%v", c.name, c.s, got, c.bad)
		}
	}
}

func TestTextClassOf(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]aims.TextClass{
		"name": aims.TextName, "title": aims.TextName, "owner_id": aims.TextName, "tags/3": aims.TextName,
		"rows/2/email": aims.TextName, "human/by": aims.TextName, "version": aims.TextName, "source/id": aims.TextName,
		"purpose": aims.TextFree, "description": aims.TextFree, "rows/2/notes": aims.TextFree, "human/note": aims.TextFree,
	} {
		if got := aims.TextClassOf(path); got != want {
			t.Errorf("TextClassOf(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestFoldKeyMakesLookalikesOneName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ a, b string }{
		{"Credit scoring", "CREDIT SCORING"},
		{"Credit scoring", "Ｃｒｅｄｉｔ ｓｃｏｒｉｎｇ"}, // fullwidth
		{"Straße", "STRASSE"},
		{"ﬁlter", "FILTER"},    // ligature
		{"Cafe\u0301", "café"}, // decomposed and composed
		{"Σίσυφος", "ΣΊΣΥΦΟΣ"}, // final sigma
		{"  padded ", "padded"},
		{"Ⅳ", "iv"}, // roman numeral
		{"Ꭽ", "ꭽ"},  // Cherokee capital and small letter
	} {
		if ka, kb := aims.FoldKey(c.a), aims.FoldKey(c.b); ka != kb {
			t.Errorf("FoldKey(%q) = %q, FoldKey(%q) = %q: want one key", c.a, ka, c.b, kb)
		}
	}
	for _, s := range []string{"Ꭽ", "ꭽ", "ᏸ", "Ᏸ"} {
		if k := aims.FoldKey(s); aims.FoldKey(k) != k {
			t.Errorf("FoldKey(%q) = %q, whose own key is %q: a key must be its own key", s, k, aims.FoldKey(k))
		}
	}
	if aims.FoldKey("credit") == aims.FoldKey("credít") {
		t.Error("different letters folded to one key")
	}
}

func TestCleanTextStoresNFC(t *testing.T) {
	t.Parallel()
	if got := aims.CleanText("  Cafe\u0301 "); got != "Caf\u00e9" {
		t.Errorf("CleanText = %q, want the composed form", got)
	}
}

// TestValidationChecksTextOfEveryField shows that a record's validation
// names a bad character without a call of its own: Required and MaxLen
// check it, once per field.
func TestValidationChecksTextOfEveryField(t *testing.T) {
	t.Parallel()
	s := aims.AISystem{Name: "Pump\u202e", Purpose: "one\x00two", OwnerID: "u1", LifecycleStage: aims.StageIdea,
		Autonomy: aims.AutonomyAdvisory, OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer}, InScope: true,
		Tags: []string{"ok", "zero\u200bwidth"}, Description: "multi\nline\tprose is fine"}
	err := s.Validate()
	var ae *aims.Error
	if !errors.As(err, &ae) {
		t.Fatalf("Validate = %v, want invalid", err)
	}
	got := map[string]int{}
	for _, f := range ae.Fields {
		got[f.Field]++
	}
	want := map[string]int{"name": 1, "purpose": 1, "tags/1": 1}
	if len(got) != len(want) || got["name"] != 1 || got["purpose"] != 1 || got["tags/1"] != 1 {
		t.Errorf("fields = %v, want %v", got, want)
	}
}
