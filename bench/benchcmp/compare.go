package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/bench/internal/scale"
	"github.com/circuitvc/circuitvc/internal/circuit/gen"
	"github.com/circuitvc/circuitvc/objects"
)

// ledFile is the 1.4 MB tscircuit file of the save, history and diff rows.
const ledFile = "led-water-accelerometer.json"

// result is one row of the table.
type result struct {
	name       string
	cvc, git   []scale.Measure
	size       bool  // a size row: cvcSize and gitSize instead of times
	cvcSize    int64 // bytes
	gitSize    int64
	target     float64 // largest acceptable ratio; 0: no target
	targetText string
}

// medianWall is the median wall time of a row's runs.
func medianWall(ms []scale.Measure) time.Duration {
	if len(ms) == 0 {
		return 0
	}
	d := make([]time.Duration, len(ms))
	for i, m := range ms {
		d[i] = m.Wall
	}
	slices.Sort(d)
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

// peakRSS is the largest peak RSS of a row's runs.
func peakRSS(ms []scale.Measure) int64 {
	var p int64
	for _, m := range ms {
		p = max(p, m.MaxRSS)
	}
	return p
}

func (r result) ratio() float64 {
	if r.size {
		return float64(r.cvcSize) / float64(r.gitSize)
	}
	return float64(medianWall(r.cvc)) / float64(medianWall(r.git))
}

// bench holds what every row needs.
type bench struct {
	o    options
	work string
	cvc  scale.Exec
	git  scale.Exec
	g    scale.Git
	led  []byte
	res  []result
	// memory of the save rows, for the peak-memory line
	saveRSS  int64
	fileSize int64
	hist     *history
	floor    int64 // peak RSS of `git --version` started the same way
}

// history is the 1000-save fixture shared by log, restore, verify and size.
type history struct {
	cvcDir, gitDir string
	commits        []objects.Hash
}

func runCompare(ctx context.Context, o options, work string, sp *scale.Spawner) (string, error) {
	led, err := os.ReadFile(filepath.Join(o.corpus, "tscircuit", ledFile))
	if err != nil {
		return "", fmt.Errorf("the corpus (set CIRCUITVC_CORPUS or -corpus): %w", err)
	}
	home := filepath.Join(work, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return "", err
	}
	env := scale.BaseEnv(home)
	b := &bench{o: o, work: work, led: led, fileSize: int64(len(led)),
		cvc: scale.Exec{Path: o.cvc, Env: env, Via: sp}, git: scale.Exec{Path: "git", Env: env, Via: sp}, g: scale.Git{Env: env}}
	if m, err := (scale.Exec{Path: "git", Env: env, Via: sp}).Run(ctx, work, "--version"); err == nil {
		b.floor = m.MaxRSS
	}
	steps := []struct {
		row string
		fn  func(context.Context) error
	}{
		{"save", b.save},
		{"log", b.log},
		{"diff", b.diff},
		{"status", b.status},
		{"verify", b.verify},
		{"restore", b.restore},
		{"size", b.size},
		{"share", b.share},
	}
	for _, s := range steps {
		if !o.selected(s.row) {
			continue
		}
		start := time.Now()
		if err := s.fn(ctx); err != nil {
			return "", fmt.Errorf("%s: %w", s.row, err)
		}
		logf("%s done in %s", s.row, time.Since(start).Round(time.Millisecond))
	}
	return b.table(), nil
}

// pair times the circuitvc and git sides of one row: one untimed warm-up
// of each, then runs alternating circuitvc and git so that drift in the
// machine's speed hits both alike. prep(i) runs before each pair, untimed.
func (b *bench) pair(ctx context.Context, name string, target float64, targetText string, prep func(i int) error,
	cvc, git func(i int) (scale.Measure, error)) (*result, error) {
	r := result{name: name, target: target, targetText: targetText}
	for i := -1; i < b.o.runs; i++ {
		if prep != nil {
			if err := prep(i); err != nil {
				return nil, err
			}
		}
		mc, err := cvc(i)
		if err != nil {
			return nil, err
		}
		mg, err := git(i)
		if err != nil {
			return nil, err
		}
		if i >= 0 {
			r.cvc, r.git = append(r.cvc, mc), append(r.git, mg)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	b.res = append(b.res, r)
	logf("  %-28s circuitvc %8s  git %8s", name, ms(medianWall(r.cvc)), ms(medianWall(r.git)))
	return &b.res[len(b.res)-1], nil
}

// fixture builds a circuitvc tree with n saves of the versions v and a git
// mirror of it.
func (b *bench) fixture(ctx context.Context, name string, n int, v scale.Version) (cvcDir, gitDir string, commits []objects.Hash, err error) {
	cvcDir = filepath.Join(b.work, name, "circuitvc")
	gitDir = filepath.Join(b.work, name, "git")
	start := time.Now()
	repo, err := scale.Builder{}.Init(cvcDir)
	if err != nil {
		return "", "", nil, err
	}
	commits, err = scale.Builder{}.History(ctx, repo, 0, n, v)
	repo.Close()
	if err != nil {
		return "", "", nil, err
	}
	// The timed runs use the default configuration, automatic gc included.
	if err := scale.SetConfig(filepath.Join(cvcDir, ".circuitvc"), "circuitvc", "autoGC", "2000"); err != nil {
		return "", "", nil, err
	}
	built := time.Since(start)
	if err := b.g.Mirror(ctx, cvcDir, gitDir); err != nil {
		return "", "", nil, err
	}
	logf("  fixture %s: %d saves (%s), git mirror (%s)", name, n, built.Round(time.Millisecond), (time.Since(start) - built).Round(time.Millisecond))
	return cvcDir, gitDir, commits, nil
}

// ledVersions is a history of one-value edits of the 1.4 MB file: save i
// sets R1's resistance to base+i ohms.
func (b *bench) ledVersions(base int) scale.Version {
	return func(i int) (map[string][]byte, string, error) {
		data, err := scale.SetResistance(b.led, base+i)
		return map[string][]byte{ledFile: data}, fmt.Sprintf("R1 resistance %d", base+i), err
	}
}

func (b *bench) save(ctx context.Context) error {
	cvcDir, gitDir, _, err := b.fixture(ctx, "save", 20, b.ledVersions(1000))
	if err != nil {
		return err
	}
	edit := func(ohms int) error {
		data, err := scale.SetResistance(b.led, ohms)
		if err != nil {
			return err
		}
		if err := scale.WriteFile(filepath.Join(cvcDir, ledFile), data); err != nil {
			return err
		}
		return scale.WriteFile(filepath.Join(gitDir, ledFile), data)
	}
	msg := func(i int) string { return fmt.Sprintf("R1 resistance %d", 5000+i) }
	gitSave := func(i int) (scale.Measure, error) {
		a, err := b.git.Run(ctx, gitDir, "add", ledFile)
		if err != nil {
			return a, err
		}
		c, err := b.git.Run(ctx, gitDir, "-c", "core.fsync=all", "-c", "core.fsyncMethod=fsync", "commit", "-q", "-m", msg(i))
		return a.Add(c), err
	}
	r, err := b.pair(ctx, "save -m (1.4 MB, one-value edit)", 0.5, "≤ 0.5×",
		func(i int) error { return edit(5000 + i) },
		func(i int) (scale.Measure, error) { return b.cvc.Run(ctx, cvcDir, "save", "-m", msg(i)) },
		gitSave)
	if err != nil {
		return err
	}
	b.saveRSS = peakRSS(r.cvc)
	// The everyday save, without -m: circuitvc also computes the semantic
	// summary that becomes the message, which git has no counterpart of.
	r, err = b.pair(ctx, "save, semantic message", 0.7, "≤ 0.7×",
		func(i int) error { return edit(7000 + i) },
		func(i int) (scale.Measure, error) { return b.cvc.Run(ctx, cvcDir, "save") },
		gitSave)
	if err != nil {
		return err
	}
	b.saveRSS = max(b.saveRSS, peakRSS(r.cvc))
	return nil
}

// history builds (once) the big history of one-value edits.
func (b *bench) history(ctx context.Context) (*history, error) {
	if b.hist != nil {
		return b.hist, nil
	}
	cvcDir, gitDir, commits, err := b.fixture(ctx, "history", b.o.saves, b.ledVersions(1000))
	if err != nil {
		return nil, err
	}
	b.hist = &history{cvcDir: cvcDir, gitDir: gitDir, commits: commits}
	return b.hist, nil
}

func (b *bench) log(ctx context.Context) error {
	h, err := b.history(ctx)
	if err != nil {
		return err
	}
	_, err = b.pair(ctx, fmt.Sprintf("log -n 1000 (%d saves)", b.o.saves), 1, "≤ 1×", nil,
		func(int) (scale.Measure, error) { return b.cvc.Run(ctx, h.cvcDir, "log", "-n", "1000") },
		func(int) (scale.Measure, error) { return b.git.Run(ctx, h.gitDir, "log", "-n", "1000") })
	return err
}

func (b *bench) verify(ctx context.Context) error {
	h, err := b.history(ctx)
	if err != nil {
		return err
	}
	_, err = b.pair(ctx, fmt.Sprintf("verify / fsck (%d saves, loose)", b.o.saves), 1, "≤ 1×", nil,
		func(int) (scale.Measure, error) { return b.cvc.Run(ctx, h.cvcDir, "verify") },
		func(int) (scale.Measure, error) { return b.git.Run(ctx, h.gitDir, "fsck") })
	return err
}

func (b *bench) restore(ctx context.Context) error {
	h, err := b.history(ctx)
	if err != nil {
		return err
	}
	// Alternate between an old version and a recent one, so that every
	// run really replaces the file.
	old, recent := h.commits[len(h.commits)/2].String(), h.commits[len(h.commits)-2].String()
	rev := func(i int) string {
		if i%2 == 0 {
			return old
		}
		return recent
	}
	_, err = b.pair(ctx, "restore of an old version", 1.5, "≤ 1.5×", nil,
		func(i int) (scale.Measure, error) {
			return b.cvc.Run(ctx, h.cvcDir, "restore", "--to", rev(i), ledFile)
		},
		func(i int) (scale.Measure, error) { return b.git.Run(ctx, h.gitDir, "checkout", rev(i), "--", ledFile) })
	return err
}

func (b *bench) diff(ctx context.Context) error {
	oldData, newData, err := scale.DiffPair(b.led)
	if err != nil {
		return err
	}
	cvcDir, gitDir, commits, err := b.fixture(ctx, "diff", 2, func(i int) (map[string][]byte, string, error) {
		return map[string][]byte{ledFile: [][]byte{oldData, newData}[i]}, fmt.Sprintf("diff side %d", i), nil
	})
	if err != nil {
		return err
	}
	a, c := commits[0].String(), commits[1].String()
	// Check once that the semantic diff says what changed.
	out, err := scale.Exec{Path: b.cvc.Path, Env: b.cvc.Env, KeepStdout: true}.Run(ctx, cvcDir, "diff", a, c)
	if err != nil {
		return err
	}
	for _, want := range []string{"R1", "R2", "R3", "C90"} {
		if !strings.Contains(string(out.Stdout), want) {
			return fmt.Errorf("circuitvc diff %s %s does not mention %s:\n%s", a, c, want, out.Stdout)
		}
	}
	if _, err := b.pair(ctx, "diff, semantic (1.4 MB pair)", 0, "≤ 50 ms", nil,
		func(int) (scale.Measure, error) { return b.cvc.Run(ctx, cvcDir, "diff", a, c) },
		func(int) (scale.Measure, error) { return b.git.Run(ctx, gitDir, "diff", a, c) }); err != nil {
		return err
	}
	_, err = b.pair(ctx, "diff --format unified", 0, "", nil,
		func(int) (scale.Measure, error) { return b.cvc.Run(ctx, cvcDir, "diff", "--format", "unified", a, c) },
		func(int) (scale.Measure, error) { return b.git.Run(ctx, gitDir, "diff", a, c) })
	return err
}

func (b *bench) status(ctx context.Context) error {
	const comps = 100
	name := func(k int) string { return fmt.Sprintf("board%04d.circuit.json", k) }
	cvcDir, gitDir, _, err := b.fixture(ctx, "status", 1, func(int) (map[string][]byte, string, error) {
		files := map[string][]byte{}
		for k := 0; k < b.o.files; k++ {
			files[name(k)] = gen.Native(comps, int64(k))
		}
		return files, "boards", nil
	})
	if err != nil {
		return err
	}
	for k := 0; k < 5; k++ {
		idx := k * b.o.files / 5
		d := gen.New(comps, int64(idx))
		d.Components[0].Value += "1"
		for _, dir := range []string{cvcDir, gitDir} {
			if err := scale.WriteFile(filepath.Join(dir, name(idx)), d.JSON()); err != nil {
				return err
			}
		}
	}
	_, err = b.pair(ctx, fmt.Sprintf("status (%d files, 5 modified)", b.o.files), 0, "", nil,
		func(int) (scale.Measure, error) { return b.cvc.Run(ctx, cvcDir, "status") },
		func(int) (scale.Measure, error) { return b.git.Run(ctx, gitDir, "status") })
	return err
}

func (b *bench) size(ctx context.Context) error {
	h, err := b.history(ctx)
	if err != nil {
		return err
	}
	cvcObj, gitObj := filepath.Join(h.cvcDir, ".circuitvc", "objects"), filepath.Join(h.gitDir, ".git", "objects")
	cs, err := scale.DirSize(cvcObj)
	if err != nil {
		return err
	}
	gs, err := scale.DirSize(gitObj)
	if err != nil {
		return err
	}
	b.res = append(b.res, result{name: fmt.Sprintf("store size, %d saves, loose", b.o.saves), size: true, cvcSize: cs, gitSize: gs})
	// gc once on each side, timed as a single run: it is not repeatable
	// on the same store.
	mc, err := b.cvc.Run(ctx, h.cvcDir, "gc")
	if err != nil {
		return err
	}
	mg, err := b.git.Run(ctx, h.gitDir, "gc", "-q")
	if err != nil {
		return err
	}
	b.res = append(b.res, result{name: "gc (one run)", cvc: []scale.Measure{mc}, git: []scale.Measure{mg}})
	if cs, err = scale.DirSize(cvcObj); err != nil {
		return err
	}
	if gs, err = scale.DirSize(gitObj); err != nil {
		return err
	}
	b.res = append(b.res, result{name: "store size after gc", size: true, cvcSize: cs, gitSize: gs, target: 1.1, targetText: "≤ 1.1×"})
	// The packed store must still be whole, for circuitvc and for git.
	if _, err := b.g.Run(ctx, h.cvcDir, "--git-dir=.circuitvc", "fsck", "--strict"); err != nil {
		return fmt.Errorf("git fsck of the packed circuitvc store: %w", err)
	}
	if _, err := b.pair(ctx, "log -n 1000, packed", 1, "≤ 1×", nil,
		func(int) (scale.Measure, error) { return b.cvc.Run(ctx, h.cvcDir, "log", "-n", "1000") },
		func(int) (scale.Measure, error) { return b.git.Run(ctx, h.gitDir, "log", "-n", "1000") }); err != nil {
		return err
	}
	_, err = b.pair(ctx, "verify / fsck, packed", 1, "≤ 1×", nil,
		func(int) (scale.Measure, error) { return b.cvc.Run(ctx, h.cvcDir, "verify") },
		func(int) (scale.Measure, error) { return b.git.Run(ctx, h.gitDir, "fsck") })
	return err
}

// share times clone and push of the whole history over file:// (git's
// pack protocol on both sides: no hard links), into fresh directories
// each run. It runs after size, so both stores are packed, as a
// long-lived store is.
func (b *bench) share(ctx context.Context) error {
	h, err := b.history(ctx)
	if err != nil {
		return err
	}
	dir := filepath.Join(b.work, "share")
	fresh := func(i int) error {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, bare := range []string{"cvc.git", "git.git"} {
			if _, err := b.g.Run(ctx, dir, "init", "-q", "--bare", "--initial-branch=main", bare); err != nil {
				return err
			}
		}
		return nil
	}
	url := func(p string) string { return "file://" + p }
	if _, err := b.cvc.Run(ctx, h.cvcDir, "remote", "add", "bench", filepath.Join(dir, "cvc.git")); err != nil {
		return err
	}
	if _, err := b.pair(ctx, fmt.Sprintf("clone (%d saves, file://)", b.o.saves), 1.5, "≤ 1.5×", fresh,
		func(int) (scale.Measure, error) {
			return b.cvc.Run(ctx, dir, "clone", url(filepath.Join(h.cvcDir, ".circuitvc")), "cvc-clone")
		},
		func(int) (scale.Measure, error) {
			return b.git.Run(ctx, dir, "clone", "-q", url(filepath.Join(h.gitDir, ".git")), "git-clone")
		}); err != nil {
		return err
	}
	_, err = b.pair(ctx, fmt.Sprintf("push (%d saves, to an empty bare store)", b.o.saves), 1.5, "≤ 1.5×", fresh,
		func(int) (scale.Measure, error) { return b.cvc.Run(ctx, h.cvcDir, "push", "bench") },
		func(int) (scale.Measure, error) {
			return b.git.Run(ctx, h.gitDir, "push", "-q", url(filepath.Join(dir, "git.git")), "HEAD:refs/heads/main")
		})
	return err
}

// table renders the results as Markdown.
func (b *bench) table() string {
	var s strings.Builder
	fmt.Fprintf(&s, "| operation | circuitvc | git | ratio | target | met | circuitvc peak RSS | git peak RSS |\n")
	fmt.Fprintf(&s, "|---|---:|---:|---:|---|---|---:|---:|\n")
	for _, r := range b.res {
		if r.size {
			fmt.Fprintf(&s, "| %s | %s | %s | %.2f | %s | %s | | |\n", r.name, mib(r.cvcSize), mib(r.gitSize), r.ratio(), r.targetText, met(r.target == 0, r.ratio() <= r.target))
			continue
		}
		c, g := medianWall(r.cvc), medianWall(r.git)
		ok := r.ratio() <= r.target
		if r.targetText == "≤ 50 ms" {
			ok = c <= 50*time.Millisecond
		}
		fmt.Fprintf(&s, "| %s | %s | %s | %.2f | %s | %s | %s | %s |\n", r.name, ms(c), ms(g), r.ratio(), r.targetText,
			met(r.targetText == "", ok), mib(peakRSS(r.cvc)), mib(peakRSS(r.git)))
	}
	if b.saveRSS > 0 {
		limit := 4*b.fileSize + 30<<20
		fmt.Fprintf(&s, "| peak memory of save (%s file) | %s | | %.2f of limit | ≤ 4 × file + 30 MiB = %s | %s | | |\n",
			mib(b.fileSize), mib(b.saveRSS), float64(b.saveRSS)/float64(limit), mib(limit), met(false, b.saveRSS <= limit))
	}
	fmt.Fprintf(&s, "\nPeak RSS is the child's ru_maxrss from wait4; children are started by a small spawner process, whose share sets a floor (`git --version` measures %s).\n", mib(b.floor))
	fmt.Fprintf(&s, "\nTimes are medians of %d runs (after one warm-up run each), wall clock of the whole process(es); peak RSS is the largest of the runs.\n", b.o.runs)
	return s.String()
}

func met(none, ok bool) string {
	switch {
	case none:
		return ""
	case ok:
		return "yes"
	}
	return "**no**"
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
