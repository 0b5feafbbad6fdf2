package ui

import (
	"regexp"
	"strings"
	"sync"

	"github.com/aimsproject/aims/internal/aims"
)

// Words for people: the one place where the UI turns the names the API
// speaks (JSON field names, enum values) into the words a person reads.
// The service's messages name fields by their JSON name, as the API's
// clients need; the web layer maps them here, for every form, the audit
// trail and the comparisons alike.

// fieldLabels names the fields whose label is not their JSON name in
// words; any other field reads as its name ("scope_justification" is
// "Scope justification", "owner_id" "Owner"). Entries are grouped by the
// capability that owns the field.
var fieldLabels = map[string]string{
	// AI systems
	"owner_id": "Owner", "owner_name": "Owner", "owner_email": "Owner's email",
	"in_scope": "In the AIMS scope", "operator_roles": "Operator roles", "impact_domains": "Impact domains",
	"intended_use": "Intended use", "foreseeable_misuse": "Foreseeable misuse", "business_unit": "Business unit",
	"deployed_model_version_id": "Deployed model version", "system_id": "AI system", "system_name": "AI system",
	// model versions
	"model_version_id": "Model version", "training_data_summary": "Training data summary",
	"registered_by": "Registered by", "registered_by_name": "Registered by", "approved_by": "Approved by",
	"approved_by_id": "Approved by", "approved_by_name": "Approved by", "acceptance_criteria": "Acceptance criteria",
	"status_changed_at": "Status changed", "deployed_at": "Deployed", "retired_at": "Retired", "approved_at": "Approved",
	// datasets and suppliers
	"dataset_id": "Dataset", "dataset_name": "Dataset", "supplier_id": "Supplier", "supplier_name": "Supplier",
	"window_start": "Window start", "window_end": "Window end", "source_uri": "Source",
	"personal_data": "Personal data", "collection_method": "Collection method", "legal_basis": "Legal basis",
	"quality_notes": "Quality notes", "quality_caveats": "Quality caveats",
	"criticality": "Criticality", "review_interval_days": "Review interval (days)", "last_review_on": "Last review",
	"next_review_on": "Next review", "review_overdue": "Review overdue", "diligence_evidence": "Due-diligence evidence",
	"due_diligence": "Due diligence", "answer_type": "Answer type", "question_id": "Question",
	// evidence
	"evidence_id": "Evidence", "url": "Link", "digest": "SHA-256 digest", "media_type": "Media type", "file_name": "File name",
	"collected_at": "Collected", "collected_by": "Collected by", "collected_by_label": "Collected by", "collected_token": "API token",
	"effective_from": "Covers from", "effective_to": "Covers until", "requirement": "Control", "max_age_days": "Fresh for (days)",
	"expiring_days": "Expiring window (days)", "live": "aims' own records", "link_key": "Kind and links",
	// lineage
	"instrument_id": "Instrument", "instrument_name": "Instrument", "calibration_state": "Calibration state",
	"calibration_required": "Calibration required", "calibration_interval_days": "Calibration interval (days)",
	"valid_from": "Valid from", "valid_to": "Valid until", "certificate_ref": "Certificate",
	"certificate_digest": "Certificate digest", "performed_by": "Performed by", "recorded_by": "Recorded by",
	"serial_number": "Serial number", "input_tags": "Input tags",
	// risks and impact
	"risk_id": "Risk", "inherent_likelihood": "Inherent likelihood", "inherent_consequence": "Inherent consequence",
	"inherent_level": "Inherent level", "residual_likelihood": "Residual likelihood",
	"residual_consequence": "Residual consequence", "residual_level": "Residual level", "residual_impact": "Residual impact",
	"next_review": "Next review", "treatment_plan": "Treatment plan", "accept_by": "Who may accept",
	"impact_assessment_id": "Impact assessment", "affected_parties": "Affected parties",
	"affected_description": "Who is affected", "people_affected": "People affected", "due_date": "Due date",
	// objectives and their measurements
	"target_value": "Target", "comparison": "Comparison", "measure": "Measure",
	"indicator": "Indicator", "evaluation": "How results are evaluated", "resources": "Resources needed",
	"measured_at": "Measured", "objective_id": "Objective", "met": "Target met", "inputs": "Counts",
	// statement of applicability
	"requirement_id": "Control", "implementation_status": "Implementation status", "target_date": "Target date",
	"not_applicable": "Not applicable",
	// sign-in (identity)
	"sso_enabled": "Sign in through the identity provider", "display_name": "Provider's name", "issuer": "Issuer URL",
	"client_id": "Client ID", "client_secret": "Client secret", "has_client_secret": "Client secret stored", "group_claim": "Group claim",
	"group_roles": "Groups and roles", "default_role": "Default role", "invited_only": "Only invited people may join",
	"local_passwords": "Local passwords work", "break_glass_email": "Break-glass account", "totp_required": "Second factor for local passwords",
	"second_factor": "Second factor", "sessions_ended": "Sessions ended", "current_password": "Current password", "new_password": "New password",
	// documents and approvals
	"doc_type": "Type", "review_interval_months": "Review interval (months)", "requirements": "Clauses and controls",
	"system_ids": "AI systems", "business_units": "Business units", "ai_roles": "Roles for AI", "interfaces": "Other management systems",
	"change_summary": "What changed", "file_sha256": "Attached file", "effective_on": "Effective from", "approval_id": "Approval",
	"current_version": "Version in force", "latest_version": "Newest version", "latest_status": "Newest version's status",
	"overdue_review": "Review overdue", "subject_kind": "Kind of record", "subject_id": "Record", "subject_digest": "Content digest",
	"subject_label": "What is approved", "approvers": "Approvers", "approver_roles": "Approver roles", "quorum": "Approvals needed",
	"due_on": "Due", "requested_by": "Requested by", "requested_by_label": "Requested by",
	"separation_of_duties": "Separation of duties", "decided_by": "Decided by", "decided_by_label": "Decided by",
	"decided_at": "Decided", "verdict": "Decision", "version_id": "Version", "user_label": "Person",
	"acknowledged_at": "Acknowledged", "document_id": "Document", "waiting_for_me": "Waiting for me",
	// context, planned changes, resources, communication
	"relevance_reason": "Why not relevant", "climate_change": "Climate issue", "objective_ids": "Objectives",
	"review_date": "Next review", "effect": "Effect on the AIMS", "completed_on": "Completed on",
	"completion_note": "Completion note", "responsible_id": "Responsible", "responsible_name": "Responsible",
	"first_due": "First due", "next_due": "Next due", "audience_kind": "Audience", "audience": "To whom",
	"subject": "What is communicated", "cadence": "How often", "channel": "How", "through": "Through",
	"addressed": "Addressed",
	// people, roles and competence
	"job_title": "Job title", "person_id": "Person", "person_name": "Person", "role_id": "AIMS role", "role_name": "AIMS role",
	"stop_authority": "May stop an AI system", "receives_report": "Receives the performance report",
	"impact_domain": "Only for systems with impact", "valid_months": "Valid for (months)",
	"expires_on": "Expires", "held_on": "Held on", "attendee_ids": "Attendees", "max_age_months": "Counts for (months)",
	"assignment_count": "Holders", "letter": "RACI",
	// common
	"id": "Record", "created_at": "Created", "updated_at": "Last changed", "created_by": "Created by",
	"user_id": "Person", "token_id": "API token", "expires_at": "Expires", "revoked_at": "Revoked",
	"last_used_at": "Last used", "last_login_at": "Last signed in", "joined_at": "Joined", "invited_by": "Invited by",
}

