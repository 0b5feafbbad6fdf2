package lineagebrowser_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/browsertest"
)

// TestTagFormFindsAnInstrumentPastTheSelect registers a tag in a plant with
// more instruments than the tag form's select lists: typing in the search
// beside it brings the instrument into the select (htmx), and the saved tag
// is produced by it.
func TestTagFormFindsAnInstrumentPastTheSelect(t *testing.T) {
	bctx := browsertest.New(t, 90*time.Second)
	site := browsertest.NewSite(t, aims.RoleContributor, "Ines Engineer")
	svc, op := site.Svc, site.Op
	for i := range 250 {
		if err := svc.CreateInstrument(op, &aims.Instrument{Name: fmt.Sprintf("AT-%04d", i), Kind: aims.InstrumentSensor}); err != nil {
			t.Fatal(err)
		}
	}
	probe := &aims.Instrument{Name: "ZT-9001", Kind: aims.InstrumentSensor}
	if err := svc.CreateInstrument(op, probe); err != nil {
		t.Fatal(err)
	}

	option := `#instrument_id option[value="` + probe.ID + `"]`
	err := chromedp.Do(bctx,
		site.SignIn("/lineage/tags/new"),
		chromedp.WaitVisible(chromedp.CSS("#instrument-search")),
	)
	if err != nil {
		t.Fatalf("open the tag form: %v", err)
	}
	listed, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('`+option+`').length`))
	if err != nil || listed != 0 {
		t.Fatalf("ZT-9001 is in the select before any search (%d, %v): the test would prove nothing", listed, err)
	}
	err = chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#instrument-search"), "ZT-9"),
		chromedp.WaitReady(chromedp.CSS(option)),
		chromedp.SetValue(chromedp.CSS("#instrument_id"), probe.ID),
		chromedp.SendKeys(chromedp.CSS("#name"), "ZT-9001 level"),
		chromedp.Submit(chromedp.CSS("#name")),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/lineage/instruments/`+probe.ID+`"]`)),
	)
	if err != nil {
		t.Fatalf("search, choose and save: %v", err)
	}
	tagName, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main h1")))
	tags, _, err := svc.FindTags(op, aims.TagFilter{Query: "ZT-9001 level"})
	if err != nil || len(tags) != 1 {
		t.Fatalf("tags named ZT-9001 level: %d (%v); page heading %q", len(tags), err, tagName)
	}
	if tags[0].InstrumentID != probe.ID {
		t.Errorf("the tag is produced by %q, want ZT-9001 (%s)", tags[0].InstrumentID, probe.ID)
	}
}
