package aims

// Role is what a person may do in one organization (ISO/IEC 42001 5.3,
// A.3.2: roles, responsibilities and authorities are assigned). What each
// role allows is decided in package authz.
type Role string

// The roles.
const (
	RoleAdmin       Role = "admin"        // users, tokens and settings, plus everything else
	RoleAIMSManager Role = "aims_manager" // everything in the management system, including approvals
	RoleSystemOwner Role = "system_owner" // edits the AI systems they own, reads the rest
	RoleContributor Role = "contributor"  // creates and edits records, approves nothing
	RoleAuditor     Role = "auditor"      // reads and exports everything, writes nothing
	RoleViewer      Role = "viewer"       // reads
)

// RoleValues lists the roles from most to least powerful.
func RoleValues() []Role {
	return []Role{RoleAdmin, RoleAIMSManager, RoleSystemOwner, RoleContributor, RoleAuditor, RoleViewer}
}

// IsValid reports whether r is a known role.
func (r Role) IsValid() bool { return enumValid(r, RoleValues()) }

// Title is the role's name for people.
func (r Role) Title() string {
	switch r {
	case RoleAdmin:
		return "Administrator"
	case RoleAIMSManager:
		return "AIMS manager"
	case RoleSystemOwner:
		return "System owner"
	case RoleContributor:
		return "Contributor"
	case RoleAuditor:
		return "Auditor"
	case RoleViewer:
		return "Viewer"
	}
	return string(r)
}

// Description says in one line what the role may do.
func (r Role) Description() string {
	switch r {
	case RoleAdmin:
		return "Manages users, API tokens and settings, and can do everything else."
	case RoleAIMSManager:
		return "Runs the management system: edits every record and gives approvals."
	case RoleSystemOwner:
		return "Edits the AI systems they own (and may stop them); reads everything else."
	case RoleContributor:
		return "Creates and edits records; approves nothing."
	case RoleAuditor:
		return "Reads and exports everything in the organization; changes nothing."
	case RoleViewer:
		return "Reads records."
	}
	return ""
}
