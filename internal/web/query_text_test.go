package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestSearchWithANulIsBadInput: a search for "%00" is refused with 422 and
// says why, instead of matching everything (or failing on PostgreSQL).
func TestSearchWithANulIsBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		for _, u := range []string{"/systems?q=%00", "/risks?q=a%00", "/admin/users?q=%01"} {
			p := e.get(aims.RoleAdmin, u).want(t, http.StatusUnprocessableEntity)
			if !strings.Contains(p.body, "control character") && !strings.Contains(p.body, "NUL") {
				t.Errorf("%s: the page does not say what is wrong:\n%.500s", u, p.body)
			}
		}
		e.get(aims.RoleAdmin, "/systems?q=pump").want(t, http.StatusOK)
	})
}
