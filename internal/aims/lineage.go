package aims

import (
	"encoding/json"
	"time"
)

// LineageRef names a lineage record by id and name. On input (a model
// version's features, a dataset's or a feature's tags) only the id counts.
type LineageRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// RefsOf turns ids into references without names, for input.
func RefsOf(ids []string) []LineageRef {
	out := make([]LineageRef, len(ids))
	for i, id := range ids {
		out[i] = LineageRef{ID: id}
	}
	return out
}

// RefIDs lists the ids of refs.
func RefIDs(refs []LineageRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.ID
	}
	return out
}

func normalizeRefs(refs []LineageRef) []LineageRef {
	out := make([]LineageRef, len(refs))
	for i, r := range refs {
		out[i] = LineageRef{ID: CleanText(r.ID), Name: r.Name}
	}
	return out
}

// ValidateRefs checks a list of references by id: each is given, none is
// repeated, at most maxItems. Problems are named field/INDEX.
func ValidateRefs(v *Validation, field string, refs []LineageRef, maxItems int) {
	if len(refs) > maxItems {
		v.Add(field, "at most %d entries", maxItems)
	}
	seen := map[string]bool{}
	for i, r := range refs {
		switch {
		case r.ID == "":
			v.Add(field+"/"+itoa(i), "is required: an id")
		case seen[r.ID]:
			v.Add(field+"/"+itoa(i), "is listed twice")
		}
		seen[r.ID] = true
	}
}

