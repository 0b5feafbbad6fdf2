package web

import "testing"

// Finding 6: next=/%09/evil.example came back as a Location that browsers
// follow to //evil.example. Only a plain path on this site is kept.
func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/systems", "/systems"},
		{"/systems?stage=idea&q=a%20b", "/systems?stage=idea&q=a%20b"},
		{"/risks/019a#top", "/risks/019a#top"},
		{"/%2F%2Fevil.example", "/"}, // decodes to //: refused, though a browser would keep it on site
		{"", "/"},
		{"systems", "/"},
		{"//evil.example", "/"},
		{"/\t/evil.example", "/"}, // what next=/%09/evil.example decodes to
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/a\\b", "/"},
		{"\\\\evil.example", "/"},
		{" /evil", "/"},
		{"/ /evil", "/"},
		{"/\u00a0/evil", "/"},
		{"/\u2028/evil", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/\xff", "/"},
	} {
		if got := safeNext(c.in); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
