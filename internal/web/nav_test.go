package web

import (
	"net/http"
	"slices"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestNavigationMenus checks that the main navigation is a handful of
// dropdown menus, that every page it led to before is still one click
// away, that the current page's menu is marked, and that the records and
// admin menus appear only for those who may use them.
func TestNavigationMenus(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		admin := e.get(aims.RoleAdmin, "/datasets").want(t, http.StatusOK)
		menus := texts(admin.doc, `nav[aria-label=Main] details.dropdown[id] summary`)
		if want := []string{"Inventory", "Planning", "People", "Frameworks", "Records", "Admin"}; !slices.Equal(menus, want) {
			t.Errorf("menus = %v, want %v", menus, want)
		}
		for _, href := range []string{"/systems", "/datasets", "/suppliers", "/risks", "/risk-criteria", "/classifications",
			"/soa", "/lineage", "/catalog", "/coverage", "/audit", "/log", "/admin/users", "/admin/tokens",
			"/people", "/aims-roles", "/raci", "/training-records", "/awareness-sessions", "/ai-literacy"} {
			query(t, admin.doc, `nav[aria-label=Main] details.dropdown ul li a[href="`+href+`"]`)
		}
		if got := texts(admin.doc, `nav[aria-label=Main] summary[aria-current=true]`); !slices.Equal(got, []string{"Inventory"}) {
			t.Errorf("current menu on /datasets = %v", got)
		}
		if got := texts(admin.doc, `nav[aria-label=Main] a[aria-current=page]`); !slices.Equal(got, []string{"Datasets"}) {
			t.Errorf("current link on /datasets = %v", got)
		}
		soa := e.get(aims.RoleAdmin, "/soa").want(t, http.StatusOK)
		if got := texts(soa.doc, `nav[aria-label=Main] summary[aria-current=true]`); !slices.Equal(got, []string{"Planning"}) {
			t.Errorf("current menu on /soa = %v", got)
		}

		viewer := e.get(aims.RoleViewer, "/datasets").want(t, http.StatusOK)
		if got := texts(viewer.doc, `nav[aria-label=Main] details.dropdown[id] summary`); !slices.Equal(got, []string{"Inventory", "Planning", "People", "Frameworks", "Records"}) {
			t.Errorf("viewer's menus = %v", got)
		}
		noMatch(t, viewer.doc, `nav[aria-label=Main] a[href="/admin/users"]`)
		noMatch(t, viewer.doc, `nav[aria-label=Main] a[href="/audit"]`) // a viewer reads the log but not the audit trail
		query(t, viewer.doc, `nav[aria-label=Main] a[href="/log"]`)
	})
}
