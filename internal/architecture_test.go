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
	demoRule = rule{"declare demo data (a name with \"demo\" in it: demo data is a client of the services)",
		[]string{"internal/demo"}}
)

// modulePath is the import path of the module.
const modulePath = "github.com/aimsproject/aims/"

// engines are the pure or self-contained packages beside the layers (the
// Merkle log, the rules, and those the next issues add): the service
// orchestrates them, so they import neither store nor service.
var engines = []string{"internal/ledger", "internal/rules", "internal/indicator", "internal/approval", "internal/blob", "internal/notify", "internal/authn",
	"internal/cyclonedx", "internal/mlflow"}

// uiDir is the page kit: shared components that import only aims, authz
// and templ (and the standard library), never a service.
const uiDir = "internal/web/ui"

// importViolation says why dir may not import p, or "".
func importViolation(dir, p string) string {
	internal, isInternal := strings.CutPrefix(p, modulePath)
	for _, e := range engines {
		if (dir == e || strings.HasPrefix(dir, e+"/")) && isInternal &&
			(internal == "internal/store" || strings.HasPrefix(internal, "internal/store/") || internal == "internal/service") {
			return "an engine (" + e + ") may not import " + p + ": the service orchestrates engines, and only it calls the store"
		}
	}
	if dir == uiDir || strings.HasPrefix(dir, uiDir+"/") {
		first, _, _ := strings.Cut(p, "/")
		switch {
		case isInternal && (internal == "internal/aims" || internal == "internal/authz" || strings.HasPrefix(internal, uiDir)):
		case p == "github.com/a-h/templ" || strings.HasPrefix(p, "github.com/a-h/templ/"):
		case !strings.Contains(first, "."): // the standard library
		default:
			return uiDir + " may import only aims, authz and templ, not " + p + ": a page kit that reaches a service is a page"
		}
	}
	return ""
}

// demoNamed reports whether a top-level name declares demo data ("demo" as
// a word of the camel-case name, so NodeModelVersion is not one): the store
// keeps the demo accounts' credentials (DemoCredential), which is storage
// of what the demo loader made, not demo data.
func demoNamed(name string) bool {
	return (strings.HasPrefix(name, "demo") || strings.Contains(name, "Demo")) && !strings.Contains(name, "DemoCredential")
}

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
		if v := importViolation(dir, p); v != "" {
			out = append(out, fset.Position(imp.Pos()).String()+": "+v)
		}
		if p == aimsPackage {
			aimsName = "aims"
			if imp.Name != nil {
				aimsName = imp.Name.Name
			}
		}
	}
	if !demoRule.allows(dir) {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if demoNamed(d.Name.Name) {
					report(d.Name.Pos(), demoRule)
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						if demoNamed(sp.Name.Name) {
							report(sp.Name.Pos(), demoRule)
						}
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							if demoNamed(n.Name) {
								report(n.Pos(), demoRule)
							}
						}
					}
				}
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
// fails when a package other than store imports database/sql, when code
// outside authz (and the store's test helpers) makes a tenant scope, when an
// engine imports the store or a service, when the page kit (web/ui) imports
// more than aims, authz and templ, or when a file outside internal/demo
// declares demo data.
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
		{"store in an engine", "internal/ledger/x.go", `package ledger; import "github.com/aimsproject/aims/internal/store"`, 1},
		{"service in a new engine", "internal/approval/x.go", `package approval; import "github.com/aimsproject/aims/internal/service"`, 1},
		{"storetest in an engine", "internal/rules/x.go", `package rules; import "github.com/aimsproject/aims/internal/store/storetest"`, 1},
		{"aims in an engine", "internal/rules/x.go", `package rules; import "github.com/aimsproject/aims/internal/aims"`, 0},
		{"store in the service", "internal/service/x.go", `package service; import "github.com/aimsproject/aims/internal/store"`, 0},
		{"service in the page kit", "internal/web/ui/x.go", `package ui; import "github.com/aimsproject/aims/internal/service"`, 1},
		{"web in the page kit", "internal/web/ui/x.go", `package ui; import "github.com/aimsproject/aims/internal/web"`, 1},
		{"chi in the page kit", "internal/web/ui/x.go", `package ui; import "github.com/go-chi/chi/v5"`, 1},
		{"what the page kit may import", "internal/web/ui/x.go", `package ui; import ("context"; "net/url"; "github.com/a-h/templ"; ` +
			`"github.com/aimsproject/aims/internal/aims"; "github.com/aimsproject/aims/internal/authz")`, 0},
		{"service in the pages", "internal/web/x.go", `package web; import "github.com/aimsproject/aims/internal/service"`, 0},
		{"demo data in the service", "internal/service/x.go", `package service; func (s *Service) SeedDemoRisk() {}`, 1},
		{"demo constants in the web", "internal/web/x.go", `package web; const demoOptimizer = "x"; var DemoTags = 1; type demoSpec struct{}`, 3},
		{"demo data in internal/demo", "internal/demo/x.go", `package demo; func SeedRisk() {}; var demoOptimizer = "x"`, 0},
		{"a name that only spells demo", "internal/aims/x.go", `package aims; const NodeModelVersion = "model_version"`, 0},
		{"the demo accounts' store", "internal/store/demo.go", `package store; type DemoCredential struct{}; func SaveDemoCredentials() {}`, 0},
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
