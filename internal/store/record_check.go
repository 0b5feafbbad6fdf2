package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// What `aims log check` reads to compare each record's current row with the
// state the log sealed for it: the after-image of the latest sealed audit
// event about it (service/log_check_state.go compares them).

// A RecordKind is a kind of record written through Tx.record whose current
// rows the log check compares with their sealed state. Adding a kind is one
// entry in RecordKinds.
type RecordKind struct {
	EntityType string // the entity_type of its audit events
	Table      string // its table: one row a record, with org_id and id columns
	// Image is the type the write path records as the after-image; its
	// JSON fields say which columns are compared (a column is compared
	// with the field of its name, or of the name Fields gives it) and,
	// when a field is absent from an image, that its value was the zero
	// one (omitempty).
	Image any
	// Fields maps a column to the image's field when their names differ;
	// a dotted name reaches into an object ("source.kind"); "" leaves
	// the column out.
	Fields map[string]string
	// Within names another kind whose after-images also seal these
	// records, in a list under that key (an SoA version carries the
	// rows it was created with): the latest sealed of the record's own
	// events and those images is its sealed state.
	Within *Within
}

// Within is a list of images of records inside another kind's images.
type Within struct {
	EntityType string
	Key        string
}

// RecordKinds are the kinds of records whose current state the log check
// compares with their sealed state. Not here: decisions (checked against
// their own leaves), accounts (shared by organizations; their audit events
// carry what changed, not a whole image), memberships and requirement texts
// (no id of their own), organizations, API tokens (their last use is
// kept without an audit event), frameworks and mappings.
var RecordKinds = []RecordKind{
	{EntityType: aims.EntityAISystem, Table: "ai_systems", Image: aims.AISystem{}, Fields: map[string]string{
		"gate_override_reason": "gate_override.reason", "gate_override_by": "gate_override.by", "gate_override_at": "gate_override.at"}},
	{EntityType: aims.EntityStageTransition, Table: "system_stage_transitions", Image: aims.StageTransition{}},
	{EntityType: aims.EntitySupplier, Table: "suppliers", Image: aims.Supplier{}},
	{EntityType: aims.EntitySupplierQuestion, Table: "supplier_questions", Image: aims.SupplierQuestion{}},
	{EntityType: aims.EntityMLflowSync, Table: "mlflow_syncs", Image: aims.MLflowSync{}},
	{EntityType: aims.EntityPerson, Table: "people", Image: aims.Person{}},
	{EntityType: aims.EntityAIMSRole, Table: "aims_roles", Image: aims.AIMSRole{}},
	{EntityType: aims.EntityRoleAssignment, Table: "role_assignments", Image: aims.RoleAssignment{}},
	{EntityType: aims.EntityRACICell, Table: "raci_cells", Image: aims.RACICell{}},
	{EntityType: aims.EntityCompetenceRequirement, Table: "competence_requirements", Image: aims.CompetenceRequirement{}},
	{EntityType: aims.EntityTrainingRecord, Table: "training_records", Image: aims.TrainingRecord{}},
	{EntityType: aims.EntityAwarenessSession, Table: "awareness_sessions", Image: aims.AwarenessSession{}},
	{EntityType: aims.EntityLiteracySetting, Table: "literacy_settings", Image: aims.LiteracySetting{}},
	{EntityType: aims.EntityDataset, Table: "datasets", Image: aims.Dataset{}},
	{EntityType: aims.EntityModelVersion, Table: "model_versions", Image: aims.ModelVersion{}},
	{EntityType: aims.EntityRisk, Table: "risks", Image: aims.Risk{}, Fields: map[string]string{
		"likelihood": "inherent_likelihood", "consequence": "inherent_consequence", "level": "inherent_level",
		"source_kind": "source.kind", "source_id": "source.id", "source_text": "source.text",
		"accepted_by_id": "acceptance.by_id", "accepted_by": "acceptance.by", "accepted_at": "acceptance.at",
		"accepted_rationale": "acceptance.rationale", "accepted_level": "acceptance.level",
		"assessment_id": "impact_assessment_id"}},
	{EntityType: aims.EntityRiskAction, Table: "risk_actions", Image: aims.TreatmentAction{}},
	{EntityType: aims.EntityRiskCriteria, Table: "risk_criteria", Image: aims.RiskCriteria{}},
	{EntityType: aims.EntityImpactAssessment, Table: "impact_assessments", Image: aims.ImpactAssessment{}},
	{EntityType: aims.EntityClassification, Table: "classifications", Image: aims.Classification{}},
	{EntityType: aims.EntityObligationStatus, Table: "obligation_statuses", Image: aims.ObligationStatus{}},
	{EntityType: aims.EntitySoAVersion, Table: "soa_versions", Image: aims.SoAVersion{},
		// A row's edit touches its version's updated_at; the row's own
		// event seals that edit.
		Fields: map[string]string{"updated_at": ""}},
	{EntityType: aims.EntitySoARow, Table: "soa_rows", Image: aims.SoARow{}, Fields: map[string]string{"status": "implementation_status"},
		Within: &Within{EntityType: aims.EntitySoAVersion, Key: "rows"}},
	{EntityType: aims.EntityInstrument, Table: "instruments", Image: aims.Instrument{}},
	{EntityType: aims.EntityCalibration, Table: "calibrations", Image: aims.Calibration{}},
	{EntityType: aims.EntityTag, Table: "tags", Image: aims.Tag{}},
	{EntityType: aims.EntityFeature, Table: "features", Image: aims.Feature{}},
	{EntityType: aims.EntitySuspension, Table: "suspensions", Image: aims.Suspension{}},
	{EntityType: aims.EntityGateReopening, Table: "gate_reopenings", Image: aims.GateReopening{}},
	{EntityType: aims.EntityObjective, Table: "objectives", Image: aims.Objective{}},
	{EntityType: aims.EntityMeasurement, Table: "objective_measurements", Image: aims.Measurement{}},
	{EntityType: aims.EntityContextIssue, Table: "context_issues", Image: aims.ContextIssue{}},
	{EntityType: aims.EntityContextCategories, Table: "context_categories", Image: aims.ContextCategories{}},
	{EntityType: aims.EntityInterestedParty, Table: "interested_parties", Image: aims.InterestedParty{}},
	{EntityType: aims.EntityPlannedChange, Table: "planned_changes", Image: aims.PlannedChange{}},
	{EntityType: aims.EntityResource, Table: "resources", Image: aims.Resource{}},
	{EntityType: aims.EntityCommunication, Table: "communications", Image: aims.Communication{}},
	// The client secret is never in an image (it says only whether one is
	// stored).
	{EntityType: aims.EntitySignInSettings, Table: "sign_in_settings", Image: aims.SignInSettings{}, Fields: map[string]string{"client_secret": ""}},
	{EntityType: aims.EntityEvidence, Table: "evidence", Image: aims.Evidence{}},
	{EntityType: aims.EntityEvidenceRevision, Table: "evidence_revisions", Image: aims.EvidenceRevision{}},
	{EntityType: aims.EntityEvidenceRequirement, Table: "evidence_requirements", Image: aims.EvidenceRequirement{}},
	// A tamper alert acknowledged or deleted in the database is named too.
	{EntityType: aims.EntityLogAlert, Table: "log_alerts", Image: aims.LogAlert{}},
	{EntityType: aims.EntityApprovalRequest, Table: "approval_requests", Image: aims.ApprovalRequest{}},
	{EntityType: aims.EntityDocument, Table: "documents", Image: aims.Document{}},
	{EntityType: aims.EntityDocumentVersion, Table: "document_versions", Image: aims.DocumentVersion{}},
	{EntityType: aims.EntityAcknowledgement, Table: "document_acknowledgements", Image: aims.Acknowledgement{}},
}

