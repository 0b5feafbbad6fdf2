package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// documents is the controlled documents register's table.
var documents = register{table: "documents", noun: "document", entity: aims.EntityDocument}

// documentWriteError turns a taken title into a conflict on the title.
func documentWriteError(err error, title string) error {
	if err != nil && isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("a document titled %q already exists", title),
			Fields: []aims.FieldError{{Field: "title", Detail: "is already used by another document"}}}
	}
	if err != nil {
		return fmt.Errorf("write document %q: %w", title, mapError(err))
	}
	return nil
}

// CreateDocument adds a document to the organization in scope.
func CreateDocument(ctx context.Context, tx *Tx, scope aims.Scope, d *aims.Document) error {
	d.ID = newID()
	d.CreatedAt, d.UpdatedAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO documents (id, org_id, title, title_key, doc_type, classification, owner_id, review_interval_months,
			next_review, requirements, system_ids, processes, sites, business_units, ai_roles, interfaces, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		d.ID, scope.OrgID(), d.Title, nameKey(d.Title), string(d.Type), string(d.Classification), d.OwnerID,
		d.ReviewIntervalMonths, nullDate(d.NextReview), encodeList(d.Requirements), encodeList(d.SystemIDs),
		encodeList(d.Processes), encodeList(d.Sites), encodeList(d.BusinessUnits), encodeList(d.AIRoles),
		encodeList(d.Interfaces), d.CreatedAt, d.UpdatedAt)
	if err := documentWriteError(err, d.Title); err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityDocument, d.ID, d)
}

const documentSelect = `
	SELECT d.id, d.title, d.doc_type, d.classification, d.owner_id, COALESCE(u.name, ''), d.review_interval_months,
		d.next_review, d.requirements, d.system_ids, d.processes, d.sites, d.business_units, d.ai_roles, d.interfaces,
		d.created_at, d.updated_at,
		COALESCE((SELECT CAST(v.major AS TEXT) || '.' || CAST(v.minor AS TEXT) FROM document_versions v
			WHERE v.org_id = d.org_id AND v.document_id = d.id AND v.status = 'approved'
			ORDER BY v.major DESC, v.minor DESC LIMIT 1), ''),
		COALESCE((SELECT CAST(v.major AS TEXT) || '.' || CAST(v.minor AS TEXT) || ' ' || v.status FROM document_versions v
			WHERE v.org_id = d.org_id AND v.document_id = d.id
			ORDER BY v.major DESC, v.minor DESC LIMIT 1), '')`

// documentFrom is what documentSelect reads from.
const documentFrom = `
	FROM documents d LEFT JOIN users u ON u.id = d.owner_id`

func scanDocument(sc scanner, today aims.Date, extra ...any) (*aims.Document, error) {
	var d aims.Document
	var typ, class, reqs, systems, procs, sites, units, roles, ifaces, latest string
	var next sql.NullTime
	if err := sc.Scan(append([]any{&d.ID, &d.Title, &typ, &class, &d.OwnerID, &d.OwnerName, &d.ReviewIntervalMonths, &next,
		&reqs, &systems, &procs, &sites, &units, &roles, &ifaces, &d.CreatedAt, &d.UpdatedAt, &d.Current, &latest}, extra...)...); err != nil {
		return nil, err
	}
	d.Type, d.Classification = aims.DocumentType(typ), aims.DocumentClassification(class)
	d.NextReview = scanDate(next)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if n, s, ok := strings.Cut(latest, " "); ok {
		d.Latest, d.LatestStatus = n, aims.DocumentStatus(s)
	}
	d.OverdueReview = d.NextReview != nil && d.NextReview.Before(today)
	for _, l := range []struct {
		s   string
		dst any
	}{{reqs, &d.Requirements}, {systems, &d.SystemIDs}, {procs, &d.Processes}, {sites, &d.Sites}, {units, &d.BusinessUnits}} {
		if err := decodeList(l.s, l.dst.(*[]string)); err != nil {
			return nil, err
		}
	}
	if err := decodeList(roles, &d.AIRoles); err != nil {
		return nil, err
	}
	return &d, decodeList(ifaces, &d.Interfaces)
}

