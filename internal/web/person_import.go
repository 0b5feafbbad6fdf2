package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// csvImportPage is an import page of a register from CSV (people, training
// records): what it imports, where it goes back to, its columns.
type csvImportPage struct {
	Path, Back, Title, Intro, Export string
	Columns                          []string
	run                              func(context.Context, io.Reader) (*service.ImportResult, error)
}

// csvImportView is a csvImportPage with the outcome of a post.
type csvImportView struct {
	csvImportPage
	importView
}

func (ui *UI) registerPeopleImports(r chi.Router) {
	for _, c := range []csvImportPage{
		{Path: "/people/import", Back: "/people", Title: "Import people", Export: "/api/v1/people/export.csv", Columns: service.PersonCSVColumns,
			Intro: "HR systems export spreadsheets: save yours as CSV (UTF-8, a header row). Only name is required; a row whose email names a person updates them, any other row adds one.",
			run:   ui.Svc.ImportPeopleCSV},
		{Path: "/training-records/import", Back: "/training-records", Title: "Import training records", Export: "/api/v1/training-records/export.csv",
			Columns: service.TrainingCSVColumns,
			Intro:   "Each row adds a training record: the person is named by email; the competence and the completion date (YYYY-MM-DD) are required; an expiry must be after the completion date.",
			run:     ui.Svc.ImportTrainingRecordsCSV},
	} {
		r.Get(c.Path, ui.handle(func(w http.ResponseWriter, r *http.Request) error {
			if err := ui.allowed(r, viewer(r).Can(authz.Edit), "import"); err != nil {
				return err
			}
			return render(w, r, http.StatusOK, CSVImportPage(ui.page(r, c.Title, c.Back[1:]), csvImportView{csvImportPage: c}))
		}))
		r.Post(c.Path, ui.handle(func(w http.ResponseWriter, r *http.Request) error { return ui.csvImport(w, r, c) }))
	}
}

func (ui *UI) csvImport(w http.ResponseWriter, r *http.Request, c csvImportPage) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return aims.Errorf(aims.KindTooLarge, "the file is larger than %d MiB: split it and import the parts", maxImportBytes>>20)
		}
		return aims.Errorf(aims.KindBadRequest, "the upload could not be read: choose a CSV file and try again")
	}
	defer r.MultipartForm.RemoveAll()
	v := csvImportView{csvImportPage: c}
	page := ui.page(r, c.Title, c.Back[1:])
	file, hdr, err := r.FormFile("file")
	if err != nil {
		v.Errors = formErrors{"_": "choose a file to import", "file": "choose a CSV file (UTF-8, with a header row)"}
		return render(w, r, http.StatusUnprocessableEntity, CSVImportPage(page, v))
	}
	defer file.Close()
	res, err := c.run(r.Context(), file)
	var ae *aims.Error
	if errors.As(err, &ae) && ae.Kind == aims.KindInvalid {
		v.Problems, v.General = importProblems(ae)
		v.Errors = formErrors{"_": ae.Message}
		return render(w, r, http.StatusUnprocessableEntity, CSVImportPage(page, v))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Imported "+hdr.Filename+": "+strconv.Itoa(res.Created)+" added, "+strconv.Itoa(res.Updated)+" updated, "+
		strconv.Itoa(res.Unchanged)+" unchanged.", c.Back)
}
