package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestContextListsSort lists each context register by name either way and
// by its own date, and refuses an order it does not know, naming sort.
func TestContextListsSort(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a := e.orgs["a"]
		created := map[string][]string{} // each register's ids in the order they were written
		for range 3 {
			created["/api/v1/context/issues"] = append(created["/api/v1/context/issues"], a.mustContextIssue(t, e).ID)
			created["/api/v1/interested-parties"] = append(created["/api/v1/interested-parties"], a.mustParty(t, e).ID)
			created["/api/v1/changes"] = append(created["/api/v1/changes"], a.mustChange(t, e).ID)
			created["/api/v1/resources"] = append(created["/api/v1/resources"], a.mustResource(t, e).ID)
			created["/api/v1/communications"] = append(created["/api/v1/communications"], a.mustCommunication(t, e).ID)
		}
		ids := func(url string) []string {
			t.Helper()
			var page listPage[struct {
				ID string `json:"id"`
			}]
			res := e.do(t, request{method: http.MethodGet, url: url, token: a.tokens[aims.RoleViewer]})
			if res.Code != http.StatusOK {
				t.Fatalf("GET %s: %d %s", url, res.Code, res.Body)
			}
			decode(t, res, &page)
			var out []string
			for _, x := range page.Items {
				out = append(out, x.ID)
			}
			return out
		}
		for path, own := range map[string]string{
			"/api/v1/context/issues": "review", "/api/v1/interested-parties": "review", "/api/v1/changes": "target",
			"/api/v1/resources": "", "/api/v1/communications": "",
		} {
			byName, reversed := ids(path+"?sort=name"), ids(path+"?sort=-name")
			if len(byName) < 3 {
				t.Fatalf("%s: %d records", path, len(byName))
			}
			slices.Reverse(reversed)
			if !slices.Equal(byName, reversed) {
				t.Errorf("%s: ?sort=-name is not ?sort=name reversed", path)
			}
			newest := slices.Clone(created[path])
			slices.Reverse(newest)
			if got := ids(path + "?sort=-updated_at"); !slices.Equal(got, newest) {
				t.Errorf("%s?sort=-updated_at: %q, want the latest written first %q", path, got, newest)
			}
			if own != "" {
				ids(path + "?sort=" + own)
				ids(path + "?sort=-" + own)
			}
			bad := e.do(t, request{method: http.MethodGet, url: path + "?sort=colour", token: a.tokens[aims.RoleViewer]})
			if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body.String(), "sort") {
				t.Errorf("%s?sort=colour: %d %s, want 422 naming sort", path, bad.Code, bad.Body)
			}
		}
	})
}
