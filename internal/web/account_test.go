package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestAccountChangePassword(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		m, err := e.svc.AddMember(e.ctx(aims.RoleAdmin), aims.NewMember{Email: "pat@acme.test", Name: "Pat", Role: aims.RoleContributor,
			Password: "first password!"})
		if err != nil {
			t.Fatal(err)
		}
		e.addPrincipal(e.org, m)
		p := e.do(m, http.MethodGet, "/account", nil, nil).want(t, http.StatusOK)
		got := map[string]string{}
		dts, dds := queryAll(p.doc, "dl.fields dt"), queryAll(p.doc, "dl.fields dd")
		for i := range dts {
			got[text(dts[i])] = text(dds[i])
		}
		if got["Email"] != "pat@acme.test" || !strings.HasPrefix(got["Role"], "Contributor") || !strings.Contains(got["Organization"], "acme") {
			t.Errorf("account fields = %v", got)
		}

		bad := e.do(m, http.MethodPost, "/account/password", url.Values{"current_password": {"wrong"}, "new_password": {"short"}}, nil).
			want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#current_password[aria-invalid=true]")
		query(t, bad.doc, "input#new_password[aria-invalid=true]")
		query(t, bad.doc, "#new_password-error")

		e.do(m, http.MethodPost, "/account/password", url.Values{"current_password": {"first password!"},
			"new_password": {"second password!"}}, nil).want(t, http.StatusSeeOther)
		if _, err := e.svc.Login(context.Background(), "pat@acme.test", "second password!", "test"); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}
	})
}

func TestImportProblemsListEveryBadCell(t *testing.T) {
	ae := &aims.Error{Kind: aims.KindInvalid, Message: "3 rows have problems; nothing was imported", Fields: []aims.FieldError{
		{Field: "rows/14/owner_email", Detail: "no member with this email"},
		{Field: "rows/3/lifecycle_stage", Detail: "must be one of idea, design"},
		{Field: "rows/3/name", Detail: "is required"},
		{Field: "header", Detail: "column purpose is missing"},
	}}
	cells, general := importProblems(ae)
	want := []importProblem{{3, "lifecycle_stage", "must be one of idea, design"}, {3, "name", "is required"}, {14, "owner_email", "no member with this email"}}
	if !slices.Equal(cells, want) {
		t.Errorf("cells = %+v", cells)
	}
	if len(general) != 1 || general[0].Field != "header" {
		t.Errorf("general = %+v", general)
	}
	// The page lists them all in a table.
	var buf bytes.Buffer
	v := importView{FileName: "inventory.csv", Problems: cells, General: general, Errors: formErrors{"_": ae.Message}}
	if err := SystemImportPage(Page{Title: "Import"}, v).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t}
	doc := e.parse(&http.Response{StatusCode: 422, Header: http.Header{"Content-Type": {"text/html"}}, Body: io.NopCloser(&buf)}).doc
	var rows [][]string
	for _, tr := range queryAll(doc, "table.problems tbody tr") {
		rows = append(rows, texts(tr, "td"))
	}
	if !slices.EqualFunc(rows, [][]string{{"3", "lifecycle_stage", "must be one of idea, design"}, {"3", "name", "is required"},
		{"14", "owner_email", "no member with this email"}}, slices.Equal) {
		t.Errorf("problem table = %v", rows)
	}
	query(t, doc, "ul.problems-general li")
	query(t, doc, "[role=alert]")
}

// A person changes their own name on the account page; an empty one is
// refused on the form.
func TestAccountChangeName(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		m := e.members[aims.RoleViewer]
		bad := e.do(m, http.MethodPost, "/account/name", url.Values{"name": {"  "}}, nil).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#name[aria-invalid=true]")
		e.do(m, http.MethodPost, "/account/name", url.Values{"name": {"Vera Viewer"}}, nil).want(t, http.StatusSeeOther)
		got, err := e.svc.FindMemberByID(e.ctx(aims.RoleAdmin), m.ID)
		if err != nil || got.Name != "Vera Viewer" {
			t.Errorf("after renaming: %+v, %v", got, err)
		}
	})
}