// fieldPhrases are the fields a message names in a sentence, where the
// label alone reads badly: "must not be before the window's start".
var fieldPhrases = map[string]string{
	"window_start": "the window's start", "window_end": "the window's end",
	"valid_from": "the first valid day", "valid_to": "the last valid day",
}

// FieldLabel turns a field name into words: "scope_justification" becomes
// "Scope justification", "owner_id" "Owner". A nested name
// ("datasets/0/purpose") is its last field's label.
func FieldLabel(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	name = strings.TrimSuffix(name, "_id")
	name = strings.ReplaceAll(name, "_", " ")
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// FieldPhrase is a field as a sentence names it: "the window's start".
func FieldPhrase(name string) string {
	if p, ok := fieldPhrases[name]; ok {
		return p
	}
	return "the " + strings.ToLower(FieldLabel(name))
}

var (
	valueTitlesOnce sync.Once
	valueTitles     map[string]string
)

func addTitles[T ~string](m map[string]string, vs []T, title func(T) string) {
	for _, v := range vs {
		if _, ok := m[string(v)]; !ok {
			m[string(v)] = title(v)
		}
	}
}

// ValueTitle is an enum value's title wherever the page knows only the
// stored value (the audit trail, a comparison, a message): "never_calibrated"
// is "Never calibrated". ok is false for a value no enum has.
func ValueTitle(v string) (string, bool) {
	valueTitlesOnce.Do(func() {
		m := map[string]string{}
		addTitles(m, aims.LifecycleStageValues(), aims.LifecycleStage.Title)
		addTitles(m, aims.ModelVersionStatusValues(), aims.ModelVersionStatus.Title)
		addTitles(m, aims.CalibrationStateValues(), aims.CalibrationState.Title)
		addTitles(m, aims.CalibrationResultValues(), aims.CalibrationResult.Title)
		addTitles(m, aims.InstrumentKindValues(), aims.InstrumentKind.Title)
		addTitles(m, aims.LineageNodeKindValues(), aims.LineageNodeKind.Title)
		addTitles(m, aims.DatasetPurposeValues(), aims.DatasetPurpose.Title)
		addTitles(m, aims.RiskStatusValues(), aims.RiskStatus.Title)
		addTitles(m, aims.TreatmentOptionValues(), aims.TreatmentOption.Title)
		addTitles(m, aims.AcceptAuthorityValues(), aims.AcceptAuthority.Title)
		addTitles(m, aims.RiskSourceKindValues(), aims.RiskSourceKind.Title)
		addTitles(m, aims.CharacteristicValues(), aims.Characteristic.Title)
		addTitles(m, aims.ActionStatusValues(), aims.ActionStatus.Title)
		addTitles(m, aims.RoleValues(), aims.Role.Title)
		addTitles(m, aims.TOTPRequirementValues(), aims.TOTPRequirement.Title)
		addTitles(m, aims.ApplicabilityValues(), aims.Applicability.Title)
		addTitles(m, aims.ImplementationStatusValues(), aims.ImplementationStatus.Title)
		addTitles(m, aims.SupplyCategoryValues(), aims.SupplyCategory.Title)
		addTitles(m, aims.DocumentTypeValues(), aims.DocumentType.Title)
		addTitles(m, aims.DocumentStatusValues(), aims.DocumentStatus.Title)
		addTitles(m, aims.DocumentClassificationValues(), aims.DocumentClassification.Title)
		addTitles(m, aims.ManagementStandardValues(), aims.ManagementStandard.Title)
		addTitles(m, aims.ApprovalStatusValues(), aims.ApprovalStatus.Title)
		addTitles(m, aims.VerdictValues(), aims.Verdict.Title)
		addTitles(m, aims.SubjectKinds(), aims.SubjectKindTitle)
		addTitles(m, aims.ComparisonValues(), aims.Comparison.Title)
		addTitles(m, aims.CadenceValues(), aims.Cadence.Title)
		addTitles(m, aims.MeasureKindValues(), aims.MeasureKind.Title)
		addTitles(m, aims.ObjectiveStatusValues(), aims.ObjectiveStatus.Title)
		addTitles(m, aims.IndicatorNameValues(), aims.IndicatorName.Title)
		for _, n := range aims.InputNames() {
			if _, taken := m[n]; !taken && strings.Contains(n, "_") {
				m[n] = aims.InputTitle(n) // the counts behind a measurement
			}
		}
		addTitles(m, aims.AutonomyValues(), aims.Autonomy.Title)
		addTitles(m, aims.ImpactDomainValues(), aims.ImpactDomain.Title)
		addTitles(m, aims.ImpactLevelValues(), aims.ImpactLevel.Title)
		addTitles(m, aims.ImpactAreaValues(), aims.ImpactArea.Title)
		addTitles(m, aims.AffectedPartyValues(), aims.AffectedParty.Title)
		addTitles(m, aims.HumanActionValues(), aims.HumanAction.Title)
		addTitles(m, aims.ImpactClassValues(), aims.ImpactClass.Title)
		addTitles(m, aims.TierValues(), aims.Tier.Title)
		addTitles(m, aims.RelationshipValues(), aims.Relationship.Title)
		addTitles(m, aims.IssueOriginValues(), aims.IssueOrigin.Title)
		addTitles(m, aims.RelevanceValues(), aims.Relevance.Title)
		addTitles(m, aims.PartyKindValues(), aims.PartyKind.Title)
		addTitles(m, aims.AddressingValues(), aims.Addressing.Title)
		addTitles(m, aims.ChangeStatusValues(), aims.ChangeStatus.Title)
		addTitles(m, aims.ResourceKindValues(), aims.ResourceKind.Title)
		addTitles(m, aims.AudienceValues(), aims.Audience.Title)
		addTitles(m, aims.CommunicationCadenceValues(), aims.CommunicationCadence.Title)
		addTitles(m, aims.OperatorRoleValues(), OperatorRoleLabel)
		addTitles(m, aims.PersonalDataValues(), PersonalDataLabel)
		addTitles(m, aims.EvidenceTargetValues(), aims.EvidenceTarget.Title)
		addTitles(m, aims.EvidenceSourceValues(), aims.EvidenceSource.Title)
		addTitles(m, aims.FreshnessValues(), aims.Freshness.Title)
		addTitles(m, aims.LiveSetValues(), aims.LiveSet.Title)
		addTitles(m, aims.ReopenCauseValues(), aims.ReopenCause.Title)
		addTitles(m, aims.GPAIValues(), func(g aims.GPAI) string { return Capitalize(string(g)) })
		addTitles(m, aims.LineageKindValues(), func(k aims.LineageKind) string { return Capitalize(string(k)) })
		valueTitles = m
	})
	t, ok := valueTitles[v]
	return t, ok
}

var (
	tokenRe  = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)
	oneOfRe  = regexp.MustCompile(`must be one of (.+)$`)
	listSepR = regexp.MustCompile(`,\s*`)
)

