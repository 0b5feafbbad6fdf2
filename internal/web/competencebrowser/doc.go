// Package competencebrowser holds the browser test of the competence
// pages: it drives the real UI in Debian's chromium.
package competencebrowser
