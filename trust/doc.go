// Package trust decides which server certificates Ferry trusts: the details
// a person needs (CertInfo), the Policy a TLS handshake consults (pinned,
// vouched for by an authority, trusted once), the Question a front end
// answers, and the Store of certificates trusted always. It imports only
// internal/config, never session, sites, transfers or a front end.
package trust
