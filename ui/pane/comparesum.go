package pane

import (
	"context"

	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

// Compare by checksum: with it on, the files both folders hold at the same
// size are compared by the server's checksum (HASH or X*), one command and
// one local read each, off the UI goroutine; a file of the same content is
// "same" whatever its times say, and one of another content is marked so.

// SetCompareChecksum turns the checksum comparison on or off, in this pane
// and the other. Call on the UI goroutine.
func (p *Pane) SetCompareChecksum(on bool) {
	for _, q := range []*Pane{p, p.peer} {
		if q != nil {
			q.bySum = on
		}
	}
	p.recompare()
}

// applySums corrects the marks with the checksums known for the two
// folders shown, and asks for them when they are not known yet.
func (p *Pane) applySums() {
	if !p.bySum {
		return
	}
	local, remote := p.sidesForSums()
	if local == nil || remote == nil {
		return
	}
	key := local.dir + "\x00" + remote.dir
	if p.sumsFor != key {
		remote.askSums(local, key)
		return
	}
	for name, same := range p.sums {
		d, ok := p.marks[name]
		if !ok {
			continue
		}
		switch {
		case same && d != transfers.DiffSame:
			p.counts[d]--
			p.counts[transfers.DiffSame]++
			p.marks[name] = transfers.DiffSame
		case !same && d == transfers.DiffSame:
			p.counts[d]--
			p.counts[transfers.DiffContent]++
			p.marks[name] = transfers.DiffContent
		}
	}
}

// sidesForSums returns the local and the remote pane, when it is one of
// each.
func (p *Pane) sidesForSums() (local, remote *Pane) {
	if p.peer == nil || p.remote() == p.peer.remote() {
		return nil, nil
	}
	if p.remote() {
		return p.peer, p
	}
	return p, p.peer
}

// sumsFound is the answer of a checksum comparison.
type sumsFound struct {
	sums map[string]bool
	note string
}

// askSums compares, on the server of remote (this pane), the files both
// folders hold at the same size, and shows the answers in both panes.
func (p *Pane) askSums(local *Pane, key string) {
	rfs, ok := p.fs.(*RemoteFS)
	if !ok {
		return
	}
	type job struct {
		name, local, remote string
		size                int64
	}
	sizes := map[string]int64{}
	for i := range local.all {
		if e := local.all[i]; !e.IsDir {
			sizes[e.Name] = e.Size
		}
	}
	var jobs []job
	for i := range p.all {
		e := p.all[i]
		if s, ok := sizes[e.Name]; ok && !e.IsDir && s == e.Size {
			jobs = append(jobs, job{e.Name, local.fs.Join(local.dir, e.Name), p.fs.Join(p.dir, e.Name), e.Size})
		}
	}
	for _, q := range []*Pane{p, local} {
		q.sumsFor, q.sums, q.sumNote = key, map[string]bool{}, "comparing checksums…"
	}
	uido.Go(p.ctx, func(ctx context.Context) sumsFound {
		c, err := rfs.pool.Browse(ctx)
		if err != nil {
			return sumsFound{note: "checksums: " + errText(err)}
		}
		out := map[string]bool{}
		for _, j := range jobs {
			same, ok, err := transfers.SameContent(ctx, c, j.local, j.remote, j.size)
			switch {
			case !ok:
				return sumsFound{note: "the server offers no checksum"}
			case err != nil:
				return sumsFound{sums: out, note: "checksums: " + errText(err)}
			}
			out[j.name] = same
		}
		return sumsFound{sums: out}
	}, func(f sumsFound) {
		for _, q := range []*Pane{p, local} {
			if q.sumsFor == key {
				q.sums, q.sumNote = f.sums, f.note
			}
		}
		p.recompare()
	})
}
