package aims

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// EntityDecision is how the audit trail names a decision event (its
// erasure is recorded; the event itself is sealed in the log directly).
const EntityDecision = "decision"

// MaxDecisionEventBytes is the largest single decision event accepted (one
// JSON object, or one NDJSON line).
const MaxDecisionEventBytes = 64 << 10

// DecisionEvent is what an AI system's gateway or service posts about one
// decision it made (ISO/IEC 42001 A.6.2.8 event logs; EU AI Act Art. 12
// record-keeping and 26(6) logs kept by deployers). It is kept as sent:
// the raw JSON is the payload, sealed in the log by a salted digest.
type DecisionEvent struct {
	// ModelVersion names the model version that decided, by its label
	// ("2.3.0") or the digest of its artifact ("sha256:…").
	ModelVersion string `json:"model_version" doc:"The model version that decided: its label (e.g. 2.3.0) or its artifact digest (sha256:…). An unknown one is stored and flagged."`
	// Source is the gateway or service that sent the event.
	Source string `json:"source" doc:"The gateway or service that sent the event (e.g. gw-line-3)"`
	// Seq is the source's own sequence number: (source, seq) identifies an
	// event, so that sending it again is harmless.
	Seq *int64 `json:"seq" doc:"The source's sequence number, at least 0: an event sent again with the same source and seq is stored once"`
	// SourceTime is when the source's clock says the decision was made.
	SourceTime *time.Time `json:"source_time" doc:"When the decision was made, by the source's clock (RFC 3339)"`
	// Inputs maps tag names (named signals of data lineage) to the values
	// the model saw: numbers, strings, booleans or null.
	Inputs map[string]json.RawMessage `json:"inputs,omitempty" doc:"The inputs the model saw, by tag name (e.g. \"TT-101 torque\": 41.2): numbers, strings, booleans or null"`
	// Output is what the system decided.
	Output *DecisionOutput `json:"output" doc:"What the system decided"`
	// Human says whether a person approved or overrode the decision.
	Human *HumanReview `json:"human,omitempty" doc:"Whether a person approved or overrode the decision, who and when"`
	// Attributes are free details (a batch, a line, a recipe).
	Attributes map[string]json.RawMessage `json:"attributes,omitempty" doc:"Free attributes (any JSON values)"`
}

// DecisionOutput is what a system decided: a value and its unit.
type DecisionOutput struct {
	Value json.RawMessage `json:"value" doc:"The output value (e.g. a setpoint): a number, string or boolean"`
	Unit  string          `json:"unit,omitempty" doc:"The value's unit (e.g. %, rpm)"`
}

// HumanReview is a person's approval or override of a decision (EU AI Act
// Art. 14 human oversight).
type HumanReview struct {
	Action HumanAction     `json:"action" enum:"approved,overridden" doc:"approved or overridden"`
	By     string          `json:"by" doc:"Who approved or overrode it"`
	At     *time.Time      `json:"at" doc:"When (RFC 3339)"`
	Value  json.RawMessage `json:"value,omitempty" doc:"What the person chose instead, for an override"`
	Note   string          `json:"note,omitempty"`
}

// HumanAction is what a person did with a decision.
type HumanAction string

// The human actions; HumanNone is stored for events without a review.
const (
	HumanNone       HumanAction = "none"
	HumanApproved   HumanAction = "approved"
	HumanOverridden HumanAction = "overridden"
)

// HumanActionValues lists the human actions.
func HumanActionValues() []HumanAction {
	return []HumanAction{HumanNone, HumanApproved, HumanOverridden}
}

// IsValid reports whether a is a known human action.
func (a HumanAction) IsValid() bool { return enumValid(a, HumanActionValues()) }

// Title is the action's name for people.
func (a HumanAction) Title() string {
	if a == HumanNone {
		return "No review"
	}
	return titleOf(string(a))
}

// ParseDecisionEvent decodes and validates one event. Field errors are
// named by JSON pointer under prefix (e.g. "" or "lines/3/").
func ParseDecisionEvent(raw []byte) (*DecisionEvent, error) {
	if len(raw) > MaxDecisionEventBytes {
		return nil, Errorf(KindTooLarge, "a decision event is at most %d bytes; this one has %d", MaxDecisionEventBytes, len(raw))
	}
	var ev DecisionEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return nil, decodeProblem(err)
	}
	if dec.More() {
		return nil, Errorf(KindBadRequest, "one decision event is one JSON object; send several as application/x-ndjson, one per line")
	}
	return &ev, ev.Validate()
}

