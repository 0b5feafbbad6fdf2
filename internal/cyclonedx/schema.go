// Package cyclonedx writes a model version as a CycloneDX 1.6 ML-BOM (a
// machine-learning-model component with its model card, and its datasets
// as data components) and reads one back, after validating it against the
// official CycloneDX JSON schema (ISO/IEC 42001 A.6.2.7 technical
// documentation, A.7 data, A.10.3 what suppliers provide). It imports
// neither store nor service: the service gives it plain values.
package cyclonedx

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/aimsproject/aims/internal/aims"
)

//go:embed schema/*.json
var schemaFiles embed.FS

// schemaBase is where the bom schema's relative references resolve.
const schemaBase = "http://cyclonedx.org/schema/"

// bomSchema compiles the CycloneDX 1.6 JSON schema with the SPDX and JSF
// schemas it references, once.
var bomSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, name := range []string{"bom-1.6.SNAPSHOT.schema.json", "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"} {
		b, err := schemaFiles.ReadFile("schema/" + name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			return nil, err
		}
	}
	return c.Compile(schemaBase + "bom-1.6.SNAPSHOT.schema.json")
})

// maxProblems is how many schema violations a refusal lists.
const maxProblems = 50

// Validate checks doc against the CycloneDX 1.6 JSON schema; a document
// that is not JSON or does not validate is an invalid-kind error naming
// each violation by its JSON pointer.
func Validate(doc []byte) error {
	sch, err := bomSchema()
	if err != nil {
		return fmt.Errorf("load the CycloneDX schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return &aims.Error{Kind: aims.KindInvalid, Message: "the document is not JSON: " + err.Error()}
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return fmt.Errorf("validate the CycloneDX document: %w", err)
	}
	p := message.NewPrinter(language.English)
	seen := map[string]bool{}
	var fields []aims.FieldError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			ptr := strings.Join(escape(e.InstanceLocation), "/")
			detail := e.ErrorKind.LocalizedString(p)
			if !seen[ptr+detail] && len(fields) < maxProblems {
				seen[ptr+detail] = true
				fields = append(fields, aims.FieldError{Field: ptr, Detail: detail})
			}
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	return &aims.Error{Kind: aims.KindInvalid, Message: "the document is not a valid CycloneDX 1.6 BOM", Fields: fields}
}

// escape writes JSON pointer tokens (RFC 6901).
func escape(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
	}
	return out
}
