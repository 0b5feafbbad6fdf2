package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
)

// aims evidence push talks to a running aims over the API (a pipeline runs
// far from the server), with the token in AIMS_TOKEN; aims evidence verify
// works on the data directory like the other data commands.

func (p *Program) evidenceCommand() *cobra.Command {
	c := &cobra.Command{Use: "evidence", Short: "Push evidence to a running aims, and check stored evidence files"}
	c.AddCommand(p.evidencePushCommand(), p.evidenceVerifyCommand())
	return c
}

type pushFlags struct {
	server, url, kind, title, note, expires, from, to, evidenceID string
	systems, requirements, links                                  []string
}

func (p *Program) evidencePushCommand() *cobra.Command {
	var f pushFlags
	c := &cobra.Command{
		Use:   "push [FILE] [--url URL] --kind KIND [--system ID]… [--requirement REF]… [--expires 90d|DATE]",
		Short: "Add a file or a link as evidence to a running aims (token in AIMS_TOKEN)",
		Long: "Send FILE (streamed, with its SHA-256 so the server checks the bytes it stores), or --url, to\n" +
			"POST /api/v1/evidence of the aims at --server, as the token in AIMS_TOKEN (a token with the scope\n" +
			"evidence:write is enough). The evidence with the same kind and links gets a new revision; the same\n" +
			"file pushed again answers the revision made the first time. Prints the revision as JSON.\n\n" +
			"  AIMS_TOKEN=… aims evidence push vr-12.pdf --system 0190… --requirement iso42001:A.6.2.4 \\\n" +
			"      --kind validation-report --expires 90d",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			token := os.Getenv("AIMS_TOKEN")
			if token == "" {
				return usageError{fmt.Errorf("set AIMS_TOKEN to an API token that may add evidence")}
			}
			if (len(args) == 1) == (f.url != "") {
				return usageError{fmt.Errorf("give a FILE or --url, not both")}
			}
			return p.pushEvidence(c.Context(), f, args, token)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.server, "server", envOr("AIMS_SERVER", "http://127.0.0.1:8080"), "the aims server's URL (env AIMS_SERVER)")
	fl.StringVar(&f.url, "url", "", "an http(s) link to the evidence, instead of a file")
	fl.StringVar(&f.kind, "kind", "", "the kind of evidence, e.g. validation-report (required unless --evidence)")
	fl.StringVar(&f.title, "title", "", "a title (default: from the kind)")
	fl.StringVar(&f.note, "note", "", "a note on this revision")
	fl.StringVar(&f.expires, "expires", "", "when it expires: a duration in days (90d) or hours (36h) from now, or a date (YYYY-MM-DD)")
	fl.StringVar(&f.from, "effective-from", "", "the start of the period it covers (YYYY-MM-DD or RFC 3339)")
	fl.StringVar(&f.to, "effective-to", "", "the end of the period it covers")
	fl.StringVar(&f.evidenceID, "evidence", "", "add the revision to this evidence (its id) instead of finding it by kind and links")
	fl.StringArrayVar(&f.systems, "system", nil, "an AI system it shows (id; repeat)")
	fl.StringArrayVar(&f.requirements, "requirement", nil, "a control it shows, framework:id, e.g. iso42001:A.6.2.4 (repeat)")
	fl.StringArrayVar(&f.links, "link", nil, "another record it shows, type=id (model_version, dataset, risk, risk_action, document; repeat)")
	return c
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// ParseExpiry reads --expires: Nd (days) or a Go duration from now, or a
// date or time.
func ParseExpiry(s string, now time.Time) (time.Time, error) {
	if strings.HasSuffix(s, "d") {
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && n > 0 {
			return now.AddDate(0, 0, n).UTC(), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--expires %q: give days (90d), a duration (36h) or a date (YYYY-MM-DD)", s)
}

func (p *Program) pushEvidence(ctx context.Context, f pushFlags, args []string, token string) error {
	h := http.Header{}
	if f.kind != "" {
		h.Set("Aims-Kind", f.kind)
	}
	if f.evidenceID != "" {
		h.Set("Aims-Evidence-Id", f.evidenceID)
	}
	if f.title != "" {
		h.Set("Aims-Title", percentEncode(f.title))
	}
	if f.note != "" {
		h.Set("Aims-Note", percentEncode(f.note))
	}
	if f.expires != "" {
		t, err := ParseExpiry(f.expires, time.Now())
		if err != nil {
			return usageError{err}
		}
		h.Set("Aims-Expires-At", t.Format(time.RFC3339))
	}
	if f.from != "" {
		h.Set("Aims-Effective-From", f.from)
	}
	if f.to != "" {
		h.Set("Aims-Effective-To", f.to)
	}
	for _, s := range f.systems {
		h.Add("Aims-Link", "ai_system="+s)
	}
	for _, r := range f.requirements {
		h.Add("Aims-Link", "requirement="+r)
	}
	for _, l := range f.links {
		h.Add("Aims-Link", l)
	}
	var body io.Reader
	var size int64
	if f.url != "" {
		h.Set("Aims-Url", f.url)
	} else {
		file, err := os.Open(args[0])
		if err != nil {
			return usageError{err}
		}
		defer file.Close()
		st, err := file.Stat()
		if err != nil {
			return err
		}
		size = st.Size()
		sum := sha256.New()
		bar := p.progress("hashing " + filepath.Base(args[0]))
		if _, err := io.Copy(sum, &countingReader{r: file, total: uint64(size), bar: bar}); err != nil {
			return err
		}
		bar.finish()
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return err
		}
		h.Set("Aims-Sha256", hex.EncodeToString(sum.Sum(nil)))
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filepath.Base(args[0])}))
		ct := mime.TypeByExtension(filepath.Ext(args[0]))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		up := p.progress("uploading " + filepath.Base(args[0]))
		defer up.finish()
		body = &countingReader{r: file, total: uint64(size), bar: up}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(f.server, "/")+"/api/v1/evidence", body)
	if err != nil {
		return usageError{err}
	}
	req.Header = h
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("push to %s: %w", f.server, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("aims answered %s: %s", res.Status, problemText(out))
	}
	var added struct {
		Created  bool                   `json:"created"`
		Revision *aims.EvidenceRevision `json:"revision"`
		Evidence *aims.Evidence         `json:"evidence"`
	}
	if err := json.Unmarshal(out, &added); err != nil || added.Revision == nil {
		return fmt.Errorf("aims answered %s with %q", res.Status, out)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	_ = enc.Encode(added)
	_, err = p.Stdout.Write(buf.Bytes())
	return err
}

