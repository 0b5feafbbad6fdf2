package ui

import (
	"context"
	"html"
	"io"
	"net/url"

	"github.com/a-h/templ"
)

// Every page that names a person links to the person's page (issue 14).
// Records name accounts by user id (a system's owner, a risk's owner, an
// audit event's actor, an approver); /people/by-account/{id} sends to the
// person of that account, so that a page needs only the id it has.

// PersonLink names a person, linked to their page.
func PersonLink(personID, name string) templ.Component {
	return personAnchor("/people/"+url.PathEscape(personID), personID, name)
}

// AccountLink names the person behind an account, linked to their page;
// without an account id it is the name alone.
func AccountLink(userID, name string) templ.Component {
	return personAnchor("/people/by-account/"+url.PathEscape(userID), userID, name)
}

func personAnchor(href, id, name string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		if name == "" {
			name = "—"
		}
		var err error
		if id == "" {
			_, err = io.WriteString(w, html.EscapeString(name))
		} else {
			_, err = io.WriteString(w, `<a href="`+html.EscapeString(href)+`" class="person">`+html.EscapeString(name)+`</a>`)
		}
		return err
	})
}
