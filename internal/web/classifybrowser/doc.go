// Package classifybrowser holds the browser test of the EU AI Act
// questionnaire: it drives the real UI in Debian's chromium.
package classifybrowser
