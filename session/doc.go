// Package session talks to one FTPS server: dialing with TLS (explicit or
// implicit, session reuse on data connections), the logged-in Conn and its
// operations, the connection Pool, deadlines per step, errors a person can
// act on, the protocol log, and the one name and path check. It imports
// nothing of Ferry: trust, sites, transfers and the front ends build on it.
package session
