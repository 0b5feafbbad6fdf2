package aims

import "time"

// AIMSRole is a role the organization defines for its AI management system
// (ISO/IEC 42001 5.3, A.3.2), with its responsibilities and authorities,
// assigned to people. StopAuthority marks a role that may stop an AI
// system; ReceivesReport marks the role whose holders receive the report
// of the AIMS's performance to top management (5.3 b).
type AIMSRole struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Responsibilities string    `json:"responsibilities"`
	Authorities      string    `json:"authorities"`
	StopAuthority    bool      `json:"stop_authority"`
	ReceivesReport   bool      `json:"receives_report"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	AssignmentCount  int       `json:"assignment_count"`
}

// AuditLabel names the role in the audit trail.
func (r *AIMSRole) AuditLabel() string { return r.Name }

// Normalize trims text fields.
func (r *AIMSRole) Normalize() {
	r.Name = CleanText(r.Name)
	r.Responsibilities = CleanText(r.Responsibilities)
	r.Authorities = CleanText(r.Authorities)
}

// Validate checks the fields a person enters.
func (r *AIMSRole) Validate() error {
	var v Validation
	v.Required("name", r.Name)
	v.MaxLen("name", r.Name, 200)
	v.MaxLen("responsibilities", r.Responsibilities, 20000)
	v.MaxLen("authorities", r.Authorities, 20000)
	return v.Err()
}

// AIMSRoleUpdate changes some fields of a role; nil means unchanged.
type AIMSRoleUpdate struct {
	Name             *string `json:"name,omitempty"`
	Responsibilities *string `json:"responsibilities,omitempty"`
	Authorities      *string `json:"authorities,omitempty"`
	StopAuthority    *bool   `json:"stop_authority,omitempty"`
	ReceivesReport   *bool   `json:"receives_report,omitempty"`
}

// Apply returns a copy of r with the update's fields set.
func (u AIMSRoleUpdate) Apply(r AIMSRole) AIMSRole {
	set(&r.Name, u.Name)
	set(&r.Responsibilities, u.Responsibilities)
	set(&r.Authorities, u.Authorities)
	set(&r.StopAuthority, u.StopAuthority)
	set(&r.ReceivesReport, u.ReceivesReport)
	return r
}

// AIMSRoleFilter selects roles.
type AIMSRoleFilter struct {
	Search string
	Page
}

// RoleAssignment gives a person an AIMS role, for the whole AIMS or for one
// AI system (the validation lead of one system).
type RoleAssignment struct {
	ID         string    `json:"id"`
	RoleID     string    `json:"role_id"`
	PersonID   string    `json:"person_id"`
	SystemID   string    `json:"system_id,omitempty"`
	Note       string    `json:"note,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	RoleName   string    `json:"role_name"`
	PersonName string    `json:"person_name"`
	SystemName string    `json:"system_name,omitempty"`
}

// AuditLabel names the assignment in the audit trail.
func (a *RoleAssignment) AuditLabel() string {
	s := a.RoleName + ": " + a.PersonName
	if a.SystemName != "" {
		s += " (" + a.SystemName + ")"
	}
	return s
}

// Normalize trims text fields.
func (a *RoleAssignment) Normalize() {
	a.RoleID, a.PersonID, a.SystemID = CleanText(a.RoleID), CleanText(a.PersonID), CleanText(a.SystemID)
	a.Note = CleanText(a.Note)
}

// Validate checks the fields a person enters.
func (a *RoleAssignment) Validate() error {
	var v Validation
	v.Required("role_id", a.RoleID)
	v.Required("person_id", a.PersonID)
	v.MaxLen("note", a.Note, 2000)
	return v.Err()
}

// RoleAssignmentUpdate changes an assignment's note or system.
type RoleAssignmentUpdate struct {
	SystemID *string `json:"system_id,omitempty"`
	Note     *string `json:"note,omitempty"`
}

// Apply returns a copy of a with the update's fields set.
func (u RoleAssignmentUpdate) Apply(a RoleAssignment) RoleAssignment {
	set(&a.SystemID, u.SystemID)
	set(&a.Note, u.Note)
	return a
}

// RoleAssignmentFilter selects assignments.
type RoleAssignmentFilter struct {
	RoleID   string
	PersonID string
	SystemID string
	Page
}

// Process is an AIMS process the RACI matrix covers.
type Process string

// The processes of the RACI matrix.
const (
	ProcessRiskAssessment   Process = "risk_assessment"
	ProcessImpactAssessment Process = "impact_assessment"
	ProcessReleaseApproval  Process = "release_approval"
	ProcessIncidentHandling Process = "incident_handling"
	ProcessInternalAudit    Process = "internal_audit"
	ProcessManagementReview Process = "management_review"
)

