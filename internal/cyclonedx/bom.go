package cyclonedx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"

	"github.com/aimsproject/aims/internal/aims"
)

// Model is what a model version's ML-BOM says: the model, the AI system
// it serves, the datasets behind it, what validation found, and the
// considerations of the system's impact assessment.
type Model struct {
	SystemName          string
	Supplier            string // the system's supplier, if any
	Version             string
	Digest              string // SHA-256, hex
	SourceURI           string
	Status              string
	Notes               string
	TrainingDataSummary string
	Datasets            []Dataset
	// Metrics are the model version's validation metrics, as records.
	Metrics []Metric
	// Overrides say, one each, that an admin moved the model version past
	// a gate whose checks did not all hold, and why (property
	// aims:gate-override, in every export).
	Overrides []string
	// Serial is the BOM's serial number, read on import.
	Serial string
	// Considerations come from the signed-off impact assessment.
	UseCases             []string
	TechnicalLimitations []string
	Ethical              []Consideration
}

// Dataset is a dataset the model version was trained, validated or
// tested on.
type Dataset struct {
	Name        string
	Purpose     string // training, validation, test, ...
	Description string
	// Pointer is where an imported document names it.
	Pointer string
}

// Metric is one validation metric: written as a performance metric whose
// type is the metric's name, whose value is the number followed by its
// unit ("0.31 kg/t") and whose slice is the dataset it was measured on.
type Metric struct {
	Name    string
	Value   float64
	Unit    string
	Dataset string
	// Criterion is the acceptance criterion it is held to, for people
	// ("mae <= 0.35 kg/t"); written as the model's property
	// aims:acceptance-criterion/<index>, not read back (criteria are the
	// organization's own).
	Criterion string
	// Pointer is where an imported document gives it.
	Pointer string
}

// Consideration is an ethical consideration with its mitigation.
type Consideration struct {
	Name, Mitigation string
}

// The property names aims writes and reads back.
const (
	propSource    = "aims:source-uri"
	propStatus    = "aims:status"
	propSummary   = "aims:training-data-summary"
	propPurpose   = "aims:dataset-purpose"
	propSystem    = "aims:ai-system"
	propOverride  = "aims:gate-override"
	propCriterion = "aims:acceptance-criterion/"
	toolName      = "aims"
	modelRefBase  = "model:"
	dataRefBase   = "dataset:"
)

