// Package build turns the reference sources in internal/catalog/source into
// the catalog data files that aims embeds (internal/catalog/data): the
// ISO/IEC 42001 outline joined with our own guidance, the NIST AI RMF core
// with its functions, trustworthiness characteristics and generative-AI
// risks, and the NIST-to-ISO crosswalk with the source's anomalies corrected
// and flagged. Run it with `go generate ./internal/catalog`; a test checks
// that the committed files are what it makes.
//
// The EU AI Act catalog and the ISO-to-EU crosswalk are written by hand in
// data/ (they are our own summaries and reading) and are not generated.
package build

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// Files returns the generated data files by name, made from the sources in
// dir.
func Files(dir string) (map[string][]byte, error) {
	iso, err := ISO(dir)
	if err != nil {
		return nil, err
	}
	nist, err := NIST(dir)
	if err != nil {
		return nil, err
	}
	cw, err := NISTCrosswalk(dir, iso, nist)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for name, v := range map[string]any{
		"iso42001.json":                       iso,
		"nist-ai-rmf.json":                    nist,
		"crosswalk-nist-ai-rmf_iso42001.json": cw,
	} {
		b, err := marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", name, err)
		}
		out[name] = b
	}
	return out, nil
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// block is one "[ID]" entry of a guidance or extras file.
type block struct {
	ID     string
	Fields map[string]string
	Line   int
}

// readBlocks parses the "[ID]" / "key: value" format of the hand-written
// source files.
func readBlocks(r io.Reader, name string) ([]*block, error) {
	var out []*block
	var cur *block
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			cur = &block{ID: strings.TrimSpace(line[1 : len(line)-1]), Fields: map[string]string{}, Line: n}
			out = append(out, cur)
		default:
			key, val, ok := strings.Cut(line, ":")
			if !ok || cur == nil {
				return nil, fmt.Errorf("%s:%d: expected [ID] or key: value", name, n)
			}
			key = strings.TrimSpace(key)
			if _, dup := cur.Fields[key]; dup {
				return nil, fmt.Errorf("%s:%d: %s given twice for %s", name, n, key, cur.ID)
			}
			cur.Fields[key] = strings.TrimSpace(val)
		}
	}
	return out, sc.Err()
}

func readBlockFile(dir, name string) ([]*block, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBlocks(f, name)
}

// ISO builds the ISO/IEC 42001 catalog: IDs, kinds, parents and titles from
// iso42001-outline.tsv (facts), guidance from iso42001-guidance.txt (ours).
func ISO(dir string) (*aims.Framework, error) {
	b, err := os.ReadFile(filepath.Join(dir, "iso42001-outline.tsv"))
	if err != nil {
		return nil, err
	}
	guidance, err := readBlockFile(dir, "iso42001-guidance.txt")
	if err != nil {
		return nil, err
	}
	byID := map[string]*block{}
	for _, g := range guidance {
		if byID[g.ID] != nil {
			return nil, fmt.Errorf("iso42001-guidance.txt:%d: %s given twice", g.Line, g.ID)
		}
		byID[g.ID] = g
	}
	fw := &aims.Framework{
		ID: "iso42001", Title: "ISO/IEC 42001:2023 Information technology — Artificial intelligence — Management system",
		ShortTitle: "ISO/IEC 42001", Version: "2023", Publisher: "ISO/IEC",
		Source: "Clause and control IDs and titles of ISO/IEC 42001:2023 (facts). Guidance written by the aims project in its own words.",
		Licence: "ISO text is copyrighted and is not included. An organization that owns the standard may import its text (CSV or XLSX keyed by ID) into its own instance; " +
			"it is shown beside the guidance and exported only when asked.",
		CoverageKinds: []string{"control"},
		SoAKinds:      []string{"control"},
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i, line := range lines[1:] {
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			return nil, fmt.Errorf("iso42001-outline.tsv:%d: want 4 columns, got %d", i+2, len(cols))
		}
		r := &aims.Requirement{ID: cols[0], Kind: isoKind(cols[1]), Parent: cols[2], Title: cols[3]}
		g := byID[r.ID]
		if g == nil {
			return nil, fmt.Errorf("iso42001-guidance.txt: no guidance for %s %s", r.Kind, r.ID)
		}
		delete(byID, r.ID)
		r.Guidance = &aims.Guidance{Asks: g.Fields["asks"], Evidence: g.Fields["evidence"], Records: g.Fields["records"]}
		needAll := r.Kind == "clause" || r.Kind == "control"
		if r.Guidance.Asks == "" || needAll && (r.Guidance.Evidence == "" || r.Guidance.Records == "") {
			return nil, fmt.Errorf("iso42001-guidance.txt:%d: %s %s needs asks, evidence and records", g.Line, r.Kind, r.ID)
		}
		r.Citation = isoCitation(r)
		fw.Requirements = append(fw.Requirements, r)
	}
	for id, g := range byID {
		return nil, fmt.Errorf("iso42001-guidance.txt:%d: %s is not in the outline", g.Line, id)
	}
	// Annex C items have no parent in the outline; group them so that the
	// tree reads as the annex does.
	fw.Requirements = append(fw.Requirements,
		&aims.Requirement{ID: "C.2", Kind: "annex-c", Title: "Potential AI-related organizational objectives",
			Guidance: &aims.Guidance{Asks: "Objectives an organization may set for its AI management system, to consider when setting AI objectives and assessing risks (informative)."}, Citation: "ISO/IEC 42001:2023, Annex C.2"},
		&aims.Requirement{ID: "C.3", Kind: "annex-c", Title: "Possible sources of AI risk",
			Guidance: &aims.Guidance{Asks: "Sources of AI risk to consider when identifying risks (informative)."}, Citation: "ISO/IEC 42001:2023, Annex C.3"})
	for _, r := range fw.Requirements {
		if r.Parent == "" && strings.HasPrefix(r.ID, "C.2.") {
			r.Parent = "C.2"
		}
		if r.Parent == "" && strings.HasPrefix(r.ID, "C.3.") {
			r.Parent = "C.3"
		}
	}
	return fw, nil
}

// isoKind names the outline's kinds as aims does.
func isoKind(k string) string {
	switch k {
	case "objective-source":
		return "objective-c" // an Annex C organizational objective
	case "risk-source":
		return "risk-source"
	}
	return k
}

func isoCitation(r *aims.Requirement) string {
	switch {
	case strings.HasPrefix(r.ID, "A."):
		return "ISO/IEC 42001:2023, Annex A, " + r.ID
	case strings.HasPrefix(r.ID, "C."):
		return "ISO/IEC 42001:2023, Annex C, " + r.ID
	}
	return "ISO/IEC 42001:2023, clause " + r.ID
}
