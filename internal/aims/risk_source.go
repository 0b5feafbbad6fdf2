package aims

import (
	"time"
)

// RiskSource is where a risk comes from: one of the possible sources of AI
// risk of ISO/IEC 42001 Annex C.3, one of the generative-AI risks of NIST
// AI 600-1, or the organization's own words.
type RiskSource struct {
	Kind  RiskSourceKind `json:"kind" enum:"annex_c,nist_gai,custom"`
	ID    string         `json:"id,omitempty" doc:"For annex_c a risk source such as C.3.4; for nist_gai a risk such as GAI-2"`
	Text  string         `json:"text,omitempty" doc:"For custom: the source in your words"`
	Title string         `json:"title,omitempty" readOnly:"true" doc:"The catalog's title of the source, or the custom text; filled on reading"`
}

// RiskSourceKind names the catalog a risk source comes from.
type RiskSourceKind string

// The kinds of risk source.
const (
	SourceAnnexC  RiskSourceKind = "annex_c"  // ISO/IEC 42001 Annex C.3, catalog id iso42001
	SourceNISTGAI RiskSourceKind = "nist_gai" // NIST AI 600-1, catalog id nist-ai-rmf
	SourceCustom  RiskSourceKind = "custom"
)

// RiskSourceKindValues lists the kinds.
func RiskSourceKindValues() []RiskSourceKind {
	return []RiskSourceKind{SourceAnnexC, SourceNISTGAI, SourceCustom}
}

// IsValid reports whether k is a known kind.
func (k RiskSourceKind) IsValid() bool { return enumValid(k, RiskSourceKindValues()) }

// Title is the kind's name for people.
func (k RiskSourceKind) Title() string {
	switch k {
	case SourceAnnexC:
		return "ISO/IEC 42001 Annex C risk source"
	case SourceNISTGAI:
		return "NIST AI 600-1 generative-AI risk"
	case SourceCustom:
		return "Our own"
	}
	return string(k)
}

// Ref is the catalog requirement the source names, when it names one.
func (s RiskSource) Ref() (Ref, bool) {
	switch s.Kind {
	case SourceAnnexC:
		return Ref{Framework: "iso42001", ID: s.ID}, true
	case SourceNISTGAI:
		return Ref{Framework: "nist-ai-rmf", ID: s.ID}, true
	}
	return Ref{}, false
}

// Label is the source as people read it: "C.3.4 Risk sources related to
// machine learning", or the custom text.
func (s RiskSource) Label() string {
	if s.Kind == SourceCustom {
		return s.Text
	}
	if s.Title == "" {
		return s.ID
	}
	return s.ID + " " + s.Title
}

func (s *RiskSource) validate(v *Validation) {
	switch s.Kind {
	case SourceAnnexC, SourceNISTGAI:
		v.Required("source/id", s.ID)
		s.Text = ""
	case SourceCustom:
		v.Required("source/text", s.Text)
		v.MaxLen("source/text", s.Text, 500)
		s.ID = ""
	default:
		v.Add("source/kind", "must be one of %s", joinValues(RiskSourceKindValues()))
	}
}

// Characteristic is one of the seven characteristics of trustworthy AI of
// the NIST AI RMF (NIST AI 100-1, section 3).
type Characteristic string

// The trustworthiness characteristics.
const (
	ValidReliable            Characteristic = "valid_reliable"
	Safe                     Characteristic = "safe"
	SecureResilient          Characteristic = "secure_resilient"
	AccountableTransparent   Characteristic = "accountable_transparent"
	ExplainableInterpretable Characteristic = "explainable_interpretable"
	PrivacyEnhanced          Characteristic = "privacy_enhanced"
	Fair                     Characteristic = "fair"
)

// CharacteristicValues lists the characteristics in NIST's order.
func CharacteristicValues() []Characteristic {
	return []Characteristic{ValidReliable, Safe, SecureResilient, AccountableTransparent, ExplainableInterpretable, PrivacyEnhanced, Fair}
}

// IsValid reports whether c is a known characteristic.
func (c Characteristic) IsValid() bool { return enumValid(c, CharacteristicValues()) }

