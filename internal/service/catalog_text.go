package service

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// MaxTextImport bounds a requirement-text file (CSV or XLSX).
const MaxTextImport = 8 << 20

// TextImportResult says how many texts an import stored.
type TextImportResult struct {
	Framework string `json:"framework"`
	Imported  int    `json:"imported"`
}

// ImportRequirementTexts stores the organization's own text of a
// framework's requirements, for an organization that owns the standard (ISO
// text is copyrighted, so aims ships none). The file is CSV or XLSX (first
// sheet) with a header row naming the columns "id" and "text". Rows whose id
// is not a requirement of the framework, or whose text is empty, are
// refused and listed as "rows/LINE/COLUMN"; when any row is refused nothing
// is imported. The text is shown beside our guidance and exported only when
// asked.
func (s *Service) ImportRequirementTexts(ctx context.Context, framework string, data []byte) (*TextImportResult, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "import requirement texts")
	if err != nil {
		return nil, err
	}
	if len(data) > MaxTextImport {
		return nil, aims.Errorf(aims.KindTooLarge, "the file is over %d MiB", MaxTextImport>>20)
	}
	rows, err := readTable(data)
	if err != nil {
		return nil, err
	}
	c, err := orgCatalog(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	fw, ok := c.Framework(framework)
	if !ok {
		return nil, aims.ErrNotFound("framework " + framework)
	}
	if len(rows) == 0 {
		return nil, aims.Errorf(aims.KindInvalid, "the file is empty: give a header row with the columns id and text")
	}
	idCol, textCol := -1, -1
	for i, h := range rows[0] {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "id":
			idCol = i
		case "text":
			textCol = i
		}
	}
	var v aims.Validation
	if idCol < 0 {
		v.Add("rows/1/id", "the header row has no column named id")
	}
	if textCol < 0 {
		v.Add("rows/1/text", "the header row has no column named text")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var texts []*aims.RequirementText
	seen := map[string]int{}
	for i, row := range rows[1:] {
		line := i + 2
		cell := func(col int) string {
			if col < len(row) {
				return strings.TrimSpace(row[col])
			}
			return ""
		}
		id, text := cell(idCol), cell(textCol)
		if id == "" && text == "" {
			continue
		}
		key := "rows/" + itoa(line)
		switch _, known := c.Requirement(aims.Ref{Framework: fw.ID, ID: id}); {
		case id == "":
			v.Add(key+"/id", "is empty")
		case !known:
			v.Add(key+"/id", "%q is not a %s clause or control", id, fw.ShortTitle)
		case seen[id] > 0:
			v.Add(key+"/id", "%q is also on line %d", id, seen[id])
		}
		seen[id] = line
		if text == "" {
			v.Add(key+"/text", "is empty")
		}
		v.MaxLen(key+"/text", text, 20000)
		texts = append(texts, &aims.RequirementText{Framework: fw.ID, ID: id, Text: text})
	}
	if !v.OK() {
		e := v.Err().(*aims.Error)
		e.Message = fmt.Sprintf("%d row(s) refused; nothing was imported", len(e.Fields))
		return nil, e
	}
	err = s.transact(ctx, func(tx *store.Tx) error {
		existing, err := store.FindRequirementTexts(ctx, tx, scope, fw.ID)
		if err != nil {
			return err
		}
		for _, t := range texts {
			if err := store.PutRequirementText(ctx, tx, scope, existing, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TextImportResult{Framework: fw.ID, Imported: len(texts)}, nil
}

// DeleteRequirementTexts removes the organization's own texts of a
// framework.
func (s *Service) DeleteRequirementTexts(ctx context.Context, framework string) (int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete requirement texts")
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.transact(ctx, func(tx *store.Tx) error {
		existing, err := store.FindRequirementTexts(ctx, tx, scope, framework)
		if err != nil {
			return err
		}
		n = len(existing)
		return store.DeleteRequirementTexts(ctx, tx, scope, framework, existing)
	})
	return n, err
}

// maxXLSXUnzipped bounds what an imported workbook unpacks to.
const maxXLSXUnzipped = 64 << 20

// readTable reads CSV, or the first sheet of an XLSX workbook (a zip file,
// told apart by its signature).
func readTable(data []byte) ([][]string, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		// An XLSX is a zip: bound what it may unpack to, so that a small
		// file cannot expand to gigabytes in memory (excelize's default
		// allows 16 GB).
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxXLSXUnzipped})
		if err != nil && strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, aims.Errorf(aims.KindTooLarge, "the workbook unpacks to more than %d MiB: import a CSV, or split it", maxXLSXUnzipped>>20)
		}
		if err != nil {
			return nil, aims.Errorf(aims.KindInvalid, "the file looks like XLSX but cannot be read: %v", err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, aims.Errorf(aims.KindInvalid, "the workbook has no sheet")
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, aims.Errorf(aims.KindInvalid, "the first sheet cannot be read: %v", err)
		}
		return rows, nil
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, aims.Errorf(aims.KindInvalid, "the CSV cannot be read: %v", err)
		}
		rows = append(rows, rec)
	}
	return rows, nil
}
