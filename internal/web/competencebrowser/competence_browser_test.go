package competencebrowser_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/browsertest"
)

// TestCompetenceRequirementGapInBrowser walks the competence pages as an
// AIMS manager: from a role's page, add a competence requirement through
// the form (a refused field is marked next to itself first), then open the
// page of the role's holder and see the gap with the action that closes it.
func TestCompetenceRequirementGapInBrowser(t *testing.T) {
	bctx := browsertest.New(t, 90*time.Second)
	site := browsertest.NewSite(t, aims.RoleAIMSManager, "Mara Manager")
	svc, op := site.Svc, site.Op
	role := &aims.AIMSRole{Name: "Validation lead"}
	if err := svc.CreateAIMSRole(op, role); err != nil {
		t.Fatal(err)
	}
	holder := &aims.Person{Name: "Ada Night", Active: true}
	if err := svc.CreatePerson(op, holder); err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateRoleAssignment(op, &aims.RoleAssignment{RoleID: role.ID, PersonID: holder.ID}); err != nil {
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

	// The role's page leads to the form; months that are not a number are
	// refused next to their field.
	err := chromedp.Do(bctx,
		site.SignIn("/aims-roles/"+role.ID),
		chromedp.WaitVisible(chromedp.CSS("#add-requirement")),
		chromedp.Click(chromedp.CSS("#add-requirement")),
		chromedp.WaitVisible(chromedp.CSS("#requirement-form")),
		chromedp.SendKeys(chromedp.CSS("#competence"), "ML validation"),
		chromedp.SendKeys(chromedp.CSS("#valid_months"), "-3"),
		chromedp.Click(chromedp.CSS("#save-requirement")),
		chromedp.WaitVisible(chromedp.CSS(`#valid_months[aria-invalid="true"]`)),
	)
	if err != nil {
		t.Fatalf("refused requirement: %v", err)
	}
	err = chromedp.Do(bctx,
		chromedp.SetValue(chromedp.CSS("#valid_months"), "24"),
		chromedp.SendKeys(chromedp.CSS("#action"), "Book the model validation course"),
		chromedp.Click(chromedp.CSS("#save-requirement")),
		chromedp.WaitNotPresent(chromedp.CSS("#requirement-form")),
	)
	if err != nil {
		t.Fatalf("save requirement: %v", err)
	}

	// The holder's page shows the gap and what closes it.
	err = chromedp.Do(bctx, chromedp.Navigate(site.URL+"/people/"+holder.ID), chromedp.WaitVisible(chromedp.CSS("#person-gaps")))
	if err != nil {
		t.Fatal(err)
	}
	gaps := text(`section[aria-labelledby="person-gaps"]`)
	for _, want := range []string{"Competence gaps (1)", "Validation lead", "ML validation", "Book the model validation course"} {
		if !strings.Contains(gaps, want) {
			t.Errorf("gaps section %q lacks %q", gaps, want)
		}
	}
}