// Title is NIST's name of the characteristic.
func (c Characteristic) Title() string {
	switch c {
	case ValidReliable:
		return "Valid and reliable"
	case Safe:
		return "Safe"
	case SecureResilient:
		return "Secure and resilient"
	case AccountableTransparent:
		return "Accountable and transparent"
	case ExplainableInterpretable:
		return "Explainable and interpretable"
	case PrivacyEnhanced:
		return "Privacy-enhanced"
	case Fair:
		return "Fair, with harmful bias managed"
	}
	return string(c)
}

// CatalogID is the characteristic's id in the NIST AI RMF catalog (TC-1 to
// TC-7).
func (c Characteristic) CatalogID() string {
	for i, x := range CharacteristicValues() {
		if x == c {
			return "TC-" + itoa(i+1)
		}
	}
	return ""
}

// TreatmentAction is one action of a risk's treatment plan (6.1.3 e, 8.3),
// with an owner and a due date.
type TreatmentAction struct {
	ID          string       `json:"id"`
	RiskID      string       `json:"risk_id"`
	Title       string       `json:"title"`
	OwnerID     string       `json:"owner_id"`
	OwnerName   string       `json:"owner_name,omitempty"`
	OwnerEmail  string       `json:"owner_email,omitempty"`
	DueDate     *Date        `json:"due_date,omitempty"`
	Status      ActionStatus `json:"status"`
	Notes       string       `json:"notes"`
	CompletedAt *time.Time   `json:"completed_at,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Overdue     bool         `json:"overdue" doc:"Open and past its due date"`
}

// AuditLabel names the action in the audit trail.
func (a *TreatmentAction) AuditLabel() string { return a.Title }

// IsOpen reports whether the action still has work to do.
func (a *TreatmentAction) IsOpen() bool {
	return a.Status == ActionPlanned || a.Status == ActionInProgress
}

// Normalize trims text fields and defaults the status.
func (a *TreatmentAction) Normalize() {
	a.Title = CleanText(a.Title)
	a.OwnerID = CleanText(a.OwnerID)
	a.Notes = CleanText(a.Notes)
	if a.Status == "" {
		a.Status = ActionPlanned
	}
}

// Validate checks the fields a person enters.
func (a *TreatmentAction) Validate() error {
	var v Validation
	v.Required("title", a.Title)
	v.MaxLen("title", a.Title, 300)
	v.Required("owner_id", a.OwnerID)
	if !a.Status.IsValid() {
		v.Add("status", "must be one of %s", joinValues(ActionStatusValues()))
	}
	v.MaxLen("notes", a.Notes, 4000)
	return v.Err()
}

// TreatmentActionUpdate changes some fields of an action; nil means unchanged. A
// zero DueDate clears it.
type TreatmentActionUpdate struct {
	Title   *string       `json:"title,omitempty"`
	OwnerID *string       `json:"owner_id,omitempty"`
	DueDate *Date         `json:"due_date,omitempty"`
	Status  *ActionStatus `json:"status,omitempty"`
	Notes   *string       `json:"notes,omitempty"`
}

// Apply returns a copy of a with the update's fields set.
func (u TreatmentActionUpdate) Apply(a TreatmentAction) TreatmentAction {
	set(&a.Title, u.Title)
	set(&a.OwnerID, u.OwnerID)
	set(&a.Status, u.Status)
	set(&a.Notes, u.Notes)
	if u.DueDate != nil {
		a.DueDate = nonZeroDate(*u.DueDate)
	}
	return a
}

// ActionStatus is where a treatment action stands.
type ActionStatus string

// The action statuses.
const (
	ActionPlanned    ActionStatus = "planned"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionCancelled  ActionStatus = "cancelled"
)

// ActionStatusValues lists the statuses in order.
func ActionStatusValues() []ActionStatus {
	return []ActionStatus{ActionPlanned, ActionInProgress, ActionDone, ActionCancelled}
}

// IsValid reports whether s is a known status.
func (s ActionStatus) IsValid() bool { return enumValid(s, ActionStatusValues()) }

// Title is the status's name for people.
func (s ActionStatus) Title() string { return titleOf(string(s)) }
