package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// maxImportBytes bounds an uploaded inventory spreadsheet.
const maxImportBytes = 10 << 20

// importView is the import page: the form, and after a post either what
// was (or would be) imported or every problem found.
type importView struct {
	DryRun   bool
	FileName string
	Result   *service.ImportResult
	Problems []importProblem // one per bad cell, in file order
	General  []aims.FieldError
	Errors   formErrors
}

// importProblem is one bad cell of the file.
type importProblem struct {
	Line   int // as in the file; the header is line 1
	Column string
	Detail string
}

// importProblems splits an import refusal into bad cells ("rows/LINE/COLUMN")
// and problems with the file as a whole.
func importProblems(ae *aims.Error) (cells []importProblem, general []aims.FieldError) {
	for _, f := range ae.Fields {
		parts := strings.SplitN(f.Field, "/", 3)
		if len(parts) >= 2 && parts[0] == "rows" {
			if line, err := strconv.Atoi(parts[1]); err == nil {
				col := ""
				if len(parts) == 3 {
					col = parts[2]
				}
				cells = append(cells, importProblem{Line: line, Column: col, Detail: f.Detail})
				continue
			}
		}
		general = append(general, f)
	}
	slices.SortStableFunc(cells, func(a, b importProblem) int { return a.Line - b.Line })
	return cells, general
}

func (ui *UI) systemImportPage(w http.ResponseWriter, r *http.Request) error {
	// A spreadsheet may name any system, so importing takes Edit, not
	// EditOwned (the service decides again on upload).
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "import AI systems"); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, SystemImportPage(ui.page(r, "Import AI systems", "systems"), importView{DryRun: true}))
}

func (ui *UI) systemImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes+64<<10) // the file and the form around it
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return aims.Errorf(aims.KindTooLarge, "the file is larger than %d MiB: split it and import the parts", maxImportBytes>>20)
		}
		return aims.Errorf(aims.KindBadRequest, "the upload could not be read: choose a CSV file and try again")
	}
	defer r.MultipartForm.RemoveAll()
	v := importView{DryRun: r.PostForm.Get("dry_run") == "true"}
	page := ui.page(r, "Import AI systems", "systems")
	file, hdr, err := r.FormFile("file")
	if err != nil {
		v.Errors = formErrors{"_": "choose a file to import", "file": "choose a CSV file (UTF-8, with a header row)"}
		return render(w, r, http.StatusUnprocessableEntity, SystemImportPage(page, v))
	}
	defer file.Close()
	v.FileName = hdr.Filename
	res, err := ui.Svc.ImportSystemsCSV(r.Context(), file, v.DryRun)
	var ae *aims.Error
	if errors.As(err, &ae) && ae.Kind == aims.KindInvalid {
		v.Problems, v.General = importProblems(ae)
		v.Errors = formErrors{"_": ae.Message}
		return render(w, r, http.StatusUnprocessableEntity, SystemImportPage(page, v))
	}
	if err != nil {
		return err
	}
	if !res.DryRun {
		return ui.done(w, r, "Imported "+hdr.Filename+": "+plural(res.Created, "AI system created", "AI systems created")+", "+
			strconv.Itoa(res.Updated)+" updated, "+strconv.Itoa(res.Unchanged)+" unchanged.", "/systems")
	}
	v.Result = res
	return render(w, r, http.StatusOK, SystemImportPage(page, v))
}