// FindDocumentByID returns one document of the organization in scope.
func FindDocumentByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Document, error) {
	d, err := scanDocument(q.queryer().QueryRowContext(ctx, documentSelect+documentFrom+` WHERE d.org_id = $1 AND d.id = $2`, scope.OrgID(), id),
		aims.DateOf(time.Now()))
	return d, documents.one(err)
}

// documentOrder maps the accepted sort keys to ORDER BY clauses.
var documentOrder = map[string]string{
	"title":        ` ORDER BY d.title_key, d.id`,
	"-title":       ` ORDER BY d.title_key DESC, d.id DESC`,
	"next_review":  ` ORDER BY COALESCE(d.next_review, '9999-12-31'), d.id`,
	"-next_review": ` ORDER BY COALESCE(d.next_review, '0001-01-01') DESC, d.id DESC`,
	"updated_at":   ` ORDER BY d.updated_at, d.id`,
	"-updated_at":  ` ORDER BY d.updated_at DESC, d.id DESC`,
}

// DocumentSortKeys are the sort keys FindDocuments accepts.
func DocumentSortKeys() []string { return []string{"title", "next_review", "updated_at"} }

func documentWhere(scope aims.Scope, f aims.DocumentFilter, today aims.Date) (string, []any) {
	where := ` WHERE d.org_id = $1`
	args := []any{scope.OrgID()}
	add := func(cond string, v any) {
		if v == nil {
			return
		}
		args = append(args, v)
		where += " AND " + strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args)))
	}
	add(`d.title_key LIKE $? ESCAPE '\'`, likePattern(f.Search))
	add(`d.doc_type = $?`, opt(f.Type))
	add(`d.owner_id = $?`, opt(f.OwnerID))
	add(`(SELECT v.status FROM document_versions v WHERE v.org_id = d.org_id AND v.document_id = d.id
		ORDER BY v.major DESC, v.minor DESC LIMIT 1) = $?`, opt(f.Status))
	if f.Overdue {
		add(`d.next_review < $?`, today.Time)
	}
	return where, args
}

// FindDocuments lists the documents of the organization in scope that
// match f, one page at a time, with the total that match.
func FindDocuments(ctx context.Context, q Querier, scope aims.Scope, f aims.DocumentFilter) ([]*aims.Document, int, error) {
	today := aims.DateOf(time.Now())
	order, ok := documentOrder[f.Sort]
	if !ok {
		order = documentOrder["title"]
	}
	where, args := documentWhere(scope, f, today)
	n := len(args)
	return findPage(ctx, q, "documents", documentSelect+`, COUNT(*) OVER ()`+documentFrom+where+order+
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, n+1, n+2), args, f.Page,
		func(sc scanner, total *int) (*aims.Document, error) { return scanDocument(sc, today, total) })
}

// UpdateDocument writes after over before.
func UpdateDocument(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Document) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE documents SET title = $1, title_key = $2, doc_type = $3, classification = $4, owner_id = $5,
			review_interval_months = $6, next_review = $7, requirements = $8, system_ids = $9, processes = $10,
			sites = $11, business_units = $12, ai_roles = $13, interfaces = $14, updated_at = $15
		WHERE org_id = $16 AND id = $17`,
		after.Title, nameKey(after.Title), string(after.Type), string(after.Classification), after.OwnerID,
		after.ReviewIntervalMonths, nullDate(after.NextReview), encodeList(after.Requirements), encodeList(after.SystemIDs),
		encodeList(after.Processes), encodeList(after.Sites), encodeList(after.BusinessUnits), encodeList(after.AIRoles),
		encodeList(after.Interfaces), after.UpdatedAt, scope.OrgID(), before.ID)
	if err := documentWriteError(err, after.Title); err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("document")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityDocument, before.ID, before, after)
}

// DeleteDocument removes a document that has no versions.
func DeleteDocument(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Document) error {
	return documents.remove(ctx, tx, scope, before, before.ID,
		fmt.Sprintf("document %q has versions, which are kept as controlled records: withdraw them instead", before.Title))
}
