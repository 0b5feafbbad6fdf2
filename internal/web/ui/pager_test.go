package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
)

func renderPager(t *testing.T, target string, total int) string {
	t.Helper()
	r := httptest.NewRequest("GET", target, nil)
	var b strings.Builder
	if err := PagerLinks(NewPager(r, PageParams(r, 10), total)).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPagerLinks: a list of several pages says which page of how many is
// shown, links first, previous, next and last, keeps the list's filter in
// every link, and shows no link back to the page itself.
func TestPagerLinks(t *testing.T) {
	html := renderPager(t, "/risks?level=high&page=2", 35)
	for _, want := range []string{
		`Page 2 of 4 (35 in all)`,
		`href="/risks?level=high&amp;page=1" rel="first"`,
		`href="/risks?level=high&amp;page=1" rel="prev"`,
		`href="/risks?level=high&amp;page=3" rel="next"`,
		`href="/risks?level=high&amp;page=4" rel="last"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page 2 of 4: missing %s in %s", want, html)
		}
	}
	first := renderPager(t, "/risks", 35)
	if strings.Contains(first, `rel="first"`) || strings.Contains(first, `rel="prev"`) || !strings.Contains(first, `page=4" rel="last"`) {
		t.Errorf("page 1 links back to itself or misses last: %s", first)
	}
	last := renderPager(t, "/risks?page=4", 35)
	if strings.Contains(last, `rel="next"`) || strings.Contains(last, `rel="last"`) || !strings.Contains(last, `page=1" rel="first"`) {
		t.Errorf("last page links past itself or misses first: %s", last)
	}
	if html := renderPager(t, "/risks", 10); strings.Contains(html, "Page") {
		t.Errorf("one page draws a pager: %s", html)
	}
}
