// Command aims is an AI management system for ISO/IEC 42001:2023: the
// inventory of AI systems and the records around them, served as a web UI
// and a JSON API from one binary. See the README for the two commands that
// start it and test it.
package main

import (
	"context"
	"os"

	"github.com/aimsproject/aims/internal/cli"
)

// version is set at release build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(cli.Main(context.Background(), version, os.Args[1:]))
}
