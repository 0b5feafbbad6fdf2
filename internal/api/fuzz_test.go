package api_test

import (
	"bufio"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/fuzzseed"
)

// FuzzParseUploadHeaders: the metadata of an evidence upload, read from
// request headers, never panics; bad headers are refused as bad input
// naming them; what is accepted normalizes to a file name without any
// path, and validates without an internal error.
func FuzzParseUploadHeaders(f *testing.F) {
	fuzzseed.Add(f, "pipeline", "Aims-Kind: validation-report\nAims-Link: ai_system=0190a1b2, requirement=iso42001:A.6.2.4\n"+
		"Aims-Expires-At: 2027-03-01\nAims-Sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"+
		"Content-Disposition: attachment; filename=\"vr-12.pdf\"\nContent-Type: application/pdf\n")
	fuzzseed.Add(f, "traversal", "Aims-Kind: x\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\nAims-Note: caf%C3%A9\n")
	fuzzseed.Add(f, "repr-digest", "Aims-Kind: x\nRepr-Digest: sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:\nAims-Effective-From: 2026-01-01T00:00:00Z\n")
	fuzzseed.Add(f, "link", "Aims-Kind: model-card\nAims-Url: javascript:alert(1)\nAims-Link: planet\n")
	f.Fuzz(func(t *testing.T, text string) {
		tp := textproto.NewReader(bufio.NewReader(strings.NewReader(text + "\n\n")))
		mh, err := tp.ReadMIMEHeader()
		if err != nil && mh == nil {
			return
		}
		up, err := api.ParseUploadHeaders(http.Header(mh))
		if err != nil {
			if aims.KindOf(err) != aims.KindInvalid {
				t.Fatalf("bad headers answered %v (%s), not invalid", err, aims.KindOf(err))
			}
			return
		}
		up.Normalize()
		if strings.ContainsAny(up.FileName, "/\\") || strings.HasPrefix(up.FileName, ".") {
			t.Fatalf("file name %q keeps a path", up.FileName)
		}
		for _, file := range []bool{true, false} {
			if err := up.Validate(file); err != nil && aims.KindOf(err) != aims.KindInvalid {
				t.Fatalf("Validate: %v", err)
			}
		}
	})
}