// Encode writes m as a CycloneDX 1.6 JSON BOM made at the time at.
func Encode(w io.Writer, m Model, at time.Time) error {
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + uuid.NewString()
	model := cdx.Component{
		BOMRef: modelRefBase + m.Digest, Type: cdx.ComponentTypeMachineLearningModel,
		Name: m.SystemName, Version: m.Version, Description: m.Notes,
		Hashes: &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: m.Digest}},
	}
	if m.Supplier != "" {
		model.Supplier = &cdx.OrganizationalEntity{Name: m.Supplier}
	}
	props := []cdx.Property{{Name: propSystem, Value: m.SystemName}}
	for _, p := range [][2]string{{propStatus, m.Status}, {propSource, m.SourceURI}, {propSummary, m.TrainingDataSummary}} {
		if p[1] != "" {
			props = append(props, cdx.Property{Name: p[0], Value: p[1]})
		}
	}
	for _, o := range m.Overrides {
		props = append(props, cdx.Property{Name: propOverride, Value: o})
	}
	for i, x := range m.Metrics {
		if x.Criterion != "" {
			props = append(props, cdx.Property{Name: propCriterion + strconv.Itoa(i), Value: x.Criterion})
		}
	}
	model.Properties = &props
	card := &cdx.MLModelCard{BOMRef: "model-card:" + m.Digest}
	var components []cdx.Component
	var refs []cdx.MLDatasetChoice
	for i, d := range m.Datasets {
		ref := fmt.Sprintf("%s%d", dataRefBase, i+1)
		c := cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeData, Name: d.Name, Description: d.Description,
			Data: &[]cdx.ComponentData{{Type: cdx.ComponentDataTypeDataset, Name: d.Name, Description: d.Description}}}
		if d.Purpose != "" {
			c.Properties = &[]cdx.Property{{Name: propPurpose, Value: d.Purpose}}
		}
		components = append(components, c)
		refs = append(refs, cdx.MLDatasetChoice{Ref: ref})
	}
	if len(refs) > 0 {
		card.ModelParameters = &cdx.MLModelParameters{Datasets: &refs}
	}
	if len(m.Metrics) > 0 {
		var pm []cdx.MLPerformanceMetric
		for _, x := range m.Metrics {
			pm = append(pm, cdx.MLPerformanceMetric{Type: x.Name, Value: MetricValue(x.Value, x.Unit), Slice: x.Dataset})
		}
		card.QuantitativeAnalysis = &cdx.MLQuantitativeAnalysis{PerformanceMetrics: &pm}
	}
	var cons cdx.MLModelCardConsiderations
	any := false
	if len(m.UseCases) > 0 {
		cons.UseCases, any = &m.UseCases, true
	}
	if len(m.TechnicalLimitations) > 0 {
		cons.TechnicalLimitations, any = &m.TechnicalLimitations, true
	}
	if len(m.Ethical) > 0 {
		var ec []cdx.MLModelCardEthicalConsideration
		for _, e := range m.Ethical {
			ec = append(ec, cdx.MLModelCardEthicalConsideration{Name: e.Name, MitigationStrategy: e.Mitigation})
		}
		cons.EthicalConsiderations, any = &ec, true
	}
	if any {
		card.Considerations = &cons
	}
	model.ModelCard = card
	bom.Metadata = &cdx.Metadata{
		Timestamp: at.UTC().Format(time.RFC3339),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: toolName}}},
		Component: &model,
	}
	if len(components) > 0 {
		bom.Components = &components
	}
	bom.Dependencies = &[]cdx.Dependency{{Ref: model.BOMRef, Dependencies: datasetRefs(refs)}}
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

func datasetRefs(refs []cdx.MLDatasetChoice) *[]string {
	if len(refs) == 0 {
		return nil
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Ref
	}
	return &out
}

// maxDocument is the largest document Decode reads.
const maxDocument = 4 << 20

