package mlflow

import (
	"strings"
	"testing"
)

func TestCandidateOf(t *testing.T) {
	t.Parallel()
	d := strings.Repeat("a", 64)
	tests := []struct {
		name        string
		mv          ModelVersion
		metrics     []Metric
		wantDigest  string
		wantProblem bool
		wantNotes   []string
	}{
		{"digest from aims.digest, with run, tags and metrics",
			ModelVersion{Name: "opt", Version: "7", Source: "s3://m/7", RunID: "r7", Tags: []Tag{{"aims.digest", d}, {"team", "process"}}},
			[]Metric{{"rmse", 0.4}, {"mae", 0.31}}, d, false,
			[]string{"model opt version 7, run r7", "Tags: aims.digest=" + d + ", team=process.", "Run metrics: mae=0.31, rmse=0.4."}},
		{"a sha256: prefix and upper case are accepted", ModelVersion{Name: "opt", Version: "8", Tags: []Tag{{"sha256", "SHA256:" + strings.ToUpper(d)}}},
			nil, d, false, []string{"model opt version 8."}},
		{"no digest tag", ModelVersion{Name: "opt", Version: "9"}, nil, "", true, nil},
		{"a digest that is not SHA-256", ModelVersion{Name: "opt", Version: "10", Tags: []Tag{{"digest", "md5:abc"}}}, nil, "md5:abc", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, problem := CandidateOf(tc.mv, tc.metrics)
			if (problem != "") != tc.wantProblem || c.Digest != tc.wantDigest || c.Version != tc.mv.Name+"/"+tc.mv.Version {
				t.Fatalf("CandidateOf = %+v, %q", c, problem)
			}
			for _, w := range tc.wantNotes {
				if !strings.Contains(c.Notes, w) {
					t.Errorf("notes %q lack %q", c.Notes, w)
				}
			}
		})
	}
}
