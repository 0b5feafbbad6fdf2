package build

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

var nistLine = regexp.MustCompile(`^(GOVERN|MAP|MEASURE|MANAGE) (\d+)(?:\.(\d+))?: (.+)$`)

// NIST builds the NIST AI RMF 1.0 catalog: the core's categories and
// subcategories with their text from nist-ai-rmf-1.0-core.txt (NIST AI
// 100-1, public domain), and the functions, trustworthiness characteristics
// and generative-AI risks from nist-ai-rmf-extras.txt.
func NIST(dir string) (*aims.Framework, error) {
	extras, err := readBlockFile(dir, "nist-ai-rmf-extras.txt")
	if err != nil {
		return nil, err
	}
	core, err := os.ReadFile(filepath.Join(dir, "nist-ai-rmf-1.0-core.txt"))
	if err != nil {
		return nil, err
	}
	fw := &aims.Framework{
		ID: "nist-ai-rmf", Title: "NIST AI Risk Management Framework 1.0 (NIST AI 100-1), with the Generative AI Profile (NIST AI 600-1)",
		ShortTitle: "NIST AI RMF", Version: "1.0", Publisher: "National Institute of Standards and Technology",
		Source: "NIST AI 100-1, Artificial Intelligence Risk Management Framework (AI RMF 1.0), January 2023, https://doi.org/10.6028/NIST.AI.100-1; " +
			"NIST AI 600-1, Generative Artificial Intelligence Profile, July 2024, https://doi.org/10.6028/NIST.AI.600-1.",
		Licence:       "Works of the US government are in the public domain. Core texts are NIST's wording; functions, characteristics and generative-AI risks are summarized, citing the section.",
		CoverageKinds: []string{"subcategory"},
		SoAKinds:      []string{"subcategory"},
	}
	byID := map[string]*block{}
	for _, b := range extras {
		byID[b.ID] = b
	}
	req := func(b *block) *aims.Requirement {
		return &aims.Requirement{ID: b.ID, Parent: b.Fields["parent"], Kind: b.Fields["kind"], Title: b.Fields["title"],
			Text: b.Fields["text"], Citation: b.Fields["citation"]}
	}
	for _, f := range []string{"GOVERN", "MAP", "MEASURE", "MANAGE"} {
		b := byID[f]
		if b == nil {
			return nil, fmt.Errorf("nist-ai-rmf-extras.txt: function %s missing", f)
		}
		fw.Requirements = append(fw.Requirements, req(b))
		for i, line := range strings.Split(string(core), "\n") {
			m := nistLine.FindStringSubmatch(strings.TrimSpace(line))
			if strings.TrimSpace(line) == "" {
				continue
			}
			if m == nil {
				return nil, fmt.Errorf("nist-ai-rmf-1.0-core.txt:%d: not a category or subcategory line", i+1)
			}
			if m[1] != f {
				continue
			}
			r := &aims.Requirement{Text: m[4], Citation: "NIST AI 100-1, Table " + nistTable[f]}
			if m[3] == "" {
				r.ID, r.Parent, r.Kind = f+" "+m[2], f, "category"
			} else {
				r.ID, r.Parent, r.Kind = f+" "+m[2]+"."+m[3], f+" "+m[2], "subcategory"
			}
			r.Title = shortTitle(r.Text)
			fw.Requirements = append(fw.Requirements, r)
		}
	}
	for _, b := range extras {
		if b.Fields["kind"] != "function" {
			fw.Requirements = append(fw.Requirements, req(b))
		}
	}
	return fw, nil
}

// nistTable names the AI 100-1 table that lists each function's categories.
var nistTable = map[string]string{"GOVERN": "1", "MAP": "2", "MEASURE": "3", "MANAGE": "4"}

// shortTitle makes a title for lists out of a NIST outcome statement: its
// first sentence, cut at a word boundary.
func shortTitle(text string) string {
	s := text
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, ".")
	const max = 110
	if r := []rune(s); len(r) > max {
		cut := string(r[:max])
		if i := strings.LastIndex(cut, " "); i > 60 {
			cut = cut[:i]
		}
		s = strings.TrimRight(cut, " ,;–-") + "…"
	}
	return s
}

