package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/aimsproject/aims/internal/aims"
)

// PageParams reads ?page= (1-based) into a domain page of size per.
func PageParams(r *http.Request, per int) aims.Page {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if n < 1 {
		n = 1
	}
	return aims.Page{Limit: per, Offset: (n - 1) * per}
}

// Pager describes the pages of a list for the pagination links.
type Pager struct {
	Page, Pages, Total, Per int
	URL                     func(page int) string
}

func NewPager(r *http.Request, p aims.Page, total int) Pager {
	per := p.Normalize().Limit
	pages := (total + per - 1) / per
	if pages < 1 {
		pages = 1
	}
	cur := p.Offset/per + 1
	q := r.URL.Query()
	return Pager{Page: cur, Pages: pages, Total: total, Per: per, URL: func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}}
}

// ExportURL is the address of a list's download (an API export such as
// /api/v1/suppliers/export.csv) with the page's filters named in keep
// that are set: the file holds the list as filtered, every page of it.
func ExportURL(path string, q url.Values, keep ...string) string {
	out := url.Values{}
	for _, k := range keep {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	if len(out) == 0 {
		return path
	}
	return path + "?" + out.Encode()
}

// SortColumn is a table header that sorts the list on the server: its link
// sorts by the column (the other way round when it is the order shown,
// back to the first page) and AriaSort says how the list is sorted now.
type SortColumn struct {
	Label, Href, AriaSort string
}

// NewSortColumn makes the header of the column sorted by key (a key the
// list's service accepts: "name", and "-name" for the reverse). descFirst
// makes the first click sort the reverse way (highest level, newest
// first); def is the list's order when ?sort= is empty.
func NewSortColumn(path string, q url.Values, label, key string, descFirst bool, def string) SortColumn {
	cur := q.Get("sort")
	if cur == "" {
		cur = def
	}
	c := SortColumn{Label: label}
	next := key
	if descFirst {
		next = "-" + key
	}
	switch cur {
	case key:
		c.AriaSort, next = "ascending", "-"+key
	case "-" + key:
		c.AriaSort, next = "descending", key
	}
	out := url.Values{}
	for k, v := range q {
		if k != "page" && k != "sort" {
			out[k] = v
		}
	}
	out.Set("sort", next)
	c.Href = path + "?" + out.Encode()
	return c
}
