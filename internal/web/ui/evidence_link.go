package ui

import (
	"context"
	"html"
	"io"
	"net/url"
	"strings"

	"github.com/a-h/templ"
)

// EvidenceLink shows a record's evidence: a link when it is an http or
// https address (a certificate in the learning system, a report), the text
// otherwise (a note where the paper is kept), "—" when empty.
func EvidenceLink(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		s = strings.TrimSpace(s)
		var out string
		switch u, err := url.Parse(s); {
		case s == "":
			out = "—"
		case err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
			out = `<a href="` + html.EscapeString(s) + `" rel="noopener noreferrer">` + html.EscapeString(s) + `</a>`
		default:
			out = html.EscapeString(s)
		}
		_, err := io.WriteString(w, out)
		return err
	})
}