// problemText reads a problem's detail and field errors.
func problemText(b []byte) string {
	var pr struct {
		Detail string `json:"detail"`
		Errors []struct {
			Location string `json:"location"`
			Message  string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(b, &pr) != nil || pr.Detail == "" {
		return string(b)
	}
	parts := []string{pr.Detail}
	for _, e := range pr.Errors {
		parts = append(parts, e.Location+": "+e.Message)
	}
	return strings.Join(parts, "; ")
}

func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// countingReader reports progress as it is read.
type countingReader struct {
	r     io.Reader
	n     uint64
	total uint64
	bar   *progressBar
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += uint64(n)
	c.bar.update(c.n, c.total)
	return n, err
}

func (p *Program) evidenceVerifyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "verify",
		Short: "Re-hash every stored evidence file of an organization and report those that do not match",
		Long: "Read every file the organization's evidence revisions name from the blob store (the data\n" +
			"directory's blobs folder, or AIMS_BLOB_URL), hash it and compare it with its SHA-256 digest.\n" +
			"Exit status 1 when a file is missing or changed.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				checked, bad, err := e.svc.VerifyEvidenceFiles(ctx)
				if err != nil {
					return err
				}
				digests := make([]string, 0, len(bad))
				for d := range bad {
					digests = append(digests, d)
				}
				sort.Strings(digests)
				for _, d := range digests {
					fmt.Fprintf(p.Stdout, "MISMATCH sha256:%s: %v\n", d, bad[d])
				}
				fmt.Fprintf(p.Stdout, "%d files checked in %s, %d do not match\n", checked, org.Slug, len(bad))
				if len(bad) > 0 {
					return fmt.Errorf("%d evidence files do not match their digest", len(bad))
				}
				return nil
			})
		},
	}
	dataFlags(c)
	return c
}
