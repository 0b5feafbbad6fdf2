package web

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// A tiny selector engine, so that tests assert on the page's structure
// rather than on strings: "tag#id.class[attr][attr=value]" compounds,
// separated by spaces for descendants. Attribute values may be quoted, and
// compared whole (=), or as a prefix (^=), suffix ($=) or substring (*=).

type compound struct {
	tag, id string
	classes []string
	attrs   []attrTest
}

type attrTest struct {
	name, op, value string // op "" tests presence only
}

func (a attrTest) matches(v string) bool {
	switch a.op {
	case "=":
		return v == a.value
	case "^=":
		return strings.HasPrefix(v, a.value)
	case "$=":
		return strings.HasSuffix(v, a.value)
	case "*=":
		return strings.Contains(v, a.value)
	}
	return true
}

func parseSelector(sel string) []compound {
	var out []compound
	for _, part := range splitSelector(sel) {
		var c compound
		i := 0
		readIdent := func() string {
			j := i
			for j < len(part) && !strings.ContainsRune("#.[", rune(part[j])) {
				j++
			}
			s := part[i:j]
			i = j
			return s
		}
		c.tag = readIdent()
		for i < len(part) {
			switch part[i] {
			case '#':
				i++
				c.id = readIdent()
			case '.':
				i++
				c.classes = append(c.classes, readIdent())
			case '[':
				end := strings.IndexByte(part[i:], ']') + i
				body := part[i+1 : end]
				i = end + 1
				a := attrTest{name: body}
				if name, val, ok := strings.Cut(body, "="); ok {
					a.name, a.op, a.value = name, "=", strings.Trim(val, `"'`)
					if n := len(name); n > 0 && strings.ContainsRune("^$*", rune(name[n-1])) {
						a.name, a.op = name[:n-1], name[n-1:]+"="
					}
				}
				c.attrs = append(c.attrs, a)
			}
		}
		out = append(out, c)
	}
	return out
}

// splitSelector splits on spaces outside brackets.
func splitSelector(sel string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range sel {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case r == ' ' && depth == 0:
			if i > start {
				parts = append(parts, sel[start:i])
			}
			start = i + 1
		}
	}
	if start < len(sel) {
		parts = append(parts, sel[start:])
	}
	return parts
}

func (c compound) matches(n *html.Node) bool {
	if n.Type != html.ElementNode || (c.tag != "" && n.Data != c.tag) {
		return false
	}
	if c.id != "" && attr(n, "id") != c.id {
		return false
	}
	for _, cl := range c.classes {
		if !hasWord(attr(n, "class"), cl) {
			return false
		}
	}
	for _, a := range c.attrs {
		if v, ok := attrOK(n, a.name); !ok || !a.matches(v) {
			return false
		}
	}
	return true
}

func hasWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}

// queryAll returns the elements under root matching sel, in document order.
func queryAll(root *html.Node, sel string) []*html.Node {
	cs := parseSelector(sel)
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if cs[len(cs)-1].matches(n) && ancestorsMatch(n.Parent, cs[:len(cs)-1]) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

func ancestorsMatch(n *html.Node, cs []compound) bool {
	if len(cs) == 0 {
		return true
	}
	for ; n != nil; n = n.Parent {
		if cs[len(cs)-1].matches(n) {
			return ancestorsMatch(n.Parent, cs[:len(cs)-1])
		}
	}
	return false
}

// query returns the first match, or fails the test.
func query(t *testing.T, root *html.Node, sel string) *html.Node {
	t.Helper()
	ns := queryAll(root, sel)
	if len(ns) == 0 {
		t.Fatalf("no element matches %q", sel)
	}
	return ns[0]
}

// noMatch fails the test when sel matches anything.
func noMatch(t *testing.T, root *html.Node, sel string) {
	t.Helper()
	if ns := queryAll(root, sel); len(ns) > 0 {
		t.Fatalf("%q matches %d element(s), want none; first: %s", sel, len(ns), text(ns[0]))
	}
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

// text is the node's text content with runs of white space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// texts are the text contents of every match.
func texts(root *html.Node, sel string) []string {
	var out []string
	for _, n := range queryAll(root, sel) {
		out = append(out, text(n))
	}
	return out
}

func TestSelector(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(`<div id="a" class="x y"><form><input id="name" aria-invalid="true" name="name">` +
		`<small id="name-error">is required</small></form><p class="x">p</p></div><input id="other">`))
	if err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string]int{
		"input":                          2,
		"div#a.x.y input":                1,
		"input[aria-invalid=true]":       1,
		`input[aria-invalid="true"]`:     1,
		"input[aria-invalid]":            1,
		"form p":                         0,
		"div .x":                         1, // the div itself is not its own descendant
		"#name-error":                    1,
		"input[aria-invalid=false]":      0,
		"div#a form small#name-error":    1,
		"div.z":                          0,
		"input#other[aria-invalid=true]": 0,
		`small[id^="name-"]`:             1,
		`small[id$="-error"]`:            1,
		`small[id*="e-e"]`:               1,
		`small[id$="name"]`:              0,
		`input[id^="err"]`:               0,
		`input[id*="x"]`:                 0,
	} {
		if got := len(queryAll(doc, sel)); got != want {
			t.Errorf("%q: %d matches, want %d", sel, got, want)
		}
	}
	if got := text(query(t, doc, "#name-error")); got != "is required" {
		t.Errorf("text = %q", got)
	}
}

// formOf returns what submitting the form sel matches would post, as a
// browser would: named inputs (checkboxes and radios only when checked),
// each select's selected option (else its first), and textareas.
func formOf(root *html.Node, sel string) url.Values {
	form := queryAll(root, sel)
	out := url.Values{}
	if len(form) == 0 {
		return out
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, named := attrOK(n, "name")
			switch {
			case !named:
			case n.Data == "input":
				typ := attr(n, "type")
				_, checked := attrOK(n, "checked")
				if (typ != "checkbox" && typ != "radio" || checked) && typ != "submit" {
					out.Add(name, attr(n, "value"))
				}
			case n.Data == "select":
				opts := queryAll(n, "option")
				value, found := "", false
				for _, o := range opts {
					if _, ok := attrOK(o, "selected"); ok {
						value, found = attr(o, "value"), true
					}
				}
				if !found && len(opts) > 0 {
					value = attr(opts[0], "value")
				}
				out.Add(name, value)
			case n.Data == "textarea":
				out.Add(name, text(n))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form[0])
	return out
}

// recordLinks is the text of the links sel matches, leaving out the links to
// people (class "person") that rows carry beside their record's own link.
func recordLinks(root *html.Node, sel string) []string {
	var out []string
	for _, n := range queryAll(root, sel) {
		if !strings.Contains(" "+attr(n, "class")+" ", " person ") {
			out = append(out, text(n))
		}
	}
	return out
}