// fields returns the JSON names of the image's fields.
func (k RecordKind) fields() map[string]bool {
	out := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				walk(f.Type)
				continue
			}
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			out[name] = true
		}
	}
	walk(reflect.TypeOf(k.Image))
	return out
}

// Compared returns, for each column of the kind's table that its image
// holds, the image's field for it.
func (k RecordKind) Compared(columns []string) map[string]string {
	fields := k.fields()
	out := map[string]string{}
	for _, c := range columns {
		if c == "org_id" {
			continue
		}
		f, renamed := k.Fields[c]
		if !renamed {
			f = c
		}
		if f == "" {
			continue
		}
		top, _, _ := strings.Cut(f, ".")
		if fields[top] {
			out[c] = f
		}
	}
	return out
}

// SealedImage is the latest sealed state of a record: the after-image of
// the latest sealed audit event about it (nil for a delete).
type SealedImage struct {
	EventID string
	Leaf    uint64
	Action  aims.AuditAction
	Label   string
	After   json.RawMessage
	Entry   []byte // the leaf's entry, which seals a digest of After
	// Parent is the whole after-image that holds After, for an image
	// within another record's (the entry seals the parent's digest).
	Parent json.RawMessage
}

// RecordRow is a record's current row: its columns by name.
type RecordRow struct {
	ID      string
	Columns map[string]any
}

// RecordPage is a page of one kind's records: the current rows with ids in
// (After, Until] (Until empty: no bound) and the sealed state of every
// record with an id in that range, by id.
type RecordPage struct {
	Columns []string
	Rows    []RecordRow
	Sealed  map[string]*SealedImage
}

