package service

import "testing"

// TestEscapeFormula: every cell a spreadsheet would run gets an apostrophe
// that the import takes off again; plain numbers stay numbers.
func TestEscapeFormula(t *testing.T) {
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://x")`, `'=HYPERLINK("http://x")`},
		{"+1+2", "'+1+2"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"'=1", "''=1"},
		{"-5", "-5"},
		{"+1.5e3", "+1.5e3"},
		{"-.5", "-.5"},
		{"plain", "plain"},
		{"'quoted", "'quoted"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := escapeFormula(tt.in); got != tt.want {
			t.Errorf("escapeFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := unescapeFormula(escapeFormula(tt.in)); back != tt.in && tt.in[0] != '\t' && tt.in[0] != '\r' {
			t.Errorf("unescapeFormula(escapeFormula(%q)) = %q", tt.in, back)
		}
	}
}
