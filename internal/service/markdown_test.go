package service_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/service"
)

// TestMarkdownRendersInert: script, event handlers and javascript: links
// in a document's body come out as nothing a browser runs.
func TestMarkdownRendersInert(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in string }{
		{"script block", "<script>alert(1)</script>"},
		{"inline script", "Hello <script>alert(1)</script> world"},
		{"event handler", `<img src="x" onerror="alert(1)">`},
		{"javascript link", "[click](javascript:alert(1))"},
		{"javascript link, mixed case", "[click](JaVaScRiPt:alert(1))"},
		{"javascript autolink", "<javascript:alert(1)>"},
		{"javascript image", "![x](javascript:alert(1))"},
		{"vbscript", "[x](vbscript:msgbox(1))"},
		{"iframe", `<iframe src="https://evil.example"></iframe>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := strings.ToLower(service.RenderMarkdown(tt.in))
			for _, bad := range []string{"<script", `="javascript:`, `="vbscript:`, "onerror=", "<iframe", `<img src="x"`} {
				if strings.Contains(out, bad) {
					t.Errorf("RenderMarkdown(%q) = %q: contains %q", tt.in, out, bad)
				}
			}
		})
	}
	if got := service.RenderMarkdown("# Purpose\n\nWe **commit** to [the law](https://example.org)."); !strings.Contains(got, "<h1>Purpose</h1>") ||
		!strings.Contains(got, `<a href="https://example.org">`) || !strings.Contains(got, "<strong>commit</strong>") {
		t.Errorf("ordinary Markdown renders as %q", got)
	}
}