// ReadRecordPage reads the next page of at most limit rows of kind after
// the id after, with the sealed state of the records in its range. Call it
// with the last id of the page before until it returns no rows and
// done; the check holds one page at a time.
func ReadRecordPage(ctx context.Context, q Querier, head *LogHead, kind RecordKind, after string, limit int) (page *RecordPage, last string, done bool, err error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT * FROM `+kind.Table+` WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		head.OrgID, after, limit)
	if err != nil {
		return nil, "", false, fmt.Errorf("read %s: %w", kind.Table, mapError(err))
	}
	page = &RecordPage{Sealed: map[string]*SealedImage{}}
	if page.Columns, err = rows.Columns(); err != nil {
		rows.Close()
		return nil, "", false, err
	}
	for rows.Next() {
		vals := make([]any, len(page.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return nil, "", false, fmt.Errorf("read %s: %w", kind.Table, err)
		}
		r := RecordRow{Columns: make(map[string]any, len(vals))}
		for i, c := range page.Columns {
			r.Columns[c] = vals[i]
		}
		r.ID = fmt.Sprint(asString(r.Columns["id"]))
		page.Rows = append(page.Rows, r)
	}
	if err := rows.Close(); err != nil {
		return nil, "", false, err
	}
	if err := rows.Err(); err != nil {
		return nil, "", false, fmt.Errorf("read %s: %w", kind.Table, err)
	}
	done = len(page.Rows) < limit
	until := ""
	if !done {
		until = page.Rows[len(page.Rows)-1].ID
	}
	if err := readSealedImages(ctx, q, head, kind.EntityType, after, until, page.Sealed); err != nil {
		return nil, "", false, err
	}
	return page, until, done, nil
}

// readSealedImages adds to out the latest sealed audit event of each
// record of entityType with an id in (after, until] (until empty: no
// bound), in the order the log sealed them.
func readSealedImages(ctx context.Context, q Querier, head *LogHead, entityType, after, until string, out map[string]*SealedImage) error {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT e.entity_id, e.id, l.idx, e.action, e.entity_label, e.after_json, l.entry
		FROM audit_events e JOIN log_leaves l ON l.log_id = $1 AND l.ref = e.id AND l.ref <> ''
		WHERE e.org_id = $2 AND e.entity_type = $3 AND e.entity_id > $4 AND ($5 OR e.entity_id <= $6)
		ORDER BY e.entity_id, l.idx`, head.LogID, head.OrgID, entityType, after, until == "", until)
	if err != nil {
		return fmt.Errorf("read the sealed state of %s records: %w", entityType, mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var img SealedImage
		var idx int64
		var action string
		var a sql.NullString
		if err := rows.Scan(&id, &img.EventID, &idx, &action, &img.Label, &a, &img.Entry); err != nil {
			return fmt.Errorf("read the sealed state of %s records: %w", entityType, err)
		}
		img.Leaf, img.Action = uint64(idx), aims.AuditAction(action)
		if a.Valid {
			img.After = json.RawMessage(a.String)
		}
		if prev := out[id]; prev == nil || prev.Leaf < img.Leaf {
			out[id] = &img
		}
	}
	return rows.Err()
}

// ReadImagesWithin returns the images of records listed under w.Key in the
// after-images of w's kind, by record id, each the latest sealed.
func ReadImagesWithin(ctx context.Context, q Querier, head *LogHead, w *Within) (map[string]*SealedImage, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT e.id, l.idx, e.action, e.after_json, l.entry
		FROM audit_events e JOIN log_leaves l ON l.log_id = $1 AND l.ref = e.id AND l.ref <> ''
		WHERE e.org_id = $2 AND e.entity_type = $3 AND e.after_json IS NOT NULL
		ORDER BY l.idx`, head.LogID, head.OrgID, w.EntityType)
	if err != nil {
		return nil, fmt.Errorf("read the sealed state of %s records: %w", w.EntityType, mapError(err))
	}
	defer rows.Close()
	out := map[string]*SealedImage{}
	for rows.Next() {
		var evID, action, after string
		var idx int64
		var entry []byte
		if err := rows.Scan(&evID, &idx, &action, &after, &entry); err != nil {
			return nil, err
		}
		var parent map[string]json.RawMessage
		if json.Unmarshal([]byte(after), &parent) != nil || parent[w.Key] == nil {
			continue
		}
		var items []json.RawMessage
		if json.Unmarshal(parent[w.Key], &items) != nil {
			continue
		}
		for _, it := range items {
			var ref struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(it, &ref) != nil || ref.ID == "" {
				continue
			}
			out[ref.ID] = &SealedImage{EventID: evID, Leaf: uint64(idx), Action: aims.ActionCreate, After: it,
				Entry: entry, Parent: json.RawMessage(after)}
		}
	}
	return out, rows.Err()
}

func asString(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}
