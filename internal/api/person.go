package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// PersonInput is a new person (ISO/IEC 42001 7.2); an account is linked by
// aims when the person becomes a member.
type PersonInput struct {
	Name       string `json:"name" maxLength:"200"`
	Email      string `json:"email,omitempty" maxLength:"320" doc:"Unique in the organization, any case, when given"`
	JobTitle   string `json:"job_title,omitempty" maxLength:"200"`
	Department string `json:"department,omitempty" maxLength:"200"`
	Site       string `json:"site,omitempty" maxLength:"200"`
	Active     *bool  `json:"active,omitempty" doc:"Whether the person works for the organization now; true when left out"`
}

type personList struct {
	PageParams
	Q          string `query:"q" doc:"Part of the name or email, any case"`
	Department string `query:"department" doc:"The department, exactly, any case"`
	Site       string `query:"site" doc:"The site, exactly, any case"`
	Active     string `query:"active" enum:"true,false" doc:"Only active (true) or inactive (false) people"`
	Sort       string `query:"sort" enum:"name,-name,department,-department,site,-site,updated_at,-updated_at" default:"name"`
}

func (in *personList) filter() aims.PersonFilter {
	f := aims.PersonFilter{Search: in.Q, Department: in.Department, Site: in.Site, Sort: in.Sort, Page: in.page()}
	if in.Active != "" {
		b := in.Active == "true"
		f.Active = &b
	}
	return f
}

func (h *Handlers) registerPeople(api huma.API) {
	crud[aims.Person, personList, PersonInput, aims.PersonUpdate]{
		tag: "People", path: "/people", noun: "person", plural: "people", a: "a",
		deleteNote: "Refused with 409 for a member of the organization and while other records name the person; mark the person inactive instead.",
		list: func(ctx context.Context, in *personList) ([]*aims.Person, int, error) {
			return h.svc.FindPeople(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *personList) error {
			return h.svc.ExportPeopleCSV(ctx, w, in.filter())
		},
		exportColumns: service.PersonCSVColumns,
		create: func(ctx context.Context, b PersonInput) (*aims.Person, error) {
			active := b.Active == nil || *b.Active
			return created(ctx, &aims.Person{Name: b.Name, Email: b.Email, JobTitle: b.JobTitle, Department: b.Department,
				Site: b.Site, Active: active}, h.svc.CreatePerson)
		},
		get: h.svc.FindPersonByID, update: h.svc.UpdatePerson, delete: h.svc.DeletePerson,
	}.register(api)
	h.registerPeopleImports(api)
}

// csvImport is the body of a people or training import: the CSV file.
type csvImport struct {
	ContentType string `header:"Content-Type" hidden:"true"`
	RawBody     []byte `contentType:"text/csv"`
}

// registerCSVImport adds POST path/import for a register whose import
// reads CSV in columns; what explains which columns mean what.
func (h *Handlers) registerCSVImport(api huma.API, tag, path, id, summary, what string, columns []string,
	imp func(context.Context, io.Reader) (*service.ImportResult, error)) {
	op := operation(http.MethodPost, path+"/import", id, tag, summary, authz.Edit)
	op.Description += " Send the file as the body with `Content-Type: text/csv` (UTF-8, with or without a byte-order mark; " +
		"at most 10 MiB and 50,000 rows). The header row names the columns, in any order, of " + strings.Join(columns, ", ") + ". " +
		what + " The import is atomic: if any row is bad nothing is imported, and the 422 answer lists every bad cell with a " +
		"pointer `/rows/LINE/COLUMN` (the header is line 1)."
	op.MaxBodyBytes = service.MaxImportBytes + 1
	op.BodyReadTimeout = time.Minute
	huma.Register(api, op, func(ctx context.Context, in *csvImport) (*Body[*service.ImportResult], error) {
		if err := checkCSVType(ctx, in.ContentType); err != nil {
			return nil, err
		}
		res, err := imp(ctx, bytes.NewReader(in.RawBody))
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.ImportResult]{Body: res}, nil
	})
}

func (h *Handlers) registerPeopleImports(api huma.API) {
	h.registerCSVImport(api, "People", "/people", "import-people", "Import people from a CSV file",
		"Only name is required. A row whose id (as exported) or else email names a person of the organization updates that person; any other row adds one. "+
			"active is yes or no (empty means yes); has_account, created_at and updated_at are ignored.",
		service.PersonCSVColumns, h.svc.ImportPeopleCSV)
	h.registerCSVImport(api, "Competence", "/training-records", "import-training-records", "Import training records from a CSV file",
		"person_email names the person; competence and completed_on (YYYY-MM-DD) are required; expires_on, when given, is after completed_on. "+
			"Every row adds a record; person, created_at and id are ignored.",
		service.TrainingCSVColumns, h.svc.ImportTrainingRecordsCSV)
}
