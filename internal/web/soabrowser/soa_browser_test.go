package soabrowser_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/browsertest"
	"github.com/aimsproject/aims/internal/catalog"
)

// TestSoAEditorInBrowser walks the SoA editor as an AIMS manager: change a
// control's status inline, approve the version, start a new draft.
func TestSoAEditorInBrowser(t *testing.T) {
	bctx := browsertest.New(t, 60*time.Second)
	site := browsertest.NewSite(t, aims.RoleAIMSManager, "Maria Manager")
	svc, op := site.Svc, site.Op
	draft, err := svc.StartSoADraft(op, "")
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]aims.Ref, len(draft.Rows))
	for i, r := range draft.Rows {
		refs[i] = r.Ref()
	}
	app, just := aims.Applicable, "Needed for our AI systems"
	if _, err := svc.UpdateSoARows(op, 1, refs, aims.SoARowUpdate{Applicability: &app, Justification: &just}); err != nil {
		t.Fatal(err)
	}

	row := "#row-iso42001-A-6-2-8"
	err = chromedp.Do(bctx,
		site.SignIn("/soa"),
		chromedp.WaitVisible(chromedp.CSS(row)),
	)
	if err != nil {
		t.Fatalf("sign in and open the SoA: %v", err)
	}
	title, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#soa-title")))
	if err != nil || !strings.Contains(title, "version 1") {
		t.Fatalf("SoA page title = %q (%v), want version 1", title, err)
	}

	// Change a status inline: htmx posts the row when the select changes.
	_, err = chromedp.Run(bctx, chromedp.Evaluate[any](`(() => {
		const s = document.querySelector('`+row+` select[name=implementation_status]');
		s.value = 'implemented';
		s.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, err := svc.FindSoAVersion(op, 1, aims.SoAFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got aims.ImplementationStatus
		for _, r := range v.Rows {
			if r.Ref() == (aims.Ref{Framework: catalog.ISO42001, ID: "A.6.2.8"}) {
				got = r.Status
			}
		}
		if got == aims.Implemented {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("A.6.2.8 status = %s after the inline edit, want implemented", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The row is swapped in after the answer that stored it: read the
	// select in one script call (a node looked up before the swap and read
	// after it is gone: "No node with given id found"), until it reads
	// implemented.
	for {
		selected, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(() => {
			const s = document.querySelector('`+row+` select[name=implementation_status]');
			return s ? s.value : '';
		})()`))
		if err == nil && selected == "implemented" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("row after the swap shows %q (%v), want implemented", selected, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Approve: "Approve" comes after the rows and asks to confirm, stating
	// the version, the counts and who approves; then see the new version.
	below, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector('#approve').getBoundingClientRect().top > document.querySelector('#soa-table').getBoundingClientRect().bottom`))
	if err != nil || !below {
		t.Errorf("approve button after the rows = %v (%v), want true", below, err)
	}
	err = chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#approve")), chromedp.WaitVisible(chromedp.CSS("#approve-confirm")))
	if err != nil {
		t.Fatalf("open the approval: %v", err)
	}
	confirm, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#soa-approve-confirm")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version 1", "Maria Manager", "Applicable\t" + strconv.Itoa(len(draft.Rows)), "Implemented\t1"} {
		if !strings.Contains(confirm, want) {
			t.Errorf("approval confirmation %q does not state %q", confirm, want)
		}
	}
	err = chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#approve-confirm")), chromedp.WaitVisible(chromedp.CSS("#new-draft")))
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	status, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#soa-status")))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#new-draft")), chromedp.WaitVisible(chromedp.CSS("#approve")))
	if err != nil {
		t.Fatalf("start a new draft: %v", err)
	}
	title2, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#soa-title")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "Approved by") || !strings.Contains(status, site.Email) {
		t.Errorf("status after approval = %q, want Approved by %s", status, site.Email)
	}
	if !strings.Contains(title2, "version 2") {
		t.Errorf("title after starting a draft = %q, want version 2", title2)
	}
	v2, err := svc.FindSoAVersion(op, 2, aims.SoAFilter{})
	if err != nil || v2.Status != aims.SoADraft || v2.BasedOn != 1 {
		t.Fatalf("version 2 = %+v (%v), want a draft based on 1", v2, err)
	}
}
