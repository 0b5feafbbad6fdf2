package rules

// The risk rules: the level of a risk from the organization's criteria
// (this file), who may accept a risk (acceptance.go), and when an impact
// assessment is out of date (impact_outdated.go).

import (
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// RiskLevel returns the level of a risk of likelihood and consequence under
// criteria c (ISO/IEC 42001 6.1.2 d): the matrix cell of the two. A value
// outside its scale is an invalid error naming "likelihood" or
// "consequence", with the scale's range.
func RiskLevel(c *aims.RiskCriteria, likelihood, consequence int) (*aims.RiskLevel, error) {
	var v aims.Validation
	if likelihood < 1 || likelihood > len(c.Likelihood) {
		v.Add("likelihood", "must be from 1 to %d on the likelihood scale of risk criteria version %d", len(c.Likelihood), c.Version)
	}
	if consequence < 1 || consequence > len(c.Consequence) {
		v.Add("consequence", "must be from 1 to %d on the consequence scale of risk criteria version %d", len(c.Consequence), c.Version)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if likelihood > len(c.Matrix) || consequence > len(c.Matrix[likelihood-1]) {
		return nil, fmt.Errorf("risk criteria version %d: the matrix has no cell for %d x %d", c.Version, likelihood, consequence)
	}
	key := c.Matrix[likelihood-1][consequence-1]
	lvl := c.Level(key)
	if lvl == nil {
		return nil, fmt.Errorf("risk criteria version %d: the matrix names unknown level %q", c.Version, key)
	}
	return lvl, nil
}

// AboveAppetite reports whether level key is above the criteria's risk
// appetite (an unknown level counts as above it: ask more, not less).
func AboveAppetite(c *aims.RiskCriteria, key string) bool {
	r := c.Rank(key)
	return r < 0 || r > c.Rank(c.Appetite)
}

// HeatClass is the colour band (0 to 3, green to red) of level key, spread
// over the criteria's levels however many there are.
func HeatClass(c *aims.RiskCriteria, key string) int {
	r, n := c.Rank(key), len(c.Levels)
	if r < 0 || n < 2 {
		return 3
	}
	return (r*3 + (n-1)/2) / (n - 1)
}
