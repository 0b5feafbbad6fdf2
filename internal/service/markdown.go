package service

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders a document's body: CommonMark with tables, without
// raw HTML (goldmark leaves it out unless told otherwise) and without
// links or images to dangerous URLs (javascript:, vbscript:, data: other
// than images), so that a body cannot run script in a reader's browser.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

// RenderMarkdown returns the HTML of a Markdown body, safe to embed in a
// page: raw HTML is omitted and dangerous links are dropped.
func RenderMarkdown(body string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(body), &buf); err != nil {
		return ""
	}
	return buf.String()
}
