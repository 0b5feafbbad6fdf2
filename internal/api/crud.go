package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// crud registers the five JSON operations of a plain register (list, add,
// get, change, delete) with their OpenAPI description, like pocketbase's
// record_crud.go: a register gives its input types and its service verbs.
//
// L is the list's query (it embeds PageParams), C the body of a new record,
// U the body of a change (an aims update with pointer fields).
type crud[T any, L listQuery, C any, U any] struct {
	tag    string // "Suppliers", the OpenAPI tag
	path   string // "/suppliers"
	noun   string // "supplier", in the operation ids
	plural string // "suppliers"
	a      string // "a" or "an", before the noun in the summaries
	// ids, when set, is the noun and plural of the operation ids and the
	// export's file name where noun and plural are several words
	// ("context-issue", "context-issues").
	ids [2]string

	getSummary string // when the record comes with more than itself
	deleteNote string // when the delete is refused, appended to its description

	list func(ctx context.Context, in *L) ([]*T, int, error)
	// export, when set, adds GET path/export.csv: the whole filtered list
	// (the list's query without its page) in exportColumns, written by the
	// service's shared CSV writer.
	export        func(ctx context.Context, w io.Writer, in *L) error
	exportColumns []string
	create        func(ctx context.Context, in C) (*T, error)
	get           func(ctx context.Context, id string) (*T, error)
	update        func(ctx context.Context, id string, upd U) (*T, error)
	delete        func(ctx context.Context, id string) error
}

// idNoun and idPlural name the operations.
func (c crud[T, L, C, U]) idNoun() string {
	if c.ids[0] != "" {
		return c.ids[0]
	}
	return c.noun
}

func (c crud[T, L, C, U]) idPlural() string {
	if c.ids[1] != "" {
		return c.ids[1]
	}
	return c.plural
}

// listQuery is a list's query: it embeds PageParams.
type listQuery interface{ params() PageParams }

func (p PageParams) params() PageParams { return p }

// createBody is the input of an add operation.
type createBody[C any] struct {
	Body C
}

// patchBody is the input of a change operation.
type patchBody[U any] struct {
	ID   string `path:"id"`
	Body U
}

// register adds the operations to api, in the order list, add, get,
// change, delete.
func (c crud[T, L, C, U]) register(api huma.API) {
	huma.Register(api, operation(http.MethodGet, c.path, "list-"+c.idPlural(), c.tag, "List "+c.plural, authz.Read),
		func(ctx context.Context, in *L) (*PageOutput[*T], error) {
			list, total, err := c.list(ctx, in)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, (*in).params()), nil
		})
	if c.export != nil {
		exp := operation(http.MethodGet, c.path+"/export.csv", "export-"+c.idPlural(), c.tag, "Export "+c.plural+" as CSV", authz.Export)
		exp.Description += " Every " + c.noun + " that the list's filters select (all pages; page and per_page are ignored), one per row, " +
			"in the columns " + strings.Join(c.exportColumns, ", ") + "; lists are separated by `;`, times are RFC 3339 UTC. " +
			"UTF-8 with a byte-order mark; a cell that a spreadsheet would run as a formula starts with an apostrophe."
		huma.Register(api, exp, func(ctx context.Context, in *L) (*csvFile, error) {
			var buf bytes.Buffer
			if err := c.export(ctx, &buf, in); err != nil {
				return nil, fail(ctx, err)
			}
			return csvAttachment(ctx, c.idPlural(), buf.Bytes()), nil
		})
	}
	create := operation(http.MethodPost, c.path, "create-"+c.idNoun(), c.tag, "Add "+c.a+" "+c.noun, authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *createBody[C]) (*Body[*T], error) {
		v, err := c.create(ctx, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*T]{Body: v}, nil
	})
	get := c.getSummary
	if get == "" {
		get = "Get " + c.a + " " + c.noun
	}
	huma.Register(api, operation(http.MethodGet, c.path+"/{id}", "get-"+c.idNoun(), c.tag, get, authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*T], error) {
			v, err := c.get(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*T]{Body: v}, nil
		})
	huma.Register(api, operation(http.MethodPatch, c.path+"/{id}", "update-"+c.idNoun(), c.tag, "Change "+c.a+" "+c.noun, authz.Edit),
		func(ctx context.Context, in *patchBody[U]) (*Body[*T], error) {
			v, err := c.update(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*T]{Body: v}, nil
		})
	del := operation(http.MethodDelete, c.path+"/{id}", "delete-"+c.idNoun(), c.tag, "Delete "+c.a+" "+c.noun, authz.Edit)
	if c.deleteNote != "" {
		del.Description += " " + c.deleteNote
	}
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := c.delete(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}

// created runs a service's create verb and answers the record it made.
func created[T any](ctx context.Context, v *T, create func(context.Context, *T) error) (*T, error) {
	return v, create(ctx, v)
}

// csvAttachment answers a CSV export as a download named for what it holds,
// the organization and the day.
func csvAttachment(ctx context.Context, what string, body []byte) *csvFile {
	name := fmt.Sprintf("%s-%s-%s.csv", what, authz.PrincipalFrom(ctx).OrgSlug, time.Now().UTC().Format(aims.DateLayout))
	return &csvFile{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: body}
}
