// Package soabrowser holds the browser test of the Statement of
// Applicability editor: it drives the real UI in Debian's chromium.
package soabrowser
