package aims

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// The rules for text a person enters live here, in one place: every
// Validation helper (Required, MaxLen, validateList) applies them, so a
// record's validation needs no call of its own. Two classes:
//
//   - free text (a purpose, a note, a description) rejects invalid UTF-8, NUL
//     and the other control characters except tab and line breaks;
//   - names and identifiers (a system's name, a version, a tag, an id, an
//     email) also reject tab and line breaks, the bidirectional controls that
//     reorder what a reader sees (Trojan Source, CVE-2021-42574) and the
//     invisible zero-width characters, so that two names that look identical
//     are identical.
//
// Text is stored in NFC (CleanText), and names are unique in their NFKC
// casefold (FoldKey): "Ｃｒｅｄｉｔ", "CREDIT" and "credit" are one name.

// TextClass says which characters a text field accepts.
type TextClass int

// The text classes.
const (
	// TextFree is prose: tabs and line breaks are allowed.
	TextFree TextClass = iota
	// TextName is a name or an identifier: one line, nothing invisible.
	TextName
)

// CleanText trims surrounding white space and normalizes s to NFC, the form
// in which text is stored and compared.
func CleanText(s string) string {
	return norm.NFC.String(strings.TrimSpace(s))
}

var folder = cases.Fold()

// FoldKey returns the case- and compatibility-folded form of a name (NFKC
// casefold, as Unicode's NFKC_Casefold and RFC 8265 use it): the key unique
// indexes and name searches compare.
func FoldKey(s string) string {
	s = norm.NFKC.String(strings.TrimSpace(s))
	// Folding can produce characters whose NFKC differs (U+0345, final
	// sigma forms), so normalize once more after folding; and NFKC can
	// turn a character into a space and a combining mark ("¨" is U+0020
	// U+0308), so trim last, or the key of a key would differ (found by
	// FuzzTextRules).
	return strings.TrimSpace(norm.NFKC.String(strings.Map(cherokeeFold, folder.String(s))))
}

// cherokeeFold finishes x/text's case folding of Cherokee, which swaps its
// cases both ways (Ꭽ becomes ꭽ and ꭽ becomes Ꭽ), so that the key of a key
// differed (found by FuzzTextRules). Unicode's CaseFolding.txt folds
// Cherokee to its capital letters: U+AB70-U+ABBF to U+13A0-U+13EF and
// U+13F8-U+13FD to U+13F0-U+13F5.
func cherokeeFold(r rune) rune {
	switch {
	case r >= 0xAB70 && r <= 0xABBF:
		return r - 0xAB70 + 0x13A0
	case r >= 0x13F8 && r <= 0x13FD:
		return r - 8
	}
	return r
}

// TextProblem returns "" when s is acceptable text of class c, else a
// sentence that says what is wrong, fit for a field error's detail.
func TextProblem(s string, c TextClass) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8 text"
	}
	for _, r := range s {
		switch {
		case r == 0:
			return "must not contain a NUL character (U+0000)"
		case r == '\t' || r == '\n' || r == '\r':
			if c == TextName {
				return "must be one line, without tabs or line breaks"
			}
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return fmt.Sprintf("must not contain the control character U+%04X", r)
		case c == TextName && isBidiControl(r):
			return fmt.Sprintf("must not contain the bidirectional control character U+%04X: it makes the text display differently from what it is", r)
		case c == TextName && isInvisible(r):
			return fmt.Sprintf("must not contain the invisible character U+%04X: it makes the name look like another", r)
		case r == 0x2028 || r == 0x2029:
			if c == TextName {
				return "must be one line, without tabs or line breaks"
			}
		}
	}
	return ""
}

// isBidiControl reports the explicit directional formatting characters
// (Unicode's Bidi_Control property).
func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// isInvisible reports characters that have no width and no glyph: zero-width
// space, non-joiner, joiner, word joiner and its invisible operators, the
// byte order mark, the soft hyphen and the Mongolian vowel separator.
func isInvisible(r rune) bool {
	return (r >= 0x200B && r <= 0x200D) || (r >= 0x2060 && r <= 0x2064) ||
		r == 0xFEFF || r == 0x00AD || r == 0x180E
}

// nameFields are the field names (the last segment of a field path, list
// indexes removed) that hold names or identifiers.
var nameFields = map[string]bool{
	"name": true, "title": true, "version": true, "model_version": true, "id": true,
	"email": true, "slug": true, "key": true, "tag": true, "tags": true, "source": true,
	"serial_number": true, "unit": true, "by": true, "performed_by": true, "website": true,
	"source_uri": true, "techniques": true,
}

// TextClassOf returns the class of the field at path: TextName for names and
// identifiers ("name", "owner_id", "tags/3", "rows/2/email"), else TextFree.
func TextClassOf(path string) TextClass {
	segs := strings.Split(path, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		f := segs[i]
		if f == "" || isDigits(f) {
			continue
		}
		if nameFields[f] || strings.HasSuffix(f, "_name") || strings.HasSuffix(f, "_id") ||
			strings.HasSuffix(f, "_ref") || strings.HasSuffix(f, "_email") || strings.HasSuffix(f, "_key") {
			return TextName
		}
		return TextFree
	}
	return TextFree
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// CheckText returns an invalid *Error naming field when s is not acceptable
// text for that field, else nil. Query parameters and other input checked
// outside a Validation use it.
func CheckText(field, s string) error {
	if p := TextProblem(s, TextClassOf(field)); p != "" {
		return &Error{Kind: KindInvalid, Message: "some fields are missing or invalid; correct them and try again",
			Fields: []FieldError{{Field: field, Detail: p}}}
	}
	return nil
}