// Period is the half-open time interval [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// OpenStart and OpenEnd stand in for the ends of a period that records do
// not bound: the out-of-calibration period of an instrument never
// calibrated has neither, one after its last calibration expired has no
// end.
var (
	OpenStart = time.Unix(0, 0).UTC()
	OpenEnd   = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// StartsOpen reports whether the period has no recorded start.
func (p Period) StartsOpen() bool { return !p.From.After(OpenStart) }

// EndsOpen reports whether the period has no recorded end.
func (p Period) EndsOpen() bool { return !p.To.Before(OpenEnd) }

// Empty reports whether the period holds no instant.
func (p Period) Empty() bool { return !p.To.After(p.From) }

// periodJSON is a Period on the wire: an open end is null, not the
// stand-in time.
type periodJSON struct {
	From *time.Time `json:"from"`
	To   *time.Time `json:"to"`
}

// MarshalJSON writes an end the records do not bound as null.
func (p Period) MarshalJSON() ([]byte, error) {
	var w periodJSON
	if !p.StartsOpen() {
		w.From = &p.From
	}
	if !p.EndsOpen() {
		w.To = &p.To
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a null end as open.
func (p *Period) UnmarshalJSON(b []byte) error {
	var w periodJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.From, p.To = OpenStart, OpenEnd
	if w.From != nil {
		p.From = w.From.UTC()
	}
	if w.To != nil {
		p.To = w.To.UTC()
	}
	return nil
}

// Contains reports whether t is in [From, To).
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// DatasetWindow turns a dataset's date window into a period: [start 00:00
// UTC, end + 1 day 00:00 UTC). It reports false when either bound is
// missing.
func DatasetWindow(start, end *Date) (Period, bool) {
	if start == nil || end == nil || start.IsZero() || end.IsZero() {
		return Period{}, false
	}
	return Period{From: start.UTC(), To: end.UTC().AddDate(0, 0, 1)}, true
}

// LineageGraph is the chain instrument -> tag -> feature -> model version
// -> decision (with datasets beside the model version), drawn as a graph
// (ISO/IEC 42001 A.7.5). Nodes come ordered by kind as
// LineageNodeKindValues lists them, then by label.
type LineageGraph struct {
	Nodes []LineageNode `json:"nodes" nullable:"false"`
	Edges []LineageEdge `json:"edges" nullable:"false"`
}

// LineageNode is one record in a lineage graph. ID is "KIND:RECORD_ID".
type LineageNode struct {
	ID     string          `json:"id" doc:"KIND:RECORD_ID, e.g. tag:0190…"`
	Kind   LineageNodeKind `json:"kind" enum:"instrument,tag,feature,dataset,model_version,decision"`
	Label  string          `json:"label"`
	Detail string          `json:"detail" doc:"Short text: a unit, a calibration state, a window"`
	Flags  []string        `json:"flags" nullable:"false" doc:"out_of_calibration, never_calibrated, quality_caveat, undeclared_tag"`
}

// LineageEdge says that From feeds To (node ids).
type LineageEdge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// The flags a lineage node may carry.
const (
	// FlagOutOfCalibration marks an instrument not covered by a calibration
	// (now, or at the decision's time, or for part of a training window).
	FlagOutOfCalibration = "out_of_calibration"
	// FlagNeverCalibrated marks an instrument that needs calibration and has
	// no calibration record.
	FlagNeverCalibrated = "never_calibrated"
	// FlagQualityCaveat marks a tag with known quality caveats.
	FlagQualityCaveat = "quality_caveat"
	// FlagUndeclaredTag marks a decision input that is not a declared tag
	// of the organization.
	FlagUndeclaredTag = "undeclared_tag"
)

// NodeID makes a lineage node id.
func NodeID(kind LineageNodeKind, id string) string { return string(kind) + ":" + id }

// LineageNodeKind is the kind of record a lineage node stands for.
type LineageNodeKind string

// The node kinds, in the order of the graph's columns.
const (
	NodeInstrument   LineageNodeKind = "instrument"
	NodeTag          LineageNodeKind = "tag"
	NodeFeature      LineageNodeKind = "feature"
	NodeDataset      LineageNodeKind = "dataset"
	NodeModelVersion LineageNodeKind = "model_version"
	NodeDecision     LineageNodeKind = "decision"
)

// LineageNodeKindValues lists the node kinds in column order.
func LineageNodeKindValues() []LineageNodeKind {
	return []LineageNodeKind{NodeInstrument, NodeTag, NodeFeature, NodeDataset, NodeModelVersion, NodeDecision}
}

// IsValid reports whether k is a known node kind.
func (k LineageNodeKind) IsValid() bool { return enumValid(k, LineageNodeKindValues()) }

// Title is the kind's name for people.
func (k LineageNodeKind) Title() string { return titleOf(string(k)) }

// CalibrationExposure is a model version whose training window overlaps a
// period in which one of its input instruments was out of calibration: an
// instrument producing a tag that the training dataset declares.
type CalibrationExposure struct {
	SystemID       string       `json:"system_id"`
	SystemName     string       `json:"system_name"`
	ModelVersionID string       `json:"model_version_id"`
	Version        string       `json:"version"`
	DatasetID      string       `json:"dataset_id"`
	DatasetName    string       `json:"dataset_name"`
	Window         Period       `json:"window" doc:"The training dataset's window"`
	InstrumentID   string       `json:"instrument_id"`
	InstrumentName string       `json:"instrument_name"`
	Tags           []LineageRef `json:"tags" nullable:"false" doc:"The instrument's tags the dataset declares"`
	Periods        []Period     `json:"periods" nullable:"false" doc:"Out of calibration within the window"`
}

// OutOfCalibrationDecision is a decision made while an instrument whose tag
// was one of its inputs was out of calibration.
type OutOfCalibrationDecision struct {
	ID             string      `json:"id"`
	SystemID       string      `json:"system_id"`
	SystemName     string      `json:"system_name"`
	LogIndex       uint64      `json:"log_index"`
	DecidedAt      time.Time   `json:"decided_at"`
	ModelVersion   string      `json:"model_version" doc:"The model version as the event named it"`
	Human          HumanAction `json:"human" enum:"none,approved,overridden"`
	Overridden     bool        `json:"overridden"`
	InstrumentID   string      `json:"instrument_id"`
	InstrumentName string      `json:"instrument_name"`
	Tag            string      `json:"tag"`
	Period         Period      `json:"period" doc:"The out-of-calibration period the decision falls in"`
}

// OutOfCalibrationDecisionFilter selects out-of-calibration decisions. A
// zero From or To leaves that end open.
type OutOfCalibrationDecisionFilter struct {
	SystemID     string
	InstrumentID string // one instrument's decisions only
	From         time.Time
	To           time.Time
	Page
}

// LineageOrphans are loose ends of the lineage records: tags no model
// version uses (neither through a feature it consumes nor a dataset it was
// trained, validated, tested or operated with), features without a tag, and
// instruments that need calibration and have none in force now.
type LineageOrphans struct {
	UnusedTags                           []*Tag        `json:"unused_tags" nullable:"false"`
	FeaturesWithoutTags                  []*Feature    `json:"features_without_tags" nullable:"false"`
	InstrumentsWithoutCurrentCalibration []*Instrument `json:"instruments_without_current_calibration" nullable:"false"`
	// The totals: each list holds at most MaxLimit records.
	UnusedTagsTotal                           int `json:"unused_tags_total"`
	FeaturesWithoutTagsTotal                  int `json:"features_without_tags_total"`
	InstrumentsWithoutCurrentCalibrationTotal int `json:"instruments_without_current_calibration_total"`
}

// LineageKind names the lists that import and export as CSV.
type LineageKind string

// The lineage CSV kinds.
const (
	LineageInstruments LineageKind = "instruments"
	LineageTags        LineageKind = "tags"
	LineageFeatures    LineageKind = "features"
)

// LineageKindValues lists the CSV kinds.
func LineageKindValues() []LineageKind {
	return []LineageKind{LineageInstruments, LineageTags, LineageFeatures}
}

// IsValid reports whether k is a known CSV kind.
func (k LineageKind) IsValid() bool { return enumValid(k, LineageKindValues()) }
