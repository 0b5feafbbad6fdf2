package riskbrowser_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/browsertest"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestRiskRegisterHeatMapAndImpactInBrowser walks the risk pages as a
// system owner: add a risk with the form and see its computed level, find
// it on the heat map and in the filtered register, then assess the
// system's impact, sign it off, and see the system page mark it out of
// date once a newer model version is deployed.
func TestRiskRegisterHeatMapAndImpactInBrowser(t *testing.T) {
	bctx := browsertest.New(t, 90*time.Second)
	site := browsertest.NewSite(t, aims.RoleSystemOwner, "Lena Owner")
	svc, op := site.Svc, site.Op
	owner := site.Person
	sys := storetest.System("Setpoint optimizer", owner.ID)
	if err := svc.CreateSystem(op, sys); err != nil {
		t.Fatal(err)
	}
	deployed := &aims.ModelVersion{SystemID: sys.ID, Version: "2.3.0", Digest: strings.Repeat("ab", 32), Status: aims.ModelDeployed}
	if err := svc.CreateReleasedModelVersion(op, deployed, aims.ModelVersionApproval{Evidence: "VR-1", AcceptanceCriteria: "MAE < 1", Result: "MAE 0.8"}); err != nil {
		t.Fatal(err)
	}

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}

	// Add a risk: likely and severe is critical under the default criteria.
	err := chromedp.Do(bctx,
		site.SignIn("/risks/new"),
		chromedp.WaitVisible(chromedp.CSS("#risk-form")),
		chromedp.SendKeys(chromedp.CSS("#title"), "Polymer dose driven to its limit"),
		chromedp.SetValue(chromedp.CSS("#system_id"), sys.ID),
		chromedp.SetValue(chromedp.CSS("#source"), "annex_c:C.3.5"),
		chromedp.SetValue(chromedp.CSS("#inherent_likelihood"), "4"),
		chromedp.SetValue(chromedp.CSS("#inherent_consequence"), "5"),
		chromedp.Click(chromedp.CSS(`input[value="A.6.2.6"]`)),
		chromedp.Click(chromedp.CSS("#save-risk")),
		chromedp.WaitVisible(chromedp.CSS("#inherent-level")),
	)
	if err != nil {
		t.Fatalf("add a risk: %v", err)
	}
	if got := text("#inherent-level"); got != "Critical" {
		t.Errorf("computed level = %q, want Critical", got)
	}
	if got := text("#risk-controls"); !strings.Contains(got, "A.6.2.6") {
		t.Errorf("controls = %q", got)
	}

	// The heat map places it in the likely/severe cell.
	err = chromedp.Do(bctx, chromedp.Navigate(site.URL+"/risks/heatmap"), chromedp.WaitVisible(chromedp.CSS("#inherent")))
	if err != nil {
		t.Fatal(err)
	}
	if got := text(`#inherent [data-likelihood="4"][data-consequence="5"] .heat-risks`); strings.TrimSpace(got) != "R-1" {
		t.Errorf("likely/severe cell lists %q, want R-1", got)
	}
	// The register filtered by level finds it; another level does not.
	err = chromedp.Do(bctx, chromedp.Navigate(site.URL+"/risks"), chromedp.WaitVisible(chromedp.CSS("#level")),
		chromedp.SetValue(chromedp.CSS("#level"), "critical"), chromedp.Submit(chromedp.CSS("#level")),
		chromedp.WaitVisible(chromedp.CSS("#risk-table")))
	if err != nil {
		t.Fatal(err)
	}
	if got := text("#risk-table tbody"); !strings.Contains(got, "R-1") {
		t.Errorf("register filtered by critical = %q", got)
	}

	// Assess the impact: every area at once, then sign off.
	err = chromedp.Do(bctx,
		chromedp.Navigate(site.URL+"/systems/"+sys.ID+"/impact-assessments"),
		chromedp.Click(chromedp.CSS("#start-assessment")),
		chromedp.WaitVisible(chromedp.CSS("#impact-form")),
	)
	if err != nil {
		t.Fatalf("start the assessment: %v", err)
	}
	_, err = chromedp.Run(bctx, chromedp.Evaluate[any](`(() => {
		document.querySelector('#affected_parties-individuals').checked = true;
		document.querySelector('#conclusion').value = 'Acceptable with the PLC limits';
		for (const fs of document.querySelectorAll('fieldset.impact-area')) {
			for (const s of fs.querySelectorAll('select')) { s.value = s.name.endsWith('residual_impact') ? 'low' : '2'; }
			for (const i of fs.querySelectorAll('input[type=text], textarea')) { i.value = 'Operators of Line 2'; }
		}
		return true;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#sign-off")), chromedp.WaitVisible(chromedp.CSS("#impact-areas")))
	if err != nil {
		t.Fatalf("sign off: %v", err)
	}
	if got := text("#impact-status"); !strings.Contains(got, "Signed off by "+site.Email) {
		t.Errorf("status after sign-off = %q", got)
	}
	err = chromedp.Do(bctx, chromedp.Navigate(site.URL+"/systems/"+sys.ID), chromedp.WaitVisible(chromedp.CSS("#impact-current")))
	if err != nil {
		t.Fatalf("system page after sign-off: %v", err)
	}

	// A newer model version goes live: the system page says the
	// assessment is out of date, and why.
	newer := &aims.ModelVersion{SystemID: sys.ID, Version: "2.4.0", Digest: strings.Repeat("cd", 32), Status: aims.ModelDeployed}
	if err := svc.CreateReleasedModelVersion(op, newer, aims.ModelVersionApproval{Evidence: "VR-2", AcceptanceCriteria: "MAE < 1", Result: "MAE 0.7"}); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(bctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#impact-out-of-date")))
	if err != nil {
		t.Fatalf("out-of-date banner: %v", err)
	}
	if got := text("#impact-out-of-date"); !strings.Contains(got, "model version 2.4.0 was deployed after sign-off") {
		t.Errorf("banner = %q", got)
	}
}
