package classifybrowser_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/browsertest"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// waitFor polls a JavaScript condition until it holds.
func waitFor(ctx context.Context, t *testing.T, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s still false (%v)", what, expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestQuestionnaireInBrowser fills the EU AI Act questionnaire of a credit
// scoring model as its owner: htmx reveals the follow-up questions as the
// answers make them matter, and the result shows the tier and the
// obligations with their dates.
func TestQuestionnaireInBrowser(t *testing.T) {
	bctx := browsertest.New(t, 60*time.Second)
	site := browsertest.NewSite(t, aims.RoleSystemOwner, "Olga Owner")
	svc, op := site.Svc, site.Op
	owner := site.Person
	sys := storetest.System("Credit scoring", owner.ID)
	sys.OperatorRoles = []aims.OperatorRole{aims.OperatorDeployer}
	if err := svc.CreateSystem(op, sys); err != nil {
		t.Fatal(err)
	}

	err := chromedp.Do(bctx,
		site.SignIn("/systems/"+sys.ID+"/classification/edit"),
		chromedp.WaitVisible(chromedp.CSS("#classification-form")),
	)
	if err != nil {
		t.Fatalf("sign in and open the questionnaire: %v", err)
	}
	present := func(sel string) string { return fmt.Sprintf("document.querySelector(%q) !== null", sel) }
	absent := func(sel string) string { return fmt.Sprintf("document.querySelector(%q) === null", sel) }
	checked := func(sel string) string { return fmt.Sprintf("document.querySelector(%q)?.checked === true", sel) }

	// On load, htmx leaves out the follow-ups that cannot matter yet: no
	// Annex III point is ticked, so no Art. 6(3) questions.
	waitFor(bctx, t, "follow-ups hidden on load", absent("#q-derogation"))
	step := func(what, sel, until string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("%s: click %s: %v", what, sel, err)
		}
		waitFor(bctx, t, what, until)
	}
	step("answer that it is an AI system", "#ai_system-true", checked("#ai_system-true"))
	step("add the provider role", "#roles-provider", checked("#roles-provider"))
	step("open Annex III area 5", "#area-5 summary", "document.querySelector('#area-5').open")
	step("tick Annex III 5(b)", "#annex_iii_points-5-b", present("#q-derogation #profiling"))
	step("say it profiles", "#profiling", checked("#profiling"))
	err = chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#rationale"), "Scores consumer loan applicants' creditworthiness."),
		chromedp.Click(chromedp.CSS("#classify")),
		chromedp.WaitVisible(chromedp.CSS("#tier")),
	)
	if err != nil {
		t.Fatalf("submit the questionnaire: %v", err)
	}
	tier, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#tier")))
	if err != nil {
		t.Fatal(err)
	}
	obligations, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#obligations")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tier, "High-risk") || !strings.Contains(tier, "Annex III 5(b)") {
		t.Errorf("tier = %q, want High-risk, Annex III 5(b)", tier)
	}
	for _, want := range []string{"Art. 9", "Risk management system", "Art. 26", "Art. 27", "2026-08-02", "adopted", "proposed: 2027-12-02"} {
		if !strings.Contains(obligations, want) {
			t.Errorf("obligations do not show %q:\n%s", want, obligations)
		}
	}
	c, err := svc.FindClassification(op, sys.ID)
	if err != nil || c.Version != 1 || c.Tier != aims.TierHighRisk || !c.Answers.Profiling || c.ClassifiedBy != site.Email {
		t.Fatalf("stored classification = %+v (%v)", c, err)
	}
}
