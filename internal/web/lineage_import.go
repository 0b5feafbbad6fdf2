package web

import (
	"errors"
	"net/http"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// lineageImportView is the lineage import page: the form, and after a
// refused upload every bad row and column.
type lineageImportView struct {
	Kind     aims.LineageKind
	FileName string
	Problems []importProblem
	General  []aims.FieldError
	Errors   formErrors
}

// lineageKindTitle names a lineage CSV kind for people.
func lineageKindTitle(k aims.LineageKind) string { return capitalize(string(k)) }

func (ui *UI) lineageImportPage(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.Edit), "import lineage records"); err != nil {
		return err
	}
	kind := aims.LineageKind(r.URL.Query().Get("kind"))
	if !kind.IsValid() {
		kind = aims.LineageInstruments
	}
	return render(w, r, http.StatusOK, LineageImportPage(ui.page(r, "Import lineage records", "lineage"), lineageImportView{Kind: kind}))
}

// lineageImport imports one CSV file of instruments, tags or features: all
// or nothing, every bad row reported.
func (ui *UI) lineageImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return aims.Errorf(aims.KindTooLarge, "the file is larger than %d MiB: split it and import the parts", maxImportBytes>>20)
		}
		return aims.Errorf(aims.KindBadRequest, "the upload could not be read: choose a CSV file and try again")
	}
	defer r.MultipartForm.RemoveAll()
	v := lineageImportView{Kind: aims.LineageKind(r.PostForm.Get("kind"))}
	page := ui.page(r, "Import lineage records", "lineage")
	if !v.Kind.IsValid() {
		v.Errors = formErrors{"_": "choose what the file holds", "kind": "choose instruments, tags or features"}
		v.Kind = aims.LineageInstruments
		return render(w, r, http.StatusUnprocessableEntity, LineageImportPage(page, v))
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		v.Errors = formErrors{"_": "choose a file to import", "file": "choose a CSV file (UTF-8, with a header row)"}
		return render(w, r, http.StatusUnprocessableEntity, LineageImportPage(page, v))
	}
	defer file.Close()
	v.FileName = hdr.Filename
	n, err := ui.Svc.ImportLineageCSV(r.Context(), string(v.Kind), file)
	var ae *aims.Error
	if errors.As(err, &ae) && ae.Kind == aims.KindInvalid {
		v.Problems, v.General = importProblems(ae)
		v.Errors = formErrors{"_": ae.Message}
		return render(w, r, http.StatusUnprocessableEntity, LineageImportPage(page, v))
	}
	if err != nil {
		return err
	}
	return ui.done(w, r, "Imported "+hdr.Filename+": "+plural(n, "row", "rows")+" of "+string(v.Kind)+".", "/lineage/"+string(v.Kind))
}