// airc is the shape of nist-airmf-to-iso42001-crosswalk.json.
type airc struct {
	Source       string `json:"source"`
	Relationship string `json:"relationship"`
	Pairs        []struct {
		NIST    string `json:"nist_ai_rmf"`
		ISO     string `json:"iso42001"`
		Title   string `json:"title_in_source"`
		Anomaly string `json:"anomaly"`
	} `json:"pairs"`
}

// correction is how aims reads a pair the source got wrong. Each anomaly the
// source data flags must have one, so that a new anomaly is not passed over.
type correction struct {
	target string // the ISO requirement the pair is read as
	flag   string
}

var corrections = map[string]correction{
	"GOVERN 2.1 7.2": {"7.2", "The source row prints '72'. There is no clause 72, and the row's title, 'Competence', is clause 7.2's: read as 7.2."},
	"GOVERN 3.2 A.3.2": {"A.3.2", "The source row titles A.3.2 'Management review inputs' (the title of clause 9.3.2). Kept A.3.2: " +
		"GOVERN 3.2 asks for roles and responsibilities in human-AI configurations, which is A.3.2's subject (AI roles and responsibilities); the title is the error."},
	"MAP 1.4 A.2.2": {"A.10.4", "The source row gives A.2.2 (AI policy) with the title 'Customers', which is A.10.4's. " +
		"MAP 1.4 (the business value and context of use are defined) matches A.10.4 (customers' expectations and needs) rather than the AI policy, which other pairs already cover: corrected to A.10.4."},
	"MAP 1.5 6.1.1": {"6.1.1", "The source row titles 6.1.1 'Objective'; 6.1.1 is 'General' (actions to address risks and opportunities). Kept 6.1.1: " +
		"MAP 1.5 (risk tolerances are determined) matches the risk criteria that 6.1.1 asks for; the title is the error."},
}

// NISTCrosswalk builds the NIST AI RMF to ISO/IEC 42001 crosswalk from the
// AIRC pairs, with the source's anomalies corrected and flagged. Every pair
// must name requirements that exist in nist and iso.
func NISTCrosswalk(dir string, iso, nist *aims.Framework) (*aims.Crosswalk, error) {
	b, err := os.ReadFile(filepath.Join(dir, "nist-airmf-to-iso42001-crosswalk.json"))
	if err != nil {
		return nil, err
	}
	var src airc
	if err := json.Unmarshal(b, &src); err != nil {
		return nil, fmt.Errorf("nist-airmf-to-iso42001-crosswalk.json: %w", err)
	}
	has := func(fw *aims.Framework, id string) bool {
		for _, r := range fw.Requirements {
			if r.ID == id {
				return true
			}
		}
		return false
	}
	cw := &aims.Crosswalk{
		ID: "nist-ai-rmf_iso42001", Title: "NIST AI RMF 1.0 to ISO/IEC 42001:2023", From: nist.ID, To: iso.ID,
		Source: src.Source, Official: true,
		Note: "Published on the NIST AI Resource Center. The source gives no relationship finer than 'related'. " +
			"Four rows where the source's ID and title disagree are corrected and flagged; titles shown are aims' catalog titles.",
	}
	seen := map[string]bool{}
	for i, p := range src.Pairs {
		m := &aims.Mapping{Source: p.NIST, Target: p.ISO, Relationship: aims.RelRelated}
		if p.Anomaly != "" {
			c, ok := corrections[p.NIST+" "+p.ISO]
			if !ok {
				return nil, fmt.Errorf("pair %d (%s -> %s) is flagged in the source data (%s) but has no correction", i, p.NIST, p.ISO, p.Anomaly)
			}
			m.Flag = c.flag
			if c.target != p.ISO {
				m.Target, m.SourceReading = c.target, p.ISO
			}
		}
		if !has(nist, m.Source) {
			return nil, fmt.Errorf("pair %d: %s is not a NIST AI RMF requirement", i, m.Source)
		}
		if !has(iso, m.Target) {
			return nil, fmt.Errorf("pair %d: %s is not an ISO/IEC 42001 requirement", i, m.Target)
		}
		key := m.Source + " " + m.Target
		if seen[key] {
			return nil, fmt.Errorf("pair %d: %s -> %s is listed twice", i, m.Source, m.Target)
		}
		seen[key] = true
		cw.Pairs = append(cw.Pairs, m)
	}
	return cw, nil
}
