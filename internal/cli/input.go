package cli

import (
	"io"
	"os"
)

// input opens the file a command reads, or standard input for "-"; done
// releases it. A file that cannot be opened is a usage error.
func (p *Program) input(path string) (in io.Reader, done func(), err error) {
	if path == "-" {
		return p.Stdin, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, usageError{err}
	}
	return f, func() { f.Close() }, nil
}
