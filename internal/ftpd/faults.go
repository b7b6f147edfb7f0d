package ftpd

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// Faults injects faults into the data transfers of RETR, STOR and APPE.
// The zero value injects none. Set the fields before the server uses the
// Faults and do not change them afterwards; Cuts may be called at any time
// from any goroutine, and one Faults may serve several servers. A Faults
// must not be copied after first use.
type Faults struct {
	// Rate is the probability (0..1) that a transfer is cut.
	Rate float64

	// CutAfter, if > 0, enables cuts: a chosen transfer is aborted after a
	// random number of bytes in [1, CutAfter] by a hard close of its data
	// connection (a TCP reset, no TLS close_notify), and the server replies
	// 426. A transfer shorter than the chosen point completes normally and
	// is not counted as a cut.
	CutAfter int64

	// DropControl makes a cut also hard-close the control connection
	// (without a reply), ending the session, instead of replying 426.
	DropControl bool

	// Corrupt makes a chosen download (RETR) flip one byte at the chosen
	// point instead of cutting, and complete normally: the copy has the
	// right size and the wrong content, which only a checksum catches.
	// It counts as a cut. Uploads are not corrupted.
	Corrupt bool

	// Listings makes listings (LIST, NLST, MLSD) faultable too: a chosen
	// listing is cut like a transfer, and the server replies 426.
	Listings bool

	// LieOnCut makes a cut listing end as if it were whole: the data
	// connection is closed cleanly (TLS close_notify) and the server
	// replies 226, as a broken server or a middlebox might. Only the cut
	// itself (a last line without its line end) can tell.
	LieOnCut bool

	// Seed seeds the math/rand/v2 PCG source that chooses which
	// transfers are cut and where.
	Seed uint64

	mu   sync.Mutex
	rng  *rand.Rand
	cuts atomic.Int64
}

// Cuts returns the number of cuts made so far.
func (f *Faults) Cuts() int64 {
	if f == nil {
		return 0
	}
	return f.cuts.Load()
}

// errCut reports a transfer cut on purpose by fault injection.
var errCut = errors.New("ftpd: transfer cut by fault injection")

// pick decides whether the next transfer is cut, and after how many bytes.
// It returns -1 for no cut.
func (f *Faults) pick() int64 {
	if f == nil || f.CutAfter <= 0 || f.Rate <= 0 {
		return -1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rng == nil {
		f.rng = rand.New(rand.NewPCG(f.Seed, 0x9e3779b97f4a7c15))
	}
	if f.rng.Float64() >= f.Rate {
		return -1
	}
	return 1 + f.rng.Int64N(f.CutAfter)
}
