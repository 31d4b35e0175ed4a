package objects

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/internal/gittest"
)

// TestSendReceiveIncremental sends a history in two steps, as a clone
// then a fetch do: the second pack holds only what the receiver lacks,
// and after each step the receiver reads every object of the history.
func TestSendReceiveIncremental(t *testing.T) {
	ctx := context.Background()
	src, _ := newStore(t)
	dst, dstDir := newStore(t)
	commits := writeHistory(t, src, 30, circuitVersion)

	first, err := src.Reachable(ctx, commits[19:20], nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 20*3 {
		t.Fatalf("first send: %d objects, want 60 (20 commits, trees, blobs)", len(first))
	}
	transfer(t, src, dst, first)

	second, err := src.Reachable(ctx, commits[29:], commits[19:20])
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 10*3 {
		t.Fatalf("second send: %d objects, want 30", len(second))
	}
	transfer(t, src, dst, second)
	all, err := dst.Reachable(ctx, commits[29:], nil)
	if err != nil || len(all) != 90 {
		t.Fatalf("receiver walks %d objects (%v), want 90", len(all), err)
	}
	entries, _ := os.ReadDir(filepath.Join(dstDir, "objects", "pack"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "tmp_") {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
	if none, err := src.Reachable(ctx, commits[29:], commits[29:]); err != nil || len(none) != 0 {
		t.Errorf("nothing to send when the other side has the tip: %d objects, %v", len(none), err)
	}
}

func transfer(t *testing.T, src, dst *Store, hashes []Hash) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := src.SendPack(context.Background(), &buf, hashes, PackOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := dst.ReceivePack(context.Background(), &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Objects != len(hashes) {
		t.Fatalf("received %d objects, sent %d", st.Objects, len(hashes))
	}
	for _, h := range hashes {
		if ok, err := dst.Has(h); !ok || err != nil {
			t.Fatalf("receiver lacks %s after the pack (%v)", h, err)
		}
	}
}

// TestReceivePackRefusesDamage: a truncated pack, a flipped byte, or a
// thin pack (deltas against objects the receiver lacks) store nothing.
func TestReceivePackRefusesDamage(t *testing.T) {
	ctx := context.Background()
	src, _ := newStore(t)
	commits := writeHistory(t, src, 10, circuitVersion)
	hashes, err := src.Reachable(ctx, commits[9:], nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := src.SendPack(ctx, &buf, hashes, PackOptions{}); err != nil {
		t.Fatal(err)
	}
	pack := buf.Bytes()
	flipped := bytes.Clone(pack)
	flipped[len(flipped)/2] ^= 0x40
	for name, data := range map[string][]byte{
		"truncated": pack[:len(pack)-100],
		"flipped":   flipped,
		"no header": []byte("not a pack at all, but long enough to have a trailer"),
	} {
		t.Run(name, func(t *testing.T) {
			dst, dir := newStore(t)
			_, err := dst.ReceivePack(ctx, bytes.NewReader(data), nil)
			if !errors.Is(err, ErrBadPack) {
				t.Fatalf("err = %v, want ErrBadPack", err)
			}
			entries, _ := os.ReadDir(filepath.Join(dir, "objects", "pack"))
			if len(entries) != 0 {
				t.Fatalf("left in objects/pack: %v", entries)
			}
		})
	}
}

// TestReceivePackCrash cuts the power after every operation of
// ReceivePack and checks every state the disk may be left in: once
// ReceivePack returned, every object of the pack reads back whole;
// before, each is absent or whole, never damaged; Verify reports
// nothing; and receiving the pack again on that disk completes.
func TestReceivePackCrash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, _ := newStore(t)
	commits := writeHistory(t, src, 8, circuitVersion)
	hashes, err := src.Reachable(ctx, commits[7:], nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := src.SendPack(ctx, &buf, hashes, PackOptions{}); err != nil {
		t.Fatal(err)
	}
	pack := buf.Bytes()
	want := map[Hash][]byte{}
	for _, h := range hashes {
		_, data, err := src.Read(h)
		if err != nil {
			t.Fatal(err)
		}
		want[h] = data
	}
	base := memStore(t)
	check := func(s *Store, acked bool, desc string) {
		t.Helper()
		for h, data := range want {
			_, got, err := s.Read(h)
			switch {
			case err == nil && !bytes.Equal(got, data):
				t.Fatalf("%s: %s reads back different bytes", desc, h)
			case err != nil && (acked || !errors.Is(err, ErrNotFound)):
				t.Fatalf("%s: %s: %v (acknowledged %v)", desc, h, err, acked)
			}
		}
		verifyClean(t, s, desc)
	}
	seen := map[string]bool{}
	cuts := 0
	for n := 0; ; n++ {
		if !fsxtest.Sampled(n) {
			continue
		}
		c := fsxtest.NewCrashFS(base)
		s, err := Open(c, faultDir)
		if err != nil {
			t.Fatal(err)
		}
		c.CrashAfter(c.Ops() + n)
		_, err = s.ReceivePack(ctx, bytes.NewReader(pack), nil)
		s.Close()
		acked := err == nil
		if err != nil && !errors.Is(err, fsxtest.ErrPowerCut) {
			t.Fatalf("cut after %d ops: %v, want the power cut", n, err)
		}
		cuts++
		for desc, after := range c.CrashStates(crashLimit) {
			key := after.Dump()
			if seen[key] {
				continue
			}
			seen[key] = true
			desc = fmt.Sprintf("cut after %d ops: %s", n, desc)
			r := openMem(t, after)
			check(r, acked, desc)
			if _, err := r.ReceivePack(ctx, bytes.NewReader(pack), nil); err != nil {
				t.Fatalf("%s: receiving again: %v", desc, err)
			}
			check(r, true, desc+", received again")
			r.Close()
		}
		if !c.Cut() {
			break
		}
	}
	t.Logf("receive pack power cuts: %d cut points, %d distinct states checked", cuts, len(seen))
}

// TestSendStoredReusesPacks: a packed history goes over as its own pack
// file (the same name arrives: nothing recomputed), and the loose
// objects saved since as one new pack; the receiver then holds it all.
func TestSendStoredReusesPacks(t *testing.T) {
	ctx := context.Background()
	src, _ := newStore(t)
	commits := writeHistory(t, src, 12, circuitVersion)
	st, err := src.Pack(ctx, PackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	more := writeHistory(t, src, 3, func(i int) []byte { return circuitVersion(100 + i) })
	hashes, err := src.Reachable(ctx, append(commits[11:], more[2]), nil)
	if err != nil {
		t.Fatal(err)
	}
	dst, dstDir := gitBareStore(t)
	var got []ReceiveStats
	err = src.SendStored(ctx, hashes, PackOptions{}, func(r io.Reader) error {
		s, err := dst.ReceivePack(ctx, r, nil)
		got = append(got, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || filepath.Base(got[0].Pack) != filepath.Base(st.Pack) || got[1].Objects != 9 {
		t.Fatalf("received %+v; want the pack %s whole, then the 9 loose objects", got, filepath.Base(st.Pack))
	}
	for _, h := range hashes {
		if ok, err := dst.Has(h); !ok || err != nil {
			t.Fatalf("receiver lacks %s (%v)", h, err)
		}
	}
	gittest.Fsck(t, dstDir)
}
