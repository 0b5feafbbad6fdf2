// Package oidcbrowser holds the browser test of signing in through a real,
// OpenID Certified provider (npm oidc-provider 9.13.3) started on loopback.
package oidcbrowser
