// Package gate decides whether an AI system or a model version may pass a
// stage gate of its life cycle (ISO/IEC 42001 A.6.2.2 to A.6.2.5, 8.1): a
// gate is a list of checks from a closed set of kinds, and Evaluate is a
// pure function of a gate's definition and the facts read from the records.
// Its result names every check with pass or fail and why, in words for
// people. Defaults are stricter for a high impact class or a high-risk EU
// AI Act tier; an organization may store its own definitions.
package gate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// ID names a gate: the transition it guards.
type ID string

// The gates. A model version is validated, then approved, then deployed; a
// system moves from verification and validation to deployment.
const (
	VersionValidation ID = "model_version_validation" // candidate → validated (A.6.2.4)
	VersionApproval   ID = "model_version_approval"   // validated → approved (A.6.2.4, A.6.2.5)
	VersionDeployment ID = "model_version_deployment" // approved → deployed (A.6.2.5)
	SystemDeployment  ID = "system_deployment"        // verification and validation → deployed (A.6.2.5)
)

// IDValues lists the gates in order.
func IDValues() []ID {
	return []ID{VersionValidation, VersionApproval, VersionDeployment, SystemDeployment}
}

// IsValid reports whether g is a known gate.
func (g ID) IsValid() bool { return slices.Contains(IDValues(), g) }

// Title is the gate's name for people, as in "its validation gate".
func (g ID) Title() string {
	switch g {
	case VersionValidation:
		return "validation gate"
	case VersionApproval:
		return "approval gate"
	case VersionDeployment:
		return "deployment gate"
	case SystemDeployment:
		return "system deployment gate"
	}
	return string(g)
}

// Transition says which move the gate guards, for people.
func (g ID) Transition() string {
	switch g {
	case VersionValidation:
		return "model version: candidate → validated"
	case VersionApproval:
		return "model version: validated → approved"
	case VersionDeployment:
		return "model version: approved → deployed"
	case SystemDeployment:
		return "AI system: verification and validation → deployed"
	}
	return ""
}

// Control is the ISO/IEC 42001 Annex A control the gate serves.
func (g ID) Control() string {
	switch g {
	case VersionValidation, VersionApproval:
		return "A.6.2.4"
	}
	return "A.6.2.5"
}

// ForStatus is the gate a model version passes to reach status to, or "".
func ForStatus(to aims.ModelVersionStatus) ID {
	switch to {
	case aims.ModelValidated:
		return VersionValidation
	case aims.ModelApproved:
		return VersionApproval
	case aims.ModelDeployed:
		return VersionDeployment
	}
	return ""
}

// Ahead lists the gates a model version with status from still has to pass
// to be approved and deployed, in order.
func Ahead(from aims.ModelVersionStatus) []ID {
	switch from {
	case aims.ModelCandidate:
		return []ID{VersionValidation, VersionApproval, VersionDeployment}
	case aims.ModelValidated:
		return []ID{VersionApproval, VersionDeployment}
	case aims.ModelApproved:
		return []ID{VersionDeployment}
	}
	return nil
}

// CheckKind is one of the closed set of things a gate can require.
type CheckKind string

// The check kinds (docs/gates.md describes each).
const (
	CheckImpactCurrent  CheckKind = "impact_current"          // an impact assessment signed off and not out of date (6.1.4, 8.4)
	CheckClassification CheckKind = "classification_recorded" // an EU AI Act classification recorded
	CheckRisks          CheckKind = "risks_within_appetite"   // every risk at or below appetite, or accepted (6.1.3, 8.3)
	CheckEvidence       CheckKind = "evidence"                // named kinds of evidence attached and fresh (7.5)
	CheckMetrics        CheckKind = "metrics_meet_criteria"   // every acceptance criterion met by a recorded metric (A.6.2.4)
	CheckApprovals      CheckKind = "approvals"               // approvals by named roles, with a quorum (A.6.2.5)
)

// CheckKindValues lists the check kinds.
func CheckKindValues() []CheckKind {
	return []CheckKind{CheckImpactCurrent, CheckClassification, CheckRisks, CheckEvidence, CheckMetrics, CheckApprovals}
}

// IsValid reports whether k is a known check kind.
func (k CheckKind) IsValid() bool { return slices.Contains(CheckKindValues(), k) }

// Check is one requirement of a gate.
type Check struct {
	Kind CheckKind `json:"kind"`
	// EvidenceKinds are the kinds of evidence required (CheckEvidence),
	// e.g. validation-report.
	EvidenceKinds []string `json:"evidence_kinds,omitempty"`
	// OfThisVersion asks that the evidence be linked to the very model
	// version passing the gate, not only to its system (CheckEvidence).
	OfThisVersion bool `json:"of_this_version,omitempty"`
	// Roles may approve (CheckApprovals); Quorum is how many distinct
	// people of those roles must (at least 1).
	Roles  []aims.Role `json:"roles,omitempty"`
	Quorum int         `json:"quorum,omitempty"`
}

// Definition is what one gate requires.
type Definition struct {
	Gate   ID      `json:"gate"`
	Checks []Check `json:"checks"`
}

// Validate names every bad field of a definition; an unknown check kind
// lists the valid ones.
func (d *Definition) Validate() error {
	var v aims.Validation
	if !d.Gate.IsValid() {
		v.Add("gate", "must be one of %s", join(IDValues()))
	}
	if len(d.Checks) == 0 {
		v.Add("checks", "list at least one check")
	}
	for i, c := range d.Checks {
		f := fmt.Sprintf("checks/%d", i)
		if !c.Kind.IsValid() {
			v.Add(f+"/kind", "must be one of %s", join(CheckKindValues()))
			continue
		}
		switch c.Kind {
		case CheckEvidence:
			if len(c.EvidenceKinds) == 0 {
				v.Add(f+"/evidence_kinds", "name at least one kind of evidence, e.g. validation-report")
			}
			for j, k := range c.EvidenceKinds {
				if strings.TrimSpace(k) == "" || len(k) > 80 {
					v.Add(fmt.Sprintf("%s/evidence_kinds/%d", f, j), "must be a kind of evidence of 1 to 80 characters")
				}
			}
		case CheckApprovals:
			if len(c.Roles) == 0 {
				v.Add(f+"/roles", "name at least one role")
			}
			for j, r := range c.Roles {
				if !r.IsValid() {
					v.Add(fmt.Sprintf("%s/roles/%d", f, j), "must be one of %s", join(aims.RoleValues()))
				}
			}
			if c.Quorum < 1 || c.Quorum > 20 {
				v.Add(f+"/quorum", "must be between 1 and 20")
			}
		}
		if c.OfThisVersion && (c.Kind != CheckEvidence || d.Gate == SystemDeployment) {
			v.Add(f+"/of_this_version", "applies only to evidence checks of a model version's gate")
		}
	}
	return v.Err()
}

func join[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, x := range vs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// Title is the check kind's name for people.
func (k CheckKind) Title() string {
	switch k {
	case CheckImpactCurrent:
		return "Impact assessment current"
	case CheckClassification:
		return "Classification recorded"
	case CheckRisks:
		return "Risks within appetite"
	case CheckEvidence:
		return "Evidence attached"
	case CheckMetrics:
		return "Metrics meet criteria"
	case CheckApprovals:
		return "Approvals"
	}
	return string(k)
}
