package web

// Helpers for the tests of package web_test, which need the whole server
// (internal/server imports this package).
var (
	QueryAll  = queryAll
	Query     = query
	Text      = text
	Texts     = texts
	Attr      = attr
	CheckPage = checkPage
	NoMatch   = noMatch
)
