package ui

import (
	"context"
	"strings"
	"testing"
)

func TestEvidenceLink(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "—",
		"https://lms.example/c?id=1&x": `<a href="https://lms.example/c?id=1&amp;x" rel="noopener noreferrer">https://lms.example/c?id=1&amp;x</a>`,
		"javascript:alert(1)":          "javascript:alert(1)",
		"Binder 3, HR office":          "Binder 3, HR office",
		"<b>x</b>":                     "&lt;b&gt;x&lt;/b&gt;",
		"https:no-host":                "https:no-host",
	} {
		var b strings.Builder
		if err := EvidenceLink(in).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("EvidenceLink(%q) = %q, want %q", in, b.String(), want)
		}
	}
}
