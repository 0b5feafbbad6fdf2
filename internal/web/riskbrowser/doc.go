// Package riskbrowser holds the browser test of the risk register, the heat
// map and the impact assessment: it drives the real UI in Debian's
// chromium.
package riskbrowser
