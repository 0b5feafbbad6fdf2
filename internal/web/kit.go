package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/web/ui"
)

// The page kit lives in package ui; these are the names the pages have
// always used for it, so that pages written before the kit moved (and on
// branches still open when it did) build unchanged. A new page may use
// either; nothing is defined here.

// Page is ui.Page, what the layout needs to draw any page.
type Page = ui.Page

type (
	option       = ui.Option
	field        = ui.Field
	formErrors   = ui.FormErrors
	summaryEntry = ui.SummaryEntry
	Pager        = ui.Pager
	picker       = ui.Picker
	pickerSource = ui.PickerSource
)

const (
	pickerFirst = ui.PickerFirst
	pickerFound = ui.PickerFound
)

// The kit's components and helpers under the pages' names.
var (
	Layout            = ui.Layout
	ErrorPage         = ui.ErrorPage
	ConfirmDeletePage = ui.ConfirmDeletePage
	fieldHelp         = ui.FieldHelp
	textField         = ui.TextField
	textArea          = ui.TextArea
	selectField       = ui.SelectField
	optionList        = ui.OptionList
	selectOptions     = ui.SelectOptions
	checkGroup        = ui.CheckGroup
	checkbox          = ui.Checkbox
	fieldError        = ui.FieldError
	formSummary       = ui.FormSummary
	pager             = ui.PagerLinks
	logAlertBanner    = ui.LogAlertBanner
	refPicker         = ui.RefPicker
	pickerBox         = ui.PickerBox
	pickerResults     = ui.PickerResults
	withChosen        = ui.WithChosen
	withBlank         = ui.WithBlank
	fieldID           = ui.FieldID
	fieldLabel        = ui.FieldLabel
	choose            = ui.Choose
	splitList         = ui.SplitList
	joinList          = ui.JoinList
	fieldErrors       = ui.FieldErrors
	formDate          = ui.FormDate
	pageParams        = ui.PageParams
	newPager          = ui.NewPager
	exportURL         = ui.ExportURL
	sortColumn        = ui.NewSortColumn
	sortHeader        = ui.SortHeader
	personLink        = ui.PersonLink
	accountLink       = ui.AccountLink
	refOptions        = ui.RefOptions
	withUnit          = ui.WithUnit
	navGroups         = ui.NavGroups
	utc               = ui.UTC
	utcPtr            = ui.UTCPtr
	isoTime           = ui.ISOTime
	dateOf            = ui.DateOf
	shortDigest       = ui.ShortDigest
	capitalize        = ui.Capitalize
	yesNo             = ui.YesNo
	orDash            = ui.OrDash
	itoa              = ui.Itoa
	plural            = ui.Plural
	operatorRoleLabel = ui.OperatorRoleLabel
	personalDataLabel = ui.PersonalDataLabel
	stageBadge        = ui.StageBadge
	statusBadge       = ui.StatusBadge
	window            = ui.DatasetWindow
	auditURL          = ui.AuditURL
)

// enumOptions is ui.EnumOptions.
func enumOptions[T ~string](values []T, title func(T) string, selected ...T) []option {
	return ui.EnumOptions(values, title, selected...)
}

// enumList is ui.EnumList.
func enumList[T ~string](vals []string) []T { return ui.EnumList[T](vals) }

// titles is ui.Titles.
func titles[T ~string](vs []T, title func(T) string) string { return ui.Titles(vs, title) }

// viewer is the signed-in person as a Page, for the checks that hide what
// the server would refuse; unlike UI.page it leaves the flash message for
// the page that is drawn.
func viewer(r *http.Request) Page {
	return Page{Principal: authz.PrincipalFrom(r.Context())}
}
