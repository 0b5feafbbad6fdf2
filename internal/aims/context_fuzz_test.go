package aims_test

import (
	"encoding/json"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/fuzzseed"
)

const validParty = `{"name":"Works council","kind":"works_council","origin":"internal","review_date":"2027-01-31",` +
	`"requirements":[{"text":"Information on AI at work","addressed":"addressed","through":["iso42001:7.4","document:Briefing pack"]},` +
	`{"text":"Consultation","addressed":"not_addressed","through":[],"note":"none yet"}]}`

// FuzzInterestedParty: a party as a client sends it is refused as invalid
// or accepted (never a panic); an accepted party names every record that
// addresses a requirement as framework:requirement or document:ID, and
// tidying it again changes nothing.
func FuzzInterestedParty(f *testing.F) {
	fuzzseed.Add(f, "valid", []byte(validParty))
	fuzzseed.Add(f, "empty-rows", []byte(`{"name":"P","kind":"other","origin":"external","requirements":[{},{"text":" "}]}`))
	fuzzseed.Add(f, "bad-ref", []byte(`{"name":"P","kind":"other","origin":"external","requirements":[{"text":"x","addressed":"addressed","through":["nonsense"]}]}`))
	fuzzseed.Add(f, "control-chars", []byte(`{"name":"P\u0000","kind":"other","origin":"external","requirements":[{"text":"a\u202eb"}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var p aims.InterestedParty
		if json.Unmarshal(raw, &p) != nil {
			return
		}
		p.Normalize()
		if err := p.Validate(); err != nil {
			if k := aims.KindOf(err); k != aims.KindInvalid {
				t.Fatalf("refused with kind %s: %v", k, err)
			}
			return
		}
		for _, r := range p.Requirements {
			for _, ref := range r.Through {
				if _, ok := aims.ParseRef(ref); !ok {
					t.Fatalf("accepted record %q that is not framework:requirement", ref)
				}
			}
		}
		once, _ := json.Marshal(p)
		p.Normalize()
		twice, _ := json.Marshal(p)
		if string(once) != string(twice) {
			t.Fatalf("tidying again changed the party:\n%s\n%s", once, twice)
		}
	})
}
