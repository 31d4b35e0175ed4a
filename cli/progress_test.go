package cli

import (
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	var b strings.Builder
	clock := time.Unix(0, 0)
	p := newProgressLine(&b, "packing objects", 1000, false)
	p.now = func() time.Time { return clock }
	p.Set(5)
	p.Set(6) // within the throttle interval: not drawn
	clock = clock.Add(200 * time.Millisecond)
	p.Set(412)
	p.Set(1000) // the last step is always drawn
	if got, want := b.String(), "\rpacking objects  5/1000  0%\rpacking objects  412/1000  41%\rpacking objects  1000/1000  100%"; got != want {
		t.Fatalf("drawn %q, want %q", got, want)
	}
	b.Reset()
	p.Finish()
	if got, want := b.String(), "\r"+strings.Repeat(" ", len("packing objects  1000/1000  100%"))+"\r"; got != want {
		t.Fatalf("finish wrote %q, want %q", got, want)
	}
	b.Reset()
	p.Finish()
	if b.Len() != 0 {
		t.Fatalf("second finish wrote %q", b.String())
	}

	b.Reset()
	q := newProgressLine(&b, "receiving", -1, true)
	q.Set(3 << 20)
	q.Set(10) // throttled
	q.Finish()
	if got, want := b.String(), "\rreceiving  3.0 MiB\r"+strings.Repeat(" ", len("receiving  3.0 MiB"))+"\r"; got != want {
		t.Fatalf("bytes: %q, want %q", got, want)
	}
}
