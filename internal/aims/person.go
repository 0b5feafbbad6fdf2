package aims

import "time"

// Person is someone whose work the AIMS relies on (ISO/IEC 42001 7.2): a
// member with an account, or someone without one, such as an operator on
// the night shift. Competence, training, AI literacy and AIMS roles hang off
// the person; an account, when there is one, is linked by UserID.
type Person struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Email      string    `json:"email,omitempty"`
	JobTitle   string    `json:"job_title,omitempty"`
	Department string    `json:"department,omitempty"`
	Site       string    `json:"site,omitempty"`
	UserID     string    `json:"user_id,omitempty"`
	Active     bool      `json:"active"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// AuditLabel names the person in the audit trail.
func (p *Person) AuditLabel() string { return p.Name }

// Normalize trims text fields and lowercases the email.
func (p *Person) Normalize() {
	p.Name = CleanText(p.Name)
	p.Email = NormalizeEmail(p.Email)
	p.JobTitle = CleanText(p.JobTitle)
	p.Department = CleanText(p.Department)
	p.Site = CleanText(p.Site)
	p.UserID = CleanText(p.UserID)
}

// Validate checks the fields a person enters.
func (p *Person) Validate() error {
	var v Validation
	v.Required("name", p.Name)
	v.MaxLen("name", p.Name, 200)
	if p.Email != "" {
		ValidateEmail(&v, "email", p.Email)
	}
	v.MaxLen("job_title", p.JobTitle, 200)
	v.MaxLen("department", p.Department, 200)
	v.MaxLen("site", p.Site, 200)
	return v.Err()
}

// PersonUpdate changes some fields of a person; nil means unchanged. The
// link to an account is made by aims when the person becomes a member.
type PersonUpdate struct {
	Name       *string `json:"name,omitempty"`
	Email      *string `json:"email,omitempty"`
	JobTitle   *string `json:"job_title,omitempty"`
	Department *string `json:"department,omitempty"`
	Site       *string `json:"site,omitempty"`
	Active     *bool   `json:"active,omitempty"`
}

// Apply returns a copy of p with the update's fields set.
func (u PersonUpdate) Apply(p Person) Person {
	set(&p.Name, u.Name)
	set(&p.Email, u.Email)
	set(&p.JobTitle, u.JobTitle)
	set(&p.Department, u.Department)
	set(&p.Site, u.Site)
	set(&p.Active, u.Active)
	return p
}

// PersonFilter selects people.
type PersonFilter struct {
	Search     string // part of the name or email, any case
	Department string // exactly, any case
	Site       string // exactly, any case
	Active     *bool
	Sort       string // one of PersonSorts; "name" by default
	Page
}

// PersonSorts lists the accepted sort keys of the people list.
func PersonSorts() []string {
	return []string{"name", "-name", "department", "-department", "site", "-site", "updated_at", "-updated_at"}
}