// decodeProblem turns a decoder error into a bad request naming the field.
func decodeProblem(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return &Error{Kind: KindInvalid, Message: "a field has the wrong type",
			Fields: []FieldError{{Field: strings.ReplaceAll(te.Field, ".", "/"), Detail: "has the wrong type (" + te.Value + ")"}}}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &Error{Kind: KindInvalid, Message: "unknown field " + name, Fields: []FieldError{{Field: name, Detail: "is not a known field"}}}
	}
	return Errorf(KindBadRequest, "not valid JSON: %s", msg)
}

// Validate checks an event's fields, naming every bad one.
func (e *DecisionEvent) Validate() error {
	var v Validation
	e.ModelVersion = CleanText(e.ModelVersion)
	e.Source = CleanText(e.Source)
	v.Required("model_version", e.ModelVersion)
	v.MaxLen("model_version", e.ModelVersion, 200)
	v.Required("source", e.Source)
	v.MaxLen("source", e.Source, 200)
	switch {
	case e.Seq == nil:
		v.Add("seq", "is required: the source's sequence number")
	case *e.Seq < 0:
		v.Add("seq", "must be at least 0")
	}
	if e.SourceTime == nil {
		v.Add("source_time", "is required: when the decision was made, by the source's clock (RFC 3339)")
	}
	if len(e.Inputs) > 1000 {
		v.Add("inputs", "at most 1000 inputs")
	}
	for tag, val := range e.Inputs {
		switch {
		case CleanText(tag) == "":
			v.Add("inputs/"+escapePointer(tag), "a tag name must not be empty")
		case utf8.RuneCountInString(tag) > 200:
			v.Add("inputs/"+escapePointer(tag), "a tag name is at most 200 characters")
		default:
			if p := TextProblem(tag, TextName); p != "" {
				v.Add("inputs/"+escapePointer(tag), "a tag name %s", p)
			}
		}
		if !isScalar(val) {
			v.Add("inputs/"+escapePointer(tag), "must be a number, a string, true, false or null")
		}
	}
	switch {
	case e.Output == nil:
		v.Add("output", "is required: the value the system decided, with its unit")
	case len(e.Output.Value) == 0 || !isScalar(e.Output.Value) || string(e.Output.Value) == "null":
		v.Add("output/value", "is required: a number, a string or a boolean")
	default:
		v.MaxLen("output/unit", e.Output.Unit, 50)
	}
	if h := e.Human; h != nil {
		if h.Action != HumanApproved && h.Action != HumanOverridden {
			v.Add("human/action", "must be approved or overridden")
		}
		v.Required("human/by", CleanText(h.By))
		v.MaxLen("human/by", h.By, 200)
		if h.At == nil {
			v.Add("human/at", "is required: when the person acted (RFC 3339)")
		}
		if len(h.Value) > 0 && !isScalar(h.Value) {
			v.Add("human/value", "must be a number, a string, true, false or null")
		}
		v.MaxLen("human/note", h.Note, 2000)
	}
	return v.Err()
}

// HumanAction returns what a person did with the decision.
func (e *DecisionEvent) HumanAction() HumanAction {
	if e.Human == nil {
		return HumanNone
	}
	return e.Human.Action
}

func isScalar(raw json.RawMessage) bool {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return false
	}
	switch b[0] {
	case '{', '[':
		return false
	case '"':
		return len(b) <= 2002
	}
	return true
}

