// Command gen writes the generated catalog data files: it reads
// internal/catalog/source and writes internal/catalog/data. Run it through
// `go generate ./internal/catalog`.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aimsproject/aims/internal/catalog/build"
)

func main() {
	files, err := build.Files("source")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join("data", name), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
