package mlflow

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
		wantMetrics []CandidateMetric
		wantDataset string
	}{
		{"digest from aims.digest, with run, tags and metrics as records",
			ModelVersion{Name: "opt", Version: "7", Source: "s3://m/7", RunID: "r7", Tags: []Tag{{"aims.digest", d}, {"team", "process"}}},
			[]Metric{{"rmse", 0.4}, {"mae", 0.31}}, d, false,
			[]string{"model opt version 7, run r7", "Tags: aims.digest=" + d + ", team=process."},
			[]CandidateMetric{{"mae", 0.31, ""}, {"rmse", 0.4, ""}}, ""},
		{"units and the dataset from tags",
			ModelVersion{Name: "opt", Version: "11", RunID: "r11", Tags: []Tag{{"aims.digest", d}, {"aims.unit.mae", " kg/t "}, {"aims.dataset", "Line 2 hold-out"}}},
			[]Metric{{"mae", 0.29}, {"r2", 0.9}}, d, false, nil,
			[]CandidateMetric{{"mae", 0.29, "kg/t"}, {"r2", 0.9, ""}}, "Line 2 hold-out"},
		{"a sha256: prefix and upper case are accepted", ModelVersion{Name: "opt", Version: "8", Tags: []Tag{{"sha256", "SHA256:" + strings.ToUpper(d)}}},
			nil, d, false, []string{"model opt version 8."}, nil, ""},
		{"no digest tag", ModelVersion{Name: "opt", Version: "9"}, nil, "", true, nil, nil, ""},
		{"a digest that is not SHA-256", ModelVersion{Name: "opt", Version: "10", Tags: []Tag{{"digest", "md5:abc"}}}, nil, "md5:abc", true, nil, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, problem := CandidateOf(tc.mv, tc.metrics)
			if (problem != "") != tc.wantProblem || c.Digest != tc.wantDigest || c.Version != tc.mv.Name+"/"+tc.mv.Version {
				t.Fatalf("CandidateOf = %+v, %q", c, problem)
			}
			if tc.wantProblem {
				return
			}
			if diff := cmp.Diff(tc.wantMetrics, c.Metrics); diff != "" || c.Dataset != tc.wantDataset {
				t.Errorf("metrics (-want +got):\n%s; dataset %q, want %q", diff, c.Dataset, tc.wantDataset)
			}
			if strings.Contains(c.Notes, "metrics") {
				t.Errorf("notes %q still carry the metrics as text", c.Notes)
			}
			for _, w := range tc.wantNotes {
				if !strings.Contains(c.Notes, w) {
					t.Errorf("notes %q lack %q", c.Notes, w)
				}
			}
		})
	}
}
