package ui

import (
	"net/http"
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