// escapePointer escapes a name for a JSON pointer (RFC 6901).
func escapePointer(s string) string { return pointerEscaper.Replace(s) }

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// Decision is a stored decision event: what the server learned on receipt
// (its time, the model version it resolved, the flags), where it is in the
// log, and the event as sent unless it was erased.
type Decision struct {
	ID                  string      `json:"id"`
	SystemID            string      `json:"system_id"`
	ModelVersion        string      `json:"model_version" doc:"The model version as the event named it"`
	ModelVersionID      string      `json:"model_version_id,omitempty" doc:"The registered model version it names, if any"`
	UnknownModelVersion bool        `json:"unknown_model_version" doc:"The event named a model version the system does not have: stored and flagged"`
	Source              string      `json:"source"`
	Seq                 int64       `json:"seq"`
	SourceTime          time.Time   `json:"source_time"`
	ReceivedAt          time.Time   `json:"received_at"`
	SkewMS              int64       `json:"skew_ms" doc:"received_at minus source_time, in milliseconds"`
	ClockSkew           bool        `json:"clock_skew" doc:"The skew is beyond the configured bound (AIMS_DECISION_MAX_SKEW)"`
	Human               HumanAction `json:"human" enum:"none,approved,overridden"`
	InputTags           []string    `json:"input_tags" nullable:"false" doc:"The tag names of its inputs (kept when the payload is erased, for lineage)"`
	LogIndex            uint64      `json:"log_index" doc:"The leaf of the organization's log that seals the event"`
	PayloadDigest       string      `json:"payload_digest" doc:"sha256:HEX of salt || payload, as sealed in the log"`
	// Salt and Payload are the event as received and the salt of its
	// digest; both are gone once erased.
	Salt     []byte          `json:"salt,omitempty" doc:"The digest's salt (base64); gone once erased"`
	Payload  json.RawMessage `json:"payload,omitempty" doc:"The event as received; gone once erased"`
	ErasedAt *time.Time      `json:"erased_at,omitempty"`
	ErasedBy string          `json:"erased_by,omitempty"`
	// PayloadWithheld says that the payload and salt exist but the caller
	// may not read them (permission read_payload).
	PayloadWithheld bool `json:"payload_withheld,omitempty" doc:"The payload exists but the caller may not read it (permission read_payload; a system's owner reads their own)"`
}

// WithholdPayload drops the payload and salt of a decision that the caller
// may not read.
func (d *Decision) WithholdPayload() {
	if len(d.Payload) > 0 || len(d.Salt) > 0 {
		d.Payload, d.Salt, d.PayloadWithheld = nil, nil, true
	}
}

// AuditLabel names the decision in the audit trail.
func (d *Decision) AuditLabel() string {
	return "decision " + d.Source + " #" + itoa64(d.Seq)
}

// Event decodes the stored payload, or returns nil once it was erased.
func (d *Decision) Event() *DecisionEvent {
	if len(d.Payload) == 0 {
		return nil
	}
	var ev DecisionEvent
	if json.Unmarshal(d.Payload, &ev) != nil {
		return nil
	}
	return &ev
}

// DecisionFilter selects decisions of one system. Empty fields do not
// filter; times select source_time in [Since, Until).
type DecisionFilter struct {
	Since, Until *time.Time
	ModelVersion string // label, digest or model version id as the event named it
	Source       string
	Human        HumanAction
	Page
}

// DecisionAck is the answer for one stored event: its id and log index, and
// whether it had been stored before.
type DecisionAck struct {
	Line                int    `json:"line,omitempty" doc:"The NDJSON line (from 1), in a batch"`
	ID                  string `json:"id"`
	LogIndex            uint64 `json:"log_index"`
	Duplicate           bool   `json:"duplicate" doc:"The (source, seq) pair was stored before: this is the first answer, and nothing was stored again"`
	ClockSkew           bool   `json:"clock_skew,omitempty"`
	UnknownModelVersion bool   `json:"unknown_model_version,omitempty"`
}

// DecisionLineError is a bad line of a batch.
type DecisionLineError struct {
	Line   int          `json:"line" doc:"The NDJSON line (from 1)"`
	Detail string       `json:"detail"`
	Fields []FieldError `json:"errors,omitempty"`
}

// DecisionBatchResult answers a batch: every good line stored and
// acknowledged, every bad one reported.
type DecisionBatchResult struct {
	Stored     int                 `json:"stored" doc:"Events stored now"`
	Duplicates int                 `json:"duplicates" doc:"Events stored before (acknowledged with their first index)"`
	Rejected   int                 `json:"rejected" doc:"Bad lines, none stored"`
	Acks       []DecisionAck       `json:"acks" nullable:"false"`
	Errors     []DecisionLineError `json:"errors" nullable:"false"`
}

// OverrideBucket counts the decisions of one period and how many a person
// overrode or approved, for the override-rate chart.
type OverrideBucket struct {
	Start      time.Time `json:"start"`
	Decisions  int       `json:"decisions"`
	Overridden int       `json:"overridden"`
	Approved   int       `json:"approved"`
}

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