// Decode validates doc against the CycloneDX 1.6 schema and reads the
// model version it describes: the first machine-learning-model component
// (the metadata's, else the first among the components) with its version,
// SHA-256 hash, description and datasets. What is missing or invalid is
// an invalid-kind error naming each offending place by its JSON pointer.
func Decode(doc []byte) (*Model, error) {
	if len(doc) > maxDocument {
		return nil, &aims.Error{Kind: aims.KindTooLarge, Message: fmt.Sprintf("the document is larger than %d MiB", maxDocument>>20)}
	}
	if err := Validate(doc); err != nil {
		return nil, err
	}
	var head struct {
		SpecVersion string `json:"specVersion"`
	}
	if err := json.Unmarshal(doc, &head); err != nil || head.SpecVersion != "1.6" {
		return nil, &aims.Error{Kind: aims.KindInvalid, Message: "only CycloneDX 1.6 documents are read",
			Fields: []aims.FieldError{{Field: "specVersion", Detail: "must be 1.6"}}}
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(doc), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, &aims.Error{Kind: aims.KindInvalid, Message: "the document cannot be read as a CycloneDX BOM: " + err.Error()}
	}
	model, ptr := findModel(&bom)
	if model == nil {
		return nil, &aims.Error{Kind: aims.KindInvalid, Message: "the BOM has no machine-learning-model component",
			Fields: []aims.FieldError{{Field: "components", Detail: "must hold a component of type machine-learning-model"}}}
	}
	var v aims.Validation
	m := &Model{SystemName: model.Name, Version: model.Version, Notes: model.Description, Serial: bom.SerialNumber}
	if m.Version == "" {
		v.Add(ptr+"/version", "is required: the model version's name in aims")
	}
	if model.Hashes != nil {
		for _, h := range *model.Hashes {
			if h.Algorithm == cdx.HashAlgoSHA256 {
				m.Digest = h.Value
			}
		}
	}
	if m.Digest == "" {
		v.Add(ptr+"/hashes", "must hold the SHA-256 of the model artifact")
	}
	m.SourceURI, m.TrainingDataSummary = property(model.Properties, propSource), property(model.Properties, propSummary)
	byRef := map[string]int{}
	if bom.Components != nil {
		for i, c := range *bom.Components {
			if c.BOMRef != "" {
				byRef[c.BOMRef] = i
			}
		}
	}
	if card := model.ModelCard; card != nil && card.ModelParameters != nil && card.ModelParameters.Datasets != nil {
		for i, d := range *card.ModelParameters.Datasets {
			p := fmt.Sprintf("%s/modelCard/modelParameters/datasets/%d", ptr, i)
			switch {
			case d.ComponentData != nil:
				m.Datasets = append(m.Datasets, Dataset{Name: d.ComponentData.Name, Purpose: "training", Description: d.ComponentData.Description, Pointer: p})
			case d.Ref != "":
				j, ok := byRef[d.Ref]
				if !ok {
					v.Add(p+"/ref", "names no component of the BOM")
					continue
				}
				c := (*bom.Components)[j]
				purpose := property(c.Properties, propPurpose)
				if purpose == "" {
					purpose = "training"
				}
				m.Datasets = append(m.Datasets, Dataset{Name: c.Name, Purpose: purpose, Description: c.Description,
					Pointer: fmt.Sprintf("components/%d/name", j)})
			}
		}
	}
	if card := model.ModelCard; card != nil && card.QuantitativeAnalysis != nil && card.QuantitativeAnalysis.PerformanceMetrics != nil {
		for i, x := range *card.QuantitativeAnalysis.PerformanceMetrics {
			p := fmt.Sprintf("%s/modelCard/quantitativeAnalysis/performanceMetrics/%d", ptr, i)
			name := strings.TrimSpace(x.Type)
			if name == "" {
				v.Add(p+"/type", "is required: the metric's name, e.g. mae")
			}
			value, unit, ok := ParseMetricValue(x.Value)
			if !ok {
				v.Add(p+"/value", "must be a finite number, optionally followed by its unit, e.g. 0.31 kg/t")
			}
			m.Metrics = append(m.Metrics, Metric{Name: name, Value: value, Unit: unit, Dataset: strings.TrimSpace(x.Slice), Pointer: p})
		}
	}
	if model.Properties != nil {
		for _, p := range *model.Properties {
			if p.Name == propOverride {
				m.Overrides = append(m.Overrides, p.Value)
			}
		}
	}
	return m, v.Err()
}

// MetricValue writes a metric's value with its unit: "0.31 kg/t", "0.92".
func MetricValue(value float64, unit string) string {
	s := strconv.FormatFloat(value, 'g', -1, 64)
	if unit != "" {
		s += " " + unit
	}
	return s
}

var metricValue = regexp.MustCompile(`^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$`)

// ParseMetricValue reads a performance metric's value as MetricValue
// writes it: a finite number, then its unit if any ("95%" is 95 with the
// unit %). ok is false when the value does not start with a number.
func ParseMetricValue(s string) (value float64, unit string, ok bool) {
	g := metricValue.FindStringSubmatch(s)
	if g == nil {
		return 0, "", false
	}
	value, err := strconv.ParseFloat(g[1], 64)
	if err != nil || math.IsInf(value, 0) || math.IsNaN(value) {
		return 0, "", false
	}
	return value, g[2], true
}

// findModel returns the BOM's model component and its JSON pointer.
func findModel(bom *cdx.BOM) (*cdx.Component, string) {
	if bom.Metadata != nil && bom.Metadata.Component != nil && bom.Metadata.Component.Type == cdx.ComponentTypeMachineLearningModel {
		return bom.Metadata.Component, "metadata/component"
	}
	if bom.Components != nil {
		for i := range *bom.Components {
			if c := &(*bom.Components)[i]; c.Type == cdx.ComponentTypeMachineLearningModel {
				return c, fmt.Sprintf("components/%d", i)
			}
		}
	}
	return nil, ""
}

func property(props *[]cdx.Property, name string) string {
	if props == nil {
		return ""
	}
	for _, p := range *props {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}
