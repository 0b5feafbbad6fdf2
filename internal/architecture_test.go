// Package internal_test holds the architecture rules of the module: tests
// that read the source and fail when a layer reaches past its boundary (in
// the manner of transparency-dev/tessera's architecture tests).
package internal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const aimsPackage = "github.com/aimsproject/aims/internal/aims"

// rule says where something may appear: in the given directories and those
// under them.
type rule struct {
	what    string
	allowed []string
}

var (
	sqlRule   = rule{"import database/sql (all SQL lives in package store)", []string{"internal/store"}}
	scopeRule = rule{"make a tenant scope with aims.NewTenantScope (only authz decides whose records a caller sees)",
		[]string{"internal/authz", "internal/store/storetest"}}
)

func (r rule) allows(dir string) bool {
	for _, a := range r.allowed {
		if dir == a || strings.HasPrefix(dir, a+"/") {
			return true
		}
	}
	return false
}

// violations checks one non-test Go file, named by its slash path from the
// module root.
func violations(name string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(name)
	var out []string
	report := func(pos token.Pos, r rule) {
		out = append(out, fset.Position(pos).String()+": only "+strings.Join(r.allowed, ", ")+" may "+r.what)
	}
	aimsName := "" // how this file names package aims
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if (p == "database/sql" || strings.HasPrefix(p, "database/sql/")) && !sqlRule.allows(dir) {
			report(imp.Pos(), sqlRule)
		}
		if p == aimsPackage {
			aimsName = "aims"
			if imp.Name != nil {
				aimsName = imp.Name.Name
			}
		}
	}
	if scopeRule.allows(dir) {
		return out, nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Name.Name == "NewTenantScope" && n.Recv == nil {
				return false // its own declaration in package aims
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && aimsName != "" && id.Name == aimsName && n.Sel.Name == "NewTenantScope" {
				report(n.Pos(), scopeRule)
			}
		case *ast.Ident:
			if f.Name.Name == "aims" && n.Name == "NewTenantScope" {
				report(n.Pos(), scopeRule) // a use inside package aims itself
			}
		}
		return true
	})
	return out, nil
}

// moduleRoot finds the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// TestArchitecture walks the module's Go source (test files excepted) and
// fails when a package other than store imports database/sql, or when code
// outside authz (and the store's test helpers) makes a tenant scope.
func TestArchitecture(t *testing.T) {
	root := moduleRoot(t)
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		vs, err := violations(filepath.ToSlash(rel), src)
		for _, v := range vs {
			t.Error(v)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("checked only %d files under %s: the walk is broken", files, root)
	}
}

// TestArchitectureRules shows that the checker catches what it must, and
// lets through what is allowed.
func TestArchitectureRules(t *testing.T) {
	for _, c := range []struct {
		name, file, src string
		want            int
	}{
		{"sql in api", "internal/api/x.go", `package api; import "database/sql"; var _ sql.DB`, 1},
		{"sql driver in web", "internal/web/x.go", `package web; import _ "database/sql/driver"`, 1},
		{"sql in store", "internal/store/x.go", `package store; import "database/sql"; var _ sql.DB`, 0},
		{"sql in storetest", "internal/store/storetest/x.go", `package storetest; import "database/sql"; var _ sql.DB`, 0},
		{"scope in service", "internal/service/x.go",
			`package service; import "github.com/aimsproject/aims/internal/aims"; var s = aims.NewTenantScope("o", aims.Actor{})`, 1},
		{"scope under another import name", "internal/web/x.go",
			`package web; import a "github.com/aimsproject/aims/internal/aims"; func f() { _ = a.NewTenantScope }`, 1},
		{"scope inside package aims", "internal/aims/x.go", `package aims; var s = NewTenantScope("o", Actor{})`, 1},
		{"scope declared in package aims", "internal/aims/scope.go", `package aims; func NewTenantScope(o string, a Actor) Scope { return Scope{} }`, 0},
		{"scope in authz", "internal/authz/x.go",
			`package authz; import "github.com/aimsproject/aims/internal/aims"; var s = aims.NewTenantScope("o", aims.Actor{})`, 0},
		{"scope in storetest", "internal/store/storetest/x.go",
			`package storetest; import "github.com/aimsproject/aims/internal/aims"; var s = aims.NewTenantScope("o", aims.Actor{})`, 0},
		{"another package's NewTenantScope", "internal/web/x.go", `package web; import "example.com/aims"; var s = aims.NewTenantScope()`, 0},
	} {
		vs, err := violations(c.file, []byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(vs) != c.want {
			t.Errorf("%s: %d violations %q, want %d", c.name, len(vs), vs, c.want)
		}
	}
}
