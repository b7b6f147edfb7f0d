package transfers

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/trust"
)

var (
	// errIncomplete: a transfer ended with fewer (or more) bytes than the
	// file has. Retried: the next try continues from what arrived.
	errIncomplete = errors.New("the file arrived incomplete")
	// errChecksum: the copy's checksum differs from the server's. Retried
	// from the start.
	errChecksum = errors.New("the copy's checksum differs from the server's")
)

// maxTries bounds all tries at one task, as a multiple of Attempts.
const maxTries = 4

// retry calls try with its number (1, 2, …) until it succeeds, fails with
// an error that will not pass (see retryable), ctx ends, or it has failed
// Attempts times in a row, waiting with backoff in between. A try that
// reports it got further (into a file) than any before does not count
// against Attempts (lftp does the same): on a server whose sessions die now
// and then, a large file gets there in pieces. The furthest point only
// grows, and all tries together are bounded by maxTries×Attempts. It
// returns the last try's error.
func (q *Queue) retry(ctx context.Context, try func(n int) (further bool, err error)) error {
	failures := 0
	for n := 1; ; n++ {
		further, err := try(n)
		failures++
		if further {
			failures = 0
		}
		if err == nil || !retryable(err) || failures >= q.cfg.Attempts || n >= maxTries*q.cfg.Attempts ||
			ctx.Err() != nil || !q.backoff(ctx, max(failures, 1)) {
			return err
		}
	}
}

// backoff waits before attempt n (1, 2, …): base·2ⁿ⁻¹ with jitter, at
// most 30 s. It returns false when ctx ended first.
func (q *Queue) backoff(ctx context.Context, n int) bool {
	d := q.cfg.backoff << min(n-1, 5)
	d = min(d, 30*time.Second)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// retryable reports whether a failure may go away by trying again: the
// connection broke or timed out, or the file arrived incomplete.
func retryable(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.Is(err, session.ErrConnectionLost) || errors.Is(err, session.ErrTimeout) ||
		errors.Is(err, session.ErrUnreachable) ||
		errors.Is(err, session.ErrDataConnection) || errors.Is(err, session.ErrTLSReuse) ||
		errors.Is(err, errIncomplete) || errors.Is(err, errChecksum) ||
		errors.As(err, &ne) && ne.Timeout()
}

// siteFatal reports whether a failure to connect stops every job of the
// site: trying file after file would only repeat it.
func siteFatal(err error) bool {
	var tr *session.TLSRequiredError
	return errors.Is(err, session.ErrAuth) || errors.Is(err, trust.ErrCertUntrusted) ||
		errors.Is(err, trust.ErrCertChanged) || errors.Is(err, trust.ErrCertRejected) ||
		errors.Is(err, session.ErrTLSRequired) || errors.As(err, &tr) ||
		errors.Is(err, session.ErrClientCertRefused) || errors.Is(err, session.ErrPoolClosed) ||
		errors.Is(err, session.ErrNotImplicit)
}

// absent reports whether err says a remote file does not exist. Servers
// answer SIZE on a missing file with 550 (vsftpd also for folders).
func absent(err error) bool {
	var se *session.Error
	return errors.Is(err, session.ErrNotFound) || errors.As(err, &se) && se.Code == 550
}
