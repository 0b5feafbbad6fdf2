package aims

import (
	"strings"
	"time"
)

// InterestedParty is a party relevant to the AIMS, with its requirements
// that are relevant to the AIMS and which of those the AIMS addresses
// (ISO/IEC 42001 4.2).
type InterestedParty struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	Kind         PartyKind          `json:"kind"`
	Origin       IssueOrigin        `json:"origin"`
	Description  string             `json:"description"`
	Requirements []PartyRequirement `json:"requirements" nullable:"false"`
	ReviewDate   *Date              `json:"review_date,omitempty" doc:"When the party and its requirements are next reviewed"`
	CreatedAt    time.Time          `json:"created_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
}

// PartyRequirement is one requirement of an interested party and how the
// AIMS addresses it: through which records (controls and obligations by
// requirement reference, "iso42001:A.8.2", "eu-ai-act:Art. 26"; documents
// as "document:ID").
type PartyRequirement struct {
	Text      string     `json:"text"`
	Addressed Addressing `json:"addressed"`
	Through   []string   `json:"through" nullable:"false" doc:"Records that address it: framework:requirement or document:ID"`
	Note      string     `json:"note,omitempty"`
}

// AuditLabel names the party in the audit trail.
func (p *InterestedParty) AuditLabel() string { return p.Name }

// Normalize trims text fields and fills defaults.
func (p *InterestedParty) Normalize() {
	p.Name = CleanText(p.Name)
	p.Description = CleanText(p.Description)
	if p.Requirements == nil {
		p.Requirements = []PartyRequirement{}
	}
	out := p.Requirements[:0]
	for _, r := range p.Requirements {
		r.Text, r.Note = CleanText(r.Text), CleanText(r.Note)
		r.Through = cleanList(r.Through)
		if r.Addressed == "" {
			r.Addressed = AddressedNot
		}
		if r.Text == "" && r.Note == "" && len(r.Through) == 0 {
			continue // an empty row of a form
		}
		out = append(out, r)
	}
	p.Requirements = out
}

// Validate checks the fields a person enters. Whether a referenced control
// or obligation exists is the service's check.
func (p *InterestedParty) Validate() error {
	var v Validation
	v.Required("name", p.Name)
	v.MaxLen("name", p.Name, 200)
	if !p.Kind.IsValid() {
		v.Add("kind", "must be one of %s", joinValues(PartyKindValues()))
	}
	if !p.Origin.IsValid() {
		v.Add("origin", "must be one of %s", joinValues(IssueOriginValues()))
	}
	v.MaxLen("description", p.Description, 20000)
	if len(p.Requirements) > 200 {
		v.Add("requirements", "at most 200 requirements")
	}
	for i, r := range p.Requirements {
		f := "requirements/" + itoa(i)
		v.Required(f+"/text", r.Text)
		v.MaxLen(f+"/text", r.Text, 4000)
		v.MaxLen(f+"/note", r.Note, 4000)
		if !r.Addressed.IsValid() {
			v.Add(f+"/addressed", "must be one of %s", joinValues(AddressingValues()))
		}
		validateList(&v, f+"/through", r.Through, 50, 200)
		for j, ref := range r.Through {
			if _, ok := ParseRef(ref); !ok {
				v.Add(f+"/through/"+itoa(j), "write a record as framework:requirement (iso42001:A.8.2) or document:ID")
			}
		}
		if r.Addressed != AddressedNot && len(r.Through) == 0 {
			v.Add(f+"/through", "name the records that address the requirement")
		}
	}
	return v.Err()
}

// DocumentRef is the prefix of a requirement's reference to a document.
const DocumentRef = "document"

// InterestedPartyUpdate changes some fields of a party; nil means
// unchanged. Requirements replace the whole list; a zero ReviewDate clears it.
type InterestedPartyUpdate struct {
	Name         *string             `json:"name,omitempty"`
	Kind         *PartyKind          `json:"kind,omitempty"`
	Origin       *IssueOrigin        `json:"origin,omitempty"`
	Description  *string             `json:"description,omitempty"`
	Requirements *[]PartyRequirement `json:"requirements,omitempty" doc:"Replace the whole list"`
	ReviewDate   *Date               `json:"review_date,omitempty" doc:"An empty string clears it"`
}

// Apply returns a copy of p with the update's fields set.
func (u InterestedPartyUpdate) Apply(p InterestedParty) InterestedParty {
	set(&p.Name, u.Name)
	set(&p.Kind, u.Kind)
	set(&p.Origin, u.Origin)
	set(&p.Description, u.Description)
	if u.Requirements != nil {
		p.Requirements = append([]PartyRequirement{}, (*u.Requirements)...)
	}
	if u.ReviewDate != nil {
		p.ReviewDate = nonZeroDate(*u.ReviewDate)
	}
	return p
}

// InterestedPartyFilter selects parties.
type InterestedPartyFilter struct {
	Search string
	Kind   PartyKind
	// Sort is the order: name or updated_at or review, a leading "-"
	// reversing it; empty is the list's own order.
	Sort string
	Page
}

// Addressed counts the requirements the AIMS addresses in full.
func (p *InterestedParty) Addressed() int {
	n := 0
	for _, r := range p.Requirements {
		if r.Addressed == AddressedFully {
			n++
		}
	}
	return n
}

// PartyKind is what kind of party it is.
type PartyKind string

// The kinds of parties.
const (
	PartyRegulator       PartyKind = "regulator"
	PartyCustomer        PartyKind = "customer"
	PartyWorker          PartyKind = "worker"
	PartyWorksCouncil    PartyKind = "works_council"
	PartyAffectedPersons PartyKind = "affected_persons"
	PartySupplier        PartyKind = "supplier"
	PartyOwner           PartyKind = "owner"
	PartyPublic          PartyKind = "public"
	PartyOther           PartyKind = "other"
)

// PartyKindValues lists the kinds.
func PartyKindValues() []PartyKind {
	return []PartyKind{PartyRegulator, PartyCustomer, PartyWorker, PartyWorksCouncil, PartyAffectedPersons, PartySupplier,
		PartyOwner, PartyPublic, PartyOther}
}

// IsValid reports whether k is a known kind.
func (k PartyKind) IsValid() bool { return enumValid(k, PartyKindValues()) }

// Title is the kind's name for people.
func (k PartyKind) Title() string {
	switch k {
	case PartyOwner:
		return "Owners and investors"
	case PartyPublic:
		return "The public"
	case PartyWorker:
		return "Workers"
	case PartyCustomer:
		return "Customers"
	case PartySupplier:
		return "Suppliers"
	case PartyRegulator:
		return "Regulator"
	}
	return titleOf(string(k))
}

// Addressing is how far the AIMS addresses a requirement.
type Addressing string

// The answers.
const (
	AddressedFully  Addressing = "addressed"
	AddressedPartly Addressing = "partly_addressed"
	AddressedNot    Addressing = "not_addressed"
)

// AddressingValues lists the answers.
func AddressingValues() []Addressing {
	return []Addressing{AddressedFully, AddressedPartly, AddressedNot}
}

// IsValid reports whether a is a known answer.
func (a Addressing) IsValid() bool { return enumValid(a, AddressingValues()) }

// Title is the answer's name for people.
func (a Addressing) Title() string {
	if a == AddressedFully {
		return "Addressed"
	}
	return titleOf(string(a))
}

// SplitRef splits "framework:id" (or "document:ID").
func SplitRef(s string) (kind, id string) {
	kind, id, _ = strings.Cut(s, ":")
	return kind, id
}
