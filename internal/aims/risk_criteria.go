package aims

import (
	"regexp"
	"time"
)

// RiskCriteria are an organization's criteria for assessing AI risks
// (ISO/IEC 42001 6.1.1 and 6.1.2): a likelihood scale and a consequence
// scale, a matrix that gives each pair its level, the risk appetite, and who
// may accept a risk of each level. Criteria are versioned: an edit makes a
// new version, and every risk records the version it was assessed with.
type RiskCriteria struct {
	Version     int          `json:"version" doc:"0 for the built-in defaults, before the organization saves its own"`
	Likelihood  []ScaleLevel `json:"likelihood" doc:"The likelihood scale, lowest first; value 1 is the first entry"`
	Consequence []ScaleLevel `json:"consequence" doc:"The consequence scale, lowest first"`
	Levels      []RiskLevel  `json:"levels" doc:"The risk levels, lowest first"`
	// Matrix[l-1][c-1] is the key of the level of likelihood l and
	// consequence c.
	Matrix    [][]string `json:"matrix" doc:"matrix[likelihood-1][consequence-1] is a level key"`
	Appetite  string     `json:"appetite" doc:"The highest level the organization is prepared to retain; levels above it are above appetite"`
	Note      string     `json:"note,omitempty"`
	CreatedAt time.Time  `json:"created_at,omitzero"`
	CreatedBy string     `json:"created_by,omitempty"`
}

// ScaleLevel is one step of a likelihood or consequence scale.
type ScaleLevel struct {
	Value       int    `json:"value" doc:"1 for the lowest step; set from the position"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// RiskLevel is one level of the matrix, with who may accept a risk at it.
type RiskLevel struct {
	Key         string          `json:"key" doc:"Lowercase letters, digits and underscores, e.g. high"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	AcceptBy    AcceptAuthority `json:"accept_by" enum:"owner,aims_manager,nobody"`
}

// AcceptAuthority says who may accept (retain) a risk of a level (6.1.3:
// risk acceptance by the risk owners and management).
type AcceptAuthority string

// The acceptance authorities.
const (
	// AcceptByOwner lets the risk's owner accept it, as well as anyone who
	// gives approvals (an AIMS manager).
	AcceptByOwner AcceptAuthority = "owner"
	// AcceptByManager needs someone who gives approvals (an AIMS manager or
	// an administrator).
	AcceptByManager AcceptAuthority = "aims_manager"
	// AcceptByNobody means the risk must be treated until its residual
	// level is lower.
	AcceptByNobody AcceptAuthority = "nobody"
)

// AcceptAuthorityValues lists the authorities, least demanding first.
func AcceptAuthorityValues() []AcceptAuthority {
	return []AcceptAuthority{AcceptByOwner, AcceptByManager, AcceptByNobody}
}

// IsValid reports whether a is a known authority.
func (a AcceptAuthority) IsValid() bool { return enumValid(a, AcceptAuthorityValues()) }

// Title is the authority's name for people.
func (a AcceptAuthority) Title() string {
	switch a {
	case AcceptByOwner:
		return "The risk owner"
	case AcceptByManager:
		return "An AIMS manager"
	case AcceptByNobody:
		return "Nobody: treat it"
	}
	return string(a)
}

// AuditLabel names the criteria in the audit trail.
func (c *RiskCriteria) AuditLabel() string { return "Risk criteria version " + itoa(c.Version) }

// Level returns the level with key, or nil.
func (c *RiskCriteria) Level(key string) *RiskLevel {
	for i := range c.Levels {
		if c.Levels[i].Key == key {
			return &c.Levels[i]
		}
	}
	return nil
}

// Rank is the position of the level with key, lowest 0; -1 when unknown.
func (c *RiskCriteria) Rank(key string) int {
	for i, l := range c.Levels {
		if l.Key == key {
			return i
		}
	}
	return -1
}

// Normalize trims text and numbers the scale steps from their position.
func (c *RiskCriteria) Normalize() {
	for _, scale := range [][]ScaleLevel{c.Likelihood, c.Consequence} {
		for i := range scale {
			scale[i].Value = i + 1
			scale[i].Name = CleanText(scale[i].Name)
			scale[i].Description = CleanText(scale[i].Description)
		}
	}
	for i := range c.Levels {
		c.Levels[i].Key = CleanText(c.Levels[i].Key)
		c.Levels[i].Name = CleanText(c.Levels[i].Name)
		c.Levels[i].Description = CleanText(c.Levels[i].Description)
	}
	for _, row := range c.Matrix {
		for j := range row {
			row[j] = CleanText(row[j])
		}
	}
	c.Appetite = CleanText(c.Appetite)
	c.Note = CleanText(c.Note)
}

var levelKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,29}$`)

// Scale and level bounds: a matrix people can read at a glance.
const (
	MinScaleSteps = 2
	MaxScaleSteps = 7
	MinRiskLevels = 2
	MaxRiskLevels = 6
)

// Validate checks the criteria as a whole: both scales named, every cell of
// the matrix a known level, a more likely or more severe cell never at a
// lower level than its neighbour, and every level above the appetite
// accepted only by an AIMS manager or by nobody.
func (c *RiskCriteria) Validate() error {
	var v Validation
	validateScale(&v, "likelihood", c.Likelihood)
	validateScale(&v, "consequence", c.Consequence)
	if n := len(c.Levels); n < MinRiskLevels || n > MaxRiskLevels {
		v.Add("levels", "give %d to %d levels", MinRiskLevels, MaxRiskLevels)
	}
	seen := map[string]bool{}
	for i, l := range c.Levels {
		f := "levels/" + itoa(i)
		switch {
		case !levelKeyPattern.MatchString(l.Key):
			v.Add(f+"/key", "use lowercase letters, digits and underscores, starting with a letter (at most 30)")
		case seen[l.Key]:
			v.Add(f+"/key", "%q is used by another level", l.Key)
		}
		seen[l.Key] = true
		v.Required(f+"/name", l.Name)
		v.MaxLen(f+"/name", l.Name, 60)
		v.MaxLen(f+"/description", l.Description, 1000)
		if !l.AcceptBy.IsValid() {
			v.Add(f+"/accept_by", "must be one of %s", joinValues(AcceptAuthorityValues()))
		}
	}
	if !v.OK() {
		// The appetite and the matrix name levels: check them once the
		// levels are right, rather than repeat one mistake in every cell.
		return v.Err()
	}
	appetite := c.Rank(c.Appetite)
	if appetite < 0 {
		v.Add("appetite", "must be the key of one of the levels")
	}
	for i, l := range c.Levels {
		if appetite >= 0 && i > appetite && l.AcceptBy == AcceptByOwner {
			v.Add("levels/"+itoa(i)+"/accept_by", "%s is above the appetite (%s): only an AIMS manager may accept it, or nobody", l.Name, c.Appetite)
		}
	}
	c.validateMatrix(&v)
	v.MaxLen("note", c.Note, 2000)
	return v.Err()
}

func validateScale(v *Validation, field string, scale []ScaleLevel) {
	if n := len(scale); n < MinScaleSteps || n > MaxScaleSteps {
		v.Add(field, "give %d to %d steps", MinScaleSteps, MaxScaleSteps)
	}
	for i, s := range scale {
		f := field + "/" + itoa(i)
		v.Required(f+"/name", s.Name)
		v.MaxLen(f+"/name", s.Name, 60)
		v.MaxLen(f+"/description", s.Description, 1000)
	}
}

func (c *RiskCriteria) validateMatrix(v *Validation) {
	if len(c.Matrix) != len(c.Likelihood) {
		v.Add("matrix", "needs one row per likelihood step (%d), has %d", len(c.Likelihood), len(c.Matrix))
		return
	}
	for l, row := range c.Matrix {
		if len(row) != len(c.Consequence) {
			v.Add("matrix/"+itoa(l), "needs one cell per consequence step (%d), has %d", len(c.Consequence), len(row))
			continue
		}
		for k, key := range row {
			f := "matrix/" + itoa(l) + "/" + itoa(k)
			r := c.Rank(key)
			switch {
			case r < 0:
				v.Add(f, "%q is not one of the levels", key)
			case l > 0 && len(c.Matrix[l-1]) == len(row) && c.Rank(c.Matrix[l-1][k]) > r:
				v.Add(f, "is lower than the less likely cell below it (%s)", c.Matrix[l-1][k])
			case k > 0 && c.Rank(row[k-1]) > r:
				v.Add(f, "is lower than the less severe cell beside it (%s)", row[k-1])
			}
		}
	}
}

// DefaultRiskCriteria are the criteria an organization starts with: five
// steps of likelihood and consequence, four levels, appetite at medium.
// The descriptions are the aims project's own words.
func DefaultRiskCriteria() *RiskCriteria {
	const l, m, h, c = "low", "medium", "high", "critical"
	return &RiskCriteria{
		Likelihood: []ScaleLevel{
			{1, "Rare", "Could happen only in exceptional circumstances; not expected during the system's life."},
			{2, "Unlikely", "Could happen, but we have no reason to expect it in the next few years."},
			{3, "Possible", "Might well happen in the next year or two; similar systems have seen it."},
			{4, "Likely", "Expected to happen at least once a year if nothing changes."},
			{5, "Almost certain", "Happens now, or will happen within months, if nothing changes."},
		},
		Consequence: []ScaleLevel{
			{1, "Negligible", "No harm to people; a nuisance that is corrected in the normal course of work."},
			{2, "Minor", "Brief inconvenience or small cost to a few people; fully reversible."},
			{3, "Moderate", "Noticeable harm to individuals or the organization: a wrong decision, a complaint, a contained loss; reversible with effort."},
			{4, "Major", "Serious harm to people's rights, health, finances or the environment, or a regulatory breach; hard to reverse."},
			{5, "Severe", "Lasting or irreversible harm to many people, injury, or harm that threatens the organization's licence to operate."},
		},
		Levels: []RiskLevel{
			{l, "Low", "Within appetite: retain with routine monitoring.", AcceptByOwner},
			{m, "Medium", "Within appetite: the risk owner may retain it with planned controls and a review date.", AcceptByOwner},
			{h, "High", "Above appetite: treat it; retaining it needs an AIMS manager's acceptance.", AcceptByManager},
			{c, "Critical", "Far above appetite: not acceptable; treat it before the system is used or changed.", AcceptByNobody},
		},
		Matrix: [][]string{ // likelihood 1 (rare) first; consequence negligible to severe
			{l, l, l, m, m},
			{l, l, m, m, h},
			{l, m, m, h, h},
			{m, m, h, h, c},
			{m, h, h, c, c},
		},
		Appetite: m,
	}
}