// ProcessValues lists the processes in the order the matrix shows them.
func ProcessValues() []Process {
	return []Process{ProcessRiskAssessment, ProcessImpactAssessment, ProcessReleaseApproval,
		ProcessIncidentHandling, ProcessInternalAudit, ProcessManagementReview}
}

// IsValid reports whether p is a known process.
func (p Process) IsValid() bool { return enumValid(p, ProcessValues()) }

// Title is the process's name for people.
func (p Process) Title() string { return titleOf(string(p)) }

// RACI is a cell's letter: responsible, accountable, consulted, informed.
type RACI string

// The RACI letters.
const (
	RACIResponsible RACI = "R"
	RACIAccountable RACI = "A"
	RACIConsulted   RACI = "C"
	RACIInformed    RACI = "I"
)

// RACIValues lists the letters.
func RACIValues() []RACI {
	return []RACI{RACIResponsible, RACIAccountable, RACIConsulted, RACIInformed}
}

// IsValid reports whether r is a known letter.
func (r RACI) IsValid() bool { return enumValid(r, RACIValues()) }

// Title is the letter's meaning for people.
func (r RACI) Title() string {
	switch r {
	case RACIResponsible:
		return "Responsible"
	case RACIAccountable:
		return "Accountable"
	case RACIConsulted:
		return "Consulted"
	case RACIInformed:
		return "Informed"
	}
	return string(r)
}

// RACICell is one cell of the RACI matrix: what a role is for a process.
type RACICell struct {
	ID        string    `json:"id"`
	Process   Process   `json:"process"`
	RoleID    string    `json:"role_id"`
	Letter    RACI      `json:"letter"`
	UpdatedAt time.Time `json:"updated_at"`
	RoleName  string    `json:"role_name,omitempty"`
}

// AuditLabel names the cell in the audit trail.
func (c *RACICell) AuditLabel() string { return c.Process.Title() + ": " + c.RoleName }

// RACIMatrix is the organization's RACI of its AIMS processes by role.
type RACIMatrix struct {
	Processes []Process   `json:"processes"`
	Roles     []*AIMSRole `json:"roles"`
	Cells     []*RACICell `json:"cells"`
}

// Letter returns the letter of process p and role r, or "".
func (m *RACIMatrix) Letter(p Process, roleID string) RACI {
	for _, c := range m.Cells {
		if c.Process == p && c.RoleID == roleID {
			return c.Letter
		}
	}
	return ""
}

// RACIChange sets one cell; an empty letter clears it.
type RACIChange struct {
	Process Process `json:"process"`
	RoleID  string  `json:"role_id"`
	Letter  RACI    `json:"letter"`
}

// Validate checks the change's fields.
func (c RACIChange) Validate() error {
	var v Validation
	if !c.Process.IsValid() {
		v.Add("process", "must be one of %s", joinValues(ProcessValues()))
	}
	v.Required("role_id", c.RoleID)
	if c.Letter != "" && !c.Letter.IsValid() {
		v.Add("letter", "must be one of R, A, C, I, or empty to clear the cell")
	}
	return v.Err()
}

// DefaultAIMSRoles are the roles a new organization starts from (5.3,
// A.3.2), in our own words; the organization edits them.
func DefaultAIMSRoles() []AIMSRole {
	return []AIMSRole{
		{Name: "AIMS owner", Responsibilities: "Runs the AI management system day to day: keeps the policy, objectives, risk criteria and Statement of Applicability current, and reports on its performance.",
			Authorities: "Approves AIMS procedures; assigns AIMS roles; escalates to top management."},
		{Name: "System owner", StopAuthority: true, Responsibilities: "Answers for one AI system through its life: registration, impact assessment, release requests, monitoring and incidents.",
			Authorities: "May stop (suspend) the AI system at any time; requests releases."},
		{Name: "Data steward", Responsibilities: "Keeps datasets' provenance, quality and lawful use documented.",
			Authorities: "May block a dataset from training or use until its issues are resolved."},
		{Name: "Validation lead", Responsibilities: "Plans and runs the validation of model versions against their acceptance criteria and records the results.",
			Authorities: "May refuse to sign off a model version that fails its criteria."},
		{Name: "Internal auditor", Responsibilities: "Audits the AIMS against the standard and the organization's own rules, independently of the audited work.",
			Authorities: "Reads every record in scope; raises nonconformities."},
		{Name: "Top management sponsor", ReceivesReport: true, Responsibilities: "Shows leadership and commitment: provides resources and reviews the AIMS's performance.",
			Authorities: "Approves the AI policy and decides at management review."},
	}
}
