// Package fuzzseed adds seed inputs to a fuzz target and, when asked, keeps
// them as its seed corpus in testdata/fuzz/FuzzXxx, so that the committed
// corpus is made from real examples (a signed checkpoint, an exported CSV)
// that the test itself builds, not pasted by hand.
//
//	AIMS_FUZZ_WRITE_SEEDS=1 go test -run '^FuzzXxx$' ./internal/PKG
//
// rewrites the corpus files of FuzzXxx. Only tests import this package.
package fuzzseed

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// WriteEnv names the variable that makes Add write corpus files.
const WriteEnv = "AIMS_FUZZ_WRITE_SEEDS"

// Add adds args as a seed of f and, when WriteEnv is set, writes them to
// testdata/fuzz/<f's name>/<name>.
func Add(f *testing.F, name string, args ...any) {
	f.Helper()
	f.Add(args...)
	if os.Getenv(WriteEnv) == "" {
		return
	}
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(v)))
		case string:
			fmt.Fprintf(&b, "string(%s)\n", strconv.Quote(v))
		case uint8:
			fmt.Fprintf(&b, "uint8(%d)\n", v)
		case uint64:
			fmt.Fprintf(&b, "uint64(%d)\n", v)
		case int:
			fmt.Fprintf(&b, "int(%d)\n", v)
		case bool:
			fmt.Fprintf(&b, "bool(%t)\n", v)
		default:
			f.Fatalf("fuzzseed: no corpus encoding for %T", a)
		}
	}
	if name == "" {
		sum := sha256.Sum256([]byte(b.String()))
		name = hex.EncodeToString(sum[:8])
	}
	dir := filepath.Join("testdata", "fuzz", fuzzName(f))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		f.Fatal(err)
	}
}

// fuzzName is the fuzz target's name without subtest parts.
func fuzzName(f *testing.F) string {
	n, _, _ := strings.Cut(f.Name(), "/")
	return n
}
