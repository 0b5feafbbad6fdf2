package web

import (
	"strings"

	"github.com/aimsproject/aims/internal/web/ui"
)

// Words for people (ui/words.go): the pages' names for the kit's
// translations of stored values.
var (
	valueWords    = ui.ValueWords
	valueTitle    = ui.ValueTitle
	messageWords  = ui.MessageWords
	fieldLabelFor = ui.FieldLabelFor
)

// answerWords writes a recorded answer ("yes", "no", a list of enum
// values) for people.
func answerWords(v string) string {
	if strings.TrimSpace(v) == "" {
		return "—"
	}
	parts := strings.Split(v, ", ")
	for i, p := range parts {
		switch p {
		case "yes", "no", "none":
			parts[i] = capitalize(p)
		default:
			parts[i] = valueWords(p)
		}
	}
	return strings.Join(parts, ", ")
}
