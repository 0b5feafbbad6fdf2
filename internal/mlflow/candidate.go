package mlflow

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// DigestTags are the model version tags read as the SHA-256 of the model
// artifact, first found first; MLflow itself records no digest.
var DigestTags = []string{"aims.digest", "sha256", "digest"}

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Candidate is an MLflow model version as aims registers it: a candidate
// named after the registered model and its version number.
type Candidate struct {
	Version string // "setpoint-optimizer/7"
	Digest  string
	Source  string
	RunID   string
	Notes   string
	// Metrics are the run's metrics, by name, each with the unit the
	// model version's tag aims.unit.<name> gives.
	Metrics []CandidateMetric
	// Dataset names the dataset the run's metrics were measured on, from
	// the tag aims.dataset; MLflow records none per metric.
	Dataset string
}

// CandidateMetric is one run metric as aims records it: a validation
// metric of the candidate (ISO/IEC 42001 A.6.2.4).
type CandidateMetric struct {
	Name  string
	Value float64
	Unit  string
}

// The model version tags that say what MLflow does not: the unit of a
// metric (UnitTagPrefix + its name, e.g. aims.unit.mae = kg/t) and the
// dataset the run's metrics were measured on (the name of a dataset
// registered in aims).
const (
	UnitTagPrefix = "aims.unit."
	DatasetTag    = "aims.dataset"
)

// VersionName is the aims name of version v of registered model name.
func VersionName(name, v string) string { return name + "/" + v }

// CandidateOf turns an MLflow model version and its run's metrics into a
// candidate; problem says why it cannot be one (no digest tag). The
// metrics become records, not notes.
func CandidateOf(mv ModelVersion, metrics []Metric) (c Candidate, problem string) {
	c = Candidate{Version: VersionName(mv.Name, mv.Version), Source: mv.Source, RunID: mv.RunID}
	tags := map[string]string{}
	for _, t := range mv.Tags {
		tags[t.Key] = t.Value
	}
	for _, k := range DigestTags {
		if v := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(tags[k])), "sha256:"); v != "" {
			c.Digest = v
			break
		}
	}
	if !hex64.MatchString(c.Digest) {
		return c, fmt.Sprintf("%s has no SHA-256 of its artifact: tag it %s with 64 hexadecimal characters", c.Version, DigestTags[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Registered from MLflow: model %s version %s", mv.Name, mv.Version)
	if mv.RunID != "" {
		fmt.Fprintf(&b, ", run %s", mv.RunID)
	}
	b.WriteString(".")
	if mv.Description != "" {
		b.WriteString("\n" + mv.Description)
	}
	if len(mv.Tags) > 0 {
		var kv []string
		for _, t := range mv.Tags {
			kv = append(kv, t.Key+"="+t.Value)
		}
		sort.Strings(kv)
		b.WriteString("\nTags: " + strings.Join(kv, ", ") + ".")
	}
	c.Notes = b.String()
	c.Dataset = strings.TrimSpace(tags[DatasetTag])
	for _, m := range metrics {
		c.Metrics = append(c.Metrics, CandidateMetric{Name: m.Key, Value: m.Value, Unit: strings.TrimSpace(tags[UnitTagPrefix+m.Key])})
	}
	sort.Slice(c.Metrics, func(i, j int) bool { return c.Metrics[i].Name < c.Metrics[j].Name })
	return c, ""
}
