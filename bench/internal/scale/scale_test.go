package scale

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/cli"
	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
)

// inProcess runs the circuitvc command line in this process, keeping
// its output, so the scenario's checks see it.
type inProcess struct{}

func (inProcess) Run(ctx context.Context, dir string, args ...string) (Measure, error) {
	var out, errb bytes.Buffer
	env := cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Dir: dir, FS: fsx.OS(), Now: time.Now,
		Getenv: func(k string) string {
			if k == "CIRCUITVC_AUTHOR" {
				return "Scale Test <scale@example.com>"
			}
			return ""
		}}
	start := time.Now()
	code := cli.Run(ctx, append([]string{"circuitvc"}, args...), env)
	m := Measure{Wall: time.Since(start), Stdout: out.Bytes()}
	if code != 0 {
		return m, fmt.Errorf("exit %d: %s", code, strings.TrimSpace(errb.String()))
	}
	return m, nil
}

func scenario(t *testing.T) Scenario {
	s := Scenario{CVC: inProcess{}, Work: t.TempDir()}
	if gittest.Available() {
		s.Git = &Git{Env: BaseEnv(t.TempDir())}
	} else {
		t.Log("git not on PATH: stores are not checked with git fsck")
	}
	return s
}

// TestScaleSmall runs the scale scenario at small but growing sizes:
// every command must work and give the right answer at each.
func TestScaleSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("scale scenario: skipped in -short mode")
	}
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(Scenario) ([]Step, error)
	}{
		{"history 20 saves", func(s Scenario) ([]Step, error) { return s.History(ctx, 20) }},
		{"history 200 saves", func(s Scenario) ([]Step, error) { return s.History(ctx, 200) }},
		{"files 10", func(s Scenario) ([]Step, error) { return s.Files(ctx, 10) }},
		{"files 100", func(s Scenario) ([]Step, error) { return s.Files(ctx, 100) }},
		{"bigfile 500 KB", func(s Scenario) ([]Step, error) { return s.BigFile(ctx, 500_000) }},
		{"bigfile 5 MB", func(s Scenario) ([]Step, error) { return s.BigFile(ctx, 5_000_000) }},
	}
	var all []Step
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, err := tt.run(scenario(t))
			if err != nil {
				t.Fatal(err)
			}
			ops := map[string]bool{}
			for _, st := range steps {
				ops[st.Op] = true
			}
			for _, op := range []string{"save", "log", "diff", "restore", "status", "verify", "gc"} {
				if !ops[op] {
					t.Errorf("the scenario never ran %s", op)
				}
			}
			all = append(all, steps...)
		})
	}
	t.Logf("in-process times (not asserted):\n%s", Table(all))
}

func TestSetResistance(t *testing.T) {
	tests := []struct {
		in   string
		ohms int
		want string
		err  bool
	}{
		{`{"resistance": 330, "x": 1}`, 470, `{"resistance": 470, "x": 1}`, false},
		{"{\"resistance\": 1e3\n}", 5, "{\"resistance\": 5\n}", false},
		{`{"resistance": 1}{"resistance": 2}`, 9, `{"resistance": 9}{"resistance": 2}`, false},
		{`{"capacitance": 1}`, 9, "", true},
	}
	for _, tt := range tests {
		got, err := SetResistance([]byte(tt.in), tt.ohms)
		if (err != nil) != tt.err || string(got) != tt.want {
			t.Errorf("SetResistance(%q, %d) = %q, %v; want %q (error %v)", tt.in, tt.ohms, got, err, tt.want, tt.err)
		}
	}
}

// TestDiffPair checks the diff benchmark's revisions on the real file:
// the semantic diff must name the three resistors and the new capacitor.
func TestDiffPair(t *testing.T) {
	data := corpusFile(t)
	old, new, err := DiffPair(data)
	if err != nil {
		t.Fatal(err)
	}
	s := Scenario{CVC: inProcess{}, Work: t.TempDir()}
	a, b := s.Work+"/a.json", s.Work+"/b.json"
	if err := os.WriteFile(a, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, new, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := s.CVC.Run(context.Background(), s.Work, "diff", a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"R1", "R2", "R3", "C90"} {
		if !bytes.Contains(m.Stdout, []byte(want)) {
			t.Errorf("diff does not mention %s:\n%s", want, m.Stdout)
		}
	}
}

func corpusFile(tb testing.TB) []byte {
	dir := os.Getenv("CIRCUITVC_CORPUS")
	if dir == "" {
		tb.Skip("CIRCUITVC_CORPUS is not set: the real 1.4 MB circuit is needed")
	}
	f, err := os.Open(dir + "/tscircuit/led-water-accelerometer.json")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