// MessageWords rewrites a service message for people: a field it names by
// its JSON name ("must not be before window_start") by its phrase ("must not
// be before the window's start"), and the values of "must be one of" by
// their titles.
func MessageWords(msg string) string {
	if m := oneOfRe.FindStringSubmatchIndex(msg); m != nil {
		vals := listSepR.Split(msg[m[2]:m[3]], -1)
		for i, v := range vals {
			if t, ok := ValueTitle(v); ok {
				vals[i] = t
			}
		}
		msg = msg[:m[2]] + strings.Join(vals, ", ")
	}
	// What the message quotes (a name someone typed: “credit_scoring_v2”)
	// and addresses or paths are left as they are.
	var b strings.Builder
	last := 0
	for _, q := range quotedRe.FindAllStringIndex(msg, -1) {
		b.WriteString(tokenWords(msg[last:q[0]]))
		b.WriteString(msg[q[0]:q[1]])
		last = q[1]
	}
	b.WriteString(tokenWords(msg[last:]))
	return b.String()
}

// quotedRe is what a message quotes, or a word joined to an address or a
// path.
var quotedRe = regexp.MustCompile(`“[^”]*”|"[^"]*"|\S*[@/]\S*`)

func tokenWords(s string) string {
	return tokenRe.ReplaceAllStringFunc(s, func(tok string) string {
		if t, ok := ValueTitle(tok); ok {
			return t
		}
		return FieldPhrase(tok)
	})
}

// ValueWords writes a stored value the page knows only as text (a
// comparison's before and after): an enum value by its title, an empty
// one as "—"; text as is.
func ValueWords(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	if t, ok := ValueTitle(s); ok {
		return t
	}
	return s
}
