package cli

import (
	"fmt"
	"io"
	"time"
)

// progressLine draws one self-overwriting status line on a terminal
// ("packing objects  412/1000  41%" or "receiving  3.2 MiB") and clears
// it when finished. It replaces github.com/schollz/progressbar, which
// links net/http (for its optional HTTP server), unicode tables and a
// colour library into every run of the binary: about 2 ms of start-up
// for a line that only gc and the transfer commands draw.
type progressLine struct {
	w     io.Writer
	desc  string
	total int64 // < 0: unknown, show the count alone
	bytes bool  // show the count as a byte size
	now   func() time.Time
	every time.Duration
	last  time.Time
	drawn bool
	width int // characters of the last line drawn, to clear it
}

func newProgressLine(w io.Writer, desc string, total int64, bytes bool) *progressLine {
	return &progressLine{w: w, desc: desc, total: total, bytes: bytes, now: time.Now, every: 100 * time.Millisecond}
}

// Set shows n done, at most once per p.every except for the last step
// of a known total, so a fast loop does not spend its time on output.
func (p *progressLine) Set(n int64) {
	t := p.now()
	if p.drawn && t.Sub(p.last) < p.every && (p.total < 0 || n < p.total) {
		return
	}
	p.last = t
	var s string
	switch {
	case p.bytes:
		s = fmt.Sprintf("%s  %s", p.desc, byteSize(n))
	case p.total > 0:
		s = fmt.Sprintf("%s  %d/%d  %d%%", p.desc, n, p.total, n*100/p.total)
	default:
		s = fmt.Sprintf("%s  %d", p.desc, n)
	}
	pad := max(p.width-len(s), 0)
	fmt.Fprintf(p.w, "\r%s%*s", s, pad, "")
	p.width = len(s)
	p.drawn = true
}

// Finish clears the line, leaving the cursor where the line began.
func (p *progressLine) Finish() {
	if p.drawn {
		fmt.Fprintf(p.w, "\r%*s\r", p.width, "")
		p.drawn = false
		p.width = 0
	}
}
