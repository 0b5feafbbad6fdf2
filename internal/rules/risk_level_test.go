package rules_test

import (
	"fmt"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
)

func TestRiskLevel(t *testing.T) {
	def := aims.DefaultRiskCriteria()
	def.Version = 1
	// A 3 x 4 matrix with three levels of its own, to show the rule reads
	// the criteria rather than assuming the defaults.
	small := &aims.RiskCriteria{Version: 7,
		Likelihood:  []aims.ScaleLevel{{Name: "a"}, {Name: "b"}, {Name: "c"}},
		Consequence: []aims.ScaleLevel{{Name: "w"}, {Name: "x"}, {Name: "y"}, {Name: "z"}},
		Levels:      []aims.RiskLevel{{Key: "green", Name: "Green"}, {Key: "amber", Name: "Amber"}, {Key: "red", Name: "Red"}},
		Matrix:      [][]string{{"green", "green", "amber", "amber"}, {"green", "amber", "amber", "red"}, {"amber", "amber", "red", "red"}},
		Appetite:    "amber"}
	tests := []struct {
		name       string
		c          *aims.RiskCriteria
		l, k       int
		want       string
		wantFields []string
	}{
		{"default lowest cell", def, 1, 1, "low", nil},
		{"default rare but severe", def, 1, 5, "medium", nil},
		{"default almost certain but negligible", def, 5, 1, "medium", nil},
		{"default possible and moderate", def, 3, 3, "medium", nil},
		{"default likely and major", def, 4, 4, "high", nil},
		{"default likely and severe", def, 4, 5, "critical", nil},
		{"default highest cell", def, 5, 5, "critical", nil},
		{"own criteria, not square", small, 3, 4, "red", nil},
		{"own criteria, middle", small, 2, 2, "amber", nil},
		{"likelihood 0", def, 0, 3, "", []string{"likelihood"}},
		{"likelihood above the scale", def, 6, 3, "", []string{"likelihood"}},
		{"consequence above a smaller scale", small, 2, 5, "", []string{"consequence"}},
		{"both outside", def, -1, 9, "", []string{"consequence", "likelihood"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rules.RiskLevel(tc.c, tc.l, tc.k)
			if tc.wantFields != nil {
				var fields []string
				if ae, ok := err.(*aims.Error); ok && ae.Kind == aims.KindInvalid {
					for _, f := range ae.Fields {
						fields = append(fields, f.Field)
					}
				}
				if fmt.Sprint(fields) != fmt.Sprint(tc.wantFields) {
					t.Fatalf("RiskLevel(%d, %d) err = %v, want invalid fields %v", tc.l, tc.k, err, tc.wantFields)
				}
				return
			}
			if err != nil || got.Key != tc.want {
				t.Fatalf("RiskLevel(%d, %d) = %v, %v; want %s", tc.l, tc.k, got, err, tc.want)
			}
		})
	}
}

func TestAboveAppetiteAndHeatClass(t *testing.T) {
	c := aims.DefaultRiskCriteria()
	for _, tc := range []struct {
		key   string
		above bool
		heat  int
	}{{"low", false, 0}, {"medium", false, 1}, {"high", true, 2}, {"critical", true, 3}, {"unknown", true, 3}} {
		if got := rules.AboveAppetite(c, tc.key); got != tc.above {
			t.Errorf("AboveAppetite(%s) = %v, want %v", tc.key, got, tc.above)
		}
		if got := rules.HeatClass(c, tc.key); got != tc.heat {
			t.Errorf("HeatClass(%s) = %d, want %d", tc.key, got, tc.heat)
		}
	}
	two := &aims.RiskCriteria{Levels: []aims.RiskLevel{{Key: "ok"}, {Key: "not_ok"}}, Appetite: "ok"}
	if rules.HeatClass(two, "ok") != 0 || rules.HeatClass(two, "not_ok") != 3 {
		t.Errorf("two levels should span green to red: %d, %d", rules.HeatClass(two, "ok"), rules.HeatClass(two, "not_ok"))
	}
}

func TestDefaultCriteriaAreValid(t *testing.T) {
	c := aims.DefaultRiskCriteria()
	c.Normalize()
	if err := c.Validate(); err != nil {
		t.Fatalf("the default criteria are invalid: %v", err)
	}
}

func TestCriteriaValidation(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *aims.RiskCriteria)
		want   []string
	}{
		{"an owner may not accept above appetite", func(c *aims.RiskCriteria) { c.Levels[2].AcceptBy = aims.AcceptByOwner }, []string{"levels/2/accept_by"}},
		{"appetite must be a level", func(c *aims.RiskCriteria) { c.Appetite = "moderate" }, []string{"appetite"}},
		{"a cell names an unknown level", func(c *aims.RiskCriteria) { c.Matrix[0][0] = "tiny" }, []string{"matrix/0/0"}},
		{"a more likely cell may not be lower", func(c *aims.RiskCriteria) { c.Matrix[4][4] = "high" }, []string{"matrix/4/4"}},
		{"a more severe cell may not be lower", func(c *aims.RiskCriteria) { c.Matrix[0][4] = "low"; c.Matrix[0][3] = "low" }, nil},
		{"the matrix must fit the scales", func(c *aims.RiskCriteria) { c.Matrix = c.Matrix[:4] }, []string{"matrix"}},
		{"one step is not a scale", func(c *aims.RiskCriteria) {
			c.Likelihood = c.Likelihood[:1]
			c.Matrix = c.Matrix[:1]
		}, []string{"likelihood"}},
		{"names and keys", func(c *aims.RiskCriteria) {
			c.Consequence[2].Name = ""
			c.Levels[1].Key = "Medium!"
		}, []string{"consequence/2/name", "levels/1/key"}},
		{"repeated key", func(c *aims.RiskCriteria) { c.Levels[1].Key = "low" }, []string{"levels/1/key"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := aims.DefaultRiskCriteria()
			tc.change(c)
			c.Normalize()
			err := c.Validate()
			var got []string
			if ae, ok := err.(*aims.Error); ok {
				for _, f := range ae.Fields {
					got = append(got, f.Field)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("fields %v, want %v (%v)", got, tc.want, err)
			}
		})
	}
}

func ExampleRiskLevel() {
	c := aims.DefaultRiskCriteria()
	lvl, _ := rules.RiskLevel(c, 4, 5) // likely, severe
	fmt.Println(lvl.Name, rules.AboveAppetite(c, lvl.Key))
	_, err := rules.RiskLevel(c, 6, 1)
	fmt.Println(err.(*aims.Error).Fields[0].Field)
	// Output:
	// Critical true
	// likelihood
}
