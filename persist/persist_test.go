package persist

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// fastRetry retries without real waiting worth the name.
const fastRetry = time.Microsecond

type testCircuit struct {
	Version    string            `json:"version"`
	Components []testPart        `json:"components"`
	Metadata   map[string]string `json:"metadata,omitempty"`
}

type testPart struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// bg is the context of calls that nothing cancels.
var bg = context.Background()

var sample = testCircuit{
	Version:    "1.0",
	Components: []testPart{{"R1", "10k"}, {"C1", "100nF"}},
	Metadata:   map[string]string{"title": "Verstärker <Ω> & filter"},
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// dirNames lists a directory, so that tests can see stray temp files.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestSaveFormatAndRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"struct", sample, `{
  "version": "1.0",
  "components": [
    {
      "id": "R1",
      "value": "10k"
    },
    {
      "id": "C1",
      "value": "100nF"
    }
  ],
  "metadata": {
    "title": "Verstärker <Ω> & filter"
  }
}
`},
		{"map keys sorted", map[string]any{"b": 1, "a": []any{true, nil}}, "{\n  \"a\": [\n    true,\n    null\n  ],\n  \"b\": 1\n}\n"},
		{"scalar", "π", "\"π\"\n"},
		{"empty array", []int{}, "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "c.json")
			p := New(Options{})
			if err := p.Save(bg, name, tt.v); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, name); got != tt.want {
				t.Errorf("file holds\n%s\nwant\n%s", got, tt.want)
			}
			// Loading into a value of the same type gives the value back.
			back := reflect.New(reflect.TypeOf(tt.v))
			if err := p.Load(bg, name, back.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Elem().Interface(), tt.v) && tt.name != "map keys sorted" {
				t.Errorf("loaded %#v, want %#v", back.Elem().Interface(), tt.v)
			}
		})
	}
}

// TestNumbersExact checks that a load into any and a save keep
// numbers that float64 would round.
func TestNumbersExact(t *testing.T) {
	name := filepath.Join(t.TempDir(), "n.json")
	in := "{\n  \"big\": 12345678901234567890,\n  \"exp\": 1e400,\n  \"small\": 0.1000000000000000055511151231257827\n}\n"
	writeFile(t, name, in)
	p := New(Options{})
	var v any
	if err := p.Load(bg, name, &v); err != nil {
		t.Fatal(err)
	}
	if err := p.Save(bg, name, v); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, name); got != in {
		t.Errorf("numbers changed:\n%s\nwant\n%s", got, in)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name      string
		data      *string // nil: no file
		into      func() any
		integrity bool // want *DataIntegrityError
		line, col int
		errText   string
	}{
		{name: "missing file", into: anyPtr, errText: "no such file"},
		{name: "empty", data: str(""), into: anyPtr, integrity: true, errText: "empty"},
		{name: "only spaces", data: str("  \n"), into: anyPtr, integrity: true, errText: "empty"},
		{name: "truncated", data: str("{\n  \"a\": [1,\n"), into: anyPtr, integrity: true, line: 3, col: 1, errText: "truncated"},
		{name: "syntax", data: str("{\n  \"a\": 1,\n}\n"), into: anyPtr, integrity: true, line: 3, col: 1, errText: "invalid character '}'"},
		{name: "trailing data", data: str("{}\n{}\n"), into: anyPtr, integrity: true, line: 2, col: 1, errText: "data after the JSON value"},
		{name: "invalid utf8", data: str("{\"a\":\n \"\xff\"}"), into: anyPtr, integrity: true, line: 2, col: 3, errText: "invalid UTF-8"},
		{name: "bom then invalid", data: str("\uFEFF[\n1,]"), into: anyPtr, integrity: true, line: 2, col: 3, errText: "invalid character ']'"},
		{name: "wrong type", data: str("{\"version\": 3}"), into: func() any { return new(testCircuit) }, integrity: true, line: 1, col: 13, errText: "cannot unmarshal number"},
		{name: "not a pointer", data: str("{}"), into: func() any { return testCircuit{} }, errText: "non-pointer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "c.json")
			if tt.data != nil {
				writeFile(t, name, *tt.data)
			}
			err := New(Options{}).Load(bg, name, tt.into())
			if !errors.Is(err, ErrPersistence) {
				t.Fatalf("Load error %v does not match ErrPersistence", err)
			}
			var die *DataIntegrityError
			if errors.As(err, &die) != tt.integrity {
				t.Fatalf("Load error %v: DataIntegrityError = %v, want %v", err, !tt.integrity, tt.integrity)
			}
			if tt.integrity && (die.Line != tt.line || die.Col != tt.col || die.Path != name) {
				t.Errorf("position %s:%d:%d, want %s:%d:%d", die.Path, die.Line, die.Col, name, tt.line, tt.col)
			}
			if !strings.Contains(err.Error(), tt.errText) || !strings.Contains(err.Error(), name) {
				t.Errorf("error %q should name %s and say %q", err, name, tt.errText)
			}
			if tt.data == nil && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("missing file error %v should match fs.ErrNotExist", err)
			}
		})
	}
}

func str(s string) *string { return &s }
func anyPtr() any          { return new(any) }

// TestLoadTolerated lists inputs Load accepts.
func TestLoadTolerated(t *testing.T) {
	tests := []struct {
		name, data string
	}{
		{"bom", "\uFEFF{\"version\": \"1\"}\n"},
		{"crlf", "{\r\n  \"version\": \"1\"\r\n}\r\n"},
		{"no final newline", "{\"version\": \"1\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "c.json")
			writeFile(t, name, tt.data)
			var c testCircuit
			p := New(Options{})
			if err := p.Load(bg, name, &c); err != nil || c.Version != "1" {
				t.Errorf("Load = %v, version %q", err, c.Version)
			}
			if err := p.CheckIntegrity(bg, name); err != nil {
				t.Errorf("CheckIntegrity = %v", err)
			}
		})
	}
}

func TestValidationRefusesAndWritesNothing(t *testing.T) {
	errNoParts := errors.New("a circuit needs components")
	refuse := WithValidate(func(v any) error {
		if c, ok := v.(testCircuit); ok && len(c.Components) > 0 {
			return nil
		}
		return errNoParts
	})
	tests := []struct {
		name    string
		v       any
		opts    []Option
		wantErr error // nil: the JSON encoder's error
	}{
		{"validator refuses", testCircuit{Version: "2"}, []Option{refuse}, errNoParts},
		{"NaN cannot be encoded", map[string]float64{"x": math.NaN()}, nil, nil},
		{"channel cannot be encoded", map[string]any{"c": make(chan int)}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "c.json")
			writeFile(t, name, "{\"old\": true}\n")
			fsys := fsxtest.NewFaultFS(fsx.OS())
			p := New(Options{EnableBackups: true, FS: fsys})
			err := p.Save(bg, name, tt.v, tt.opts...)
			var die *DataIntegrityError
			if !errors.As(err, &die) || !errors.Is(err, ErrPersistence) || die.Path != name {
				t.Fatalf("Save error %v, want a DataIntegrityError on %s", err, name)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Save error %v does not wrap %v", err, tt.wantErr)
			}
			if log := fsys.Log(); len(log) != 0 {
				t.Errorf("refused save made %d file-system calls, first %v", len(log), log[0])
			}
			if got := readFile(t, name); got != "{\"old\": true}\n" {
				t.Errorf("file changed to %q", got)
			}
			if names := dirNames(t, dir); !slices.Equal(names, []string{"c.json"}) {
				t.Errorf("directory holds %v, want only c.json", names)
			}
		})
	}
	t.Run("validator accepts", func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "c.json")
		if err := New(Options{}).Save(bg, name, sample, refuse); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("SaveBytes validator sees the bytes", func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "c.json")
		var seen any
		err := New(Options{}).SaveBytes(bg, name, []byte("x\r\n"), WithValidate(func(v any) error { seen = v; return nil }))
		if err != nil || !bytes.Equal(seen.([]byte), []byte("x\r\n")) {
			t.Errorf("SaveBytes = %v, validator saw %q", err, seen)
		}
	})
}

// backend is a file system to run a test on, with a directory in it.
type backend struct {
	name  string
	setup func(t *testing.T) (base fsx.FS, clone func() fsx.FS, dir string)
}

// backends are the in-memory FS (fast, permission-exact) and the
// real one. clone gives each fault iteration a fresh copy of base.
var backends = []backend{
	{"mem", func(t *testing.T) (fsx.FS, func() fsx.FS, string) {
		m := fsxtest.NewMemFS()
		if err := fsx.MkdirAll(m, "/work/Schaltplan", 0o755); err != nil {
			t.Fatal(err)
		}
		return m, func() fsx.FS { return m.Clone() }, "/work/Schaltplan"
	}},
	{"os", func(t *testing.T) (fsx.FS, func() fsx.FS, string) {
		return fsx.OS(), nil, t.TempDir()
	}},
}

// TestSaveFaultAtEveryOp fails each file-system call of a Save
// in turn with EIO: the file must stay whole-old (or, when only the final
// directory fsync failed, whole-new and said so), the backup whole, and no
// temp file may be left behind.
func TestSaveFaultAtEveryOp(t *testing.T) {
	const oldData, oldBackup = "{\"rev\": 1}\r\n", "{\"rev\": 0}\n"
	newValue := map[string]int{"rev": 2}
	newData := "{\n  \"rev\": 2\n}\n"
	for _, be := range backends {
		for _, existing := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/existing=%v", be.name, existing), func(t *testing.T) {
				base, clone, dir := be.setup(t)
				name := filepath.Join(dir, "amp.circuit.json")
				if existing {
					put(t, base, name, oldData)
					put(t, base, name+".backup", oldBackup)
				}
				fresh := func() fsx.FS { // the starting state for one iteration
					if clone != nil {
						return clone()
					}
					for _, f := range []string{name, name + ".backup"} {
						_ = base.Remove(f)
					}
					if existing {
						put(t, base, name, oldData)
						put(t, base, name+".backup", oldBackup)
					}
					return base
				}
				harmless := 0
				n := 1
				for ; ; n++ {
					inner := fresh()
					f := fsxtest.NewFaultFS(inner)
					f.FailAt(n, syscall.EIO)
					err := New(Options{EnableBackups: true, FS: f}).Save(bg, name, newValue)
					fired := f.Fired()
					if len(fired) == 0 { // n is past the last call
						if err != nil {
							t.Fatalf("Save with no fault: %v", err)
						}
						break
					}
					op := fired[0].String()
					if err == nil {
						// Only a fault that cannot matter may go unreported
						// (closing a file that was only read): the save must
						// then be whole and complete.
						if !saveComplete(inner, name, existing, oldData, newData) {
							t.Errorf("%s: Save succeeded but the result is wrong", op)
						}
						harmless++
						continue
					}
					if !errors.Is(err, ErrPersistence) || !errors.Is(err, syscall.EIO) || !strings.Contains(err.Error(), "amp.circuit.json") {
						t.Errorf("%s: error %v should match ErrPersistence and EIO and name the file", op, err)
					}
					checkWhole(t, inner, op, err, name, existing, oldData, newData)
					want := []string{"amp.circuit.json", "amp.circuit.json.backup"}
					if existing {
						if b, _ := fsx.ReadFile(inner, name+".backup"); string(b) != oldBackup && string(b) != oldData {
							t.Errorf("%s: backup torn: %q", op, b)
						}
					} else {
						want = want[:1]
						if _, err := inner.Stat(name); err != nil {
							want = want[:0]
						}
					}
					if got := fileNames(t, inner, dir); !slices.Equal(got, want) {
						t.Errorf("%s: directory holds %v, want %v", op, got, want)
					}
				}
				t.Logf("fault points exercised: %d (%d harmless: the save succeeded whole)", n-1, harmless)
			})
		}
	}
}

// put writes a file on fsys for a test's setup.
func put(t *testing.T, fsys fsx.FS, name, data string) {
	t.Helper()
	if err := fsx.WriteFile(fsys, name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fileNames lists a directory of fsys.
func fileNames(t *testing.T, fsys fsx.FS, dir string) []string {
	t.Helper()
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// saveComplete reports whether name holds the new data and its
// backup the old.
func saveComplete(fsys fsx.FS, name string, existing bool, oldData, newData string) bool {
	got, err := fsx.ReadFile(fsys, name)
	if err != nil || string(got) != newData {
		return false
	}
	backup, err := fsx.ReadFile(fsys, name+".backup")
	if !existing {
		return errors.Is(err, fs.ErrNotExist)
	}
	return err == nil && string(backup) == oldData
}

// checkWhole asserts that name is whole-old, or whole-new only
// when the error says so.
func checkWhole(t *testing.T, fsys fsx.FS, op string, err error, name string, existing bool, oldData, newData string) {
	t.Helper()
	got, rerr := fsx.ReadFile(fsys, name)
	switch {
	case rerr != nil && !existing && errors.Is(rerr, fs.ErrNotExist):
		if !strings.Contains(err.Error(), "not created") {
			t.Errorf("%s: error %q should say the file was not created", op, err)
		}
	case rerr != nil:
		t.Errorf("%s: %v", op, rerr)
	case string(got) == newData:
		if !strings.Contains(op, "syncdir") || !strings.Contains(err.Error(), "new contents") {
			t.Errorf("%s: file replaced although Save failed with %q", op, err)
		}
	case existing && string(got) == oldData:
		if !strings.Contains(err.Error(), "unchanged") {
			t.Errorf("%s: error %q should say the file is unchanged", op, err)
		}
	default:
		t.Errorf("%s: file torn: %q", op, got)
	}
}

// TestSavePowerCut cuts power after every call of a Save (and
// of a RestoreBackup) and looks at every state the disk could be left in:
// the file is whole-old or whole-new, the backup whole, and once the call
// has returned success its result survives any cut.
func TestSavePowerCut(t *testing.T) {
	const dir = "/work"
	name := filepath.Join(dir, "amp.circuit.json")
	const v0, v1 = "{\"rev\": 0}\n", "{\"rev\": 1}\r\n"
	v2 := "{\n  \"rev\": 2\n}\n"
	base := fsxtest.NewMemFS()
	if err := fsx.MkdirAll(base, dir, 0o755); err != nil {
		t.Fatal(err)
	}
	put(t, base, name+".backup", v0)
	put(t, base, name, v1)
	tests := []struct {
		name       string
		run        func(p *Store) error
		fileStates []string // acceptable contents of name after a cut
		doneFile   string   // name's contents once run returned nil
		doneBackup string
	}{
		{"Save", func(p *Store) error { return p.Save(bg, name, map[string]int{"rev": 2}) }, []string{v1, v2}, v2, v1},
		{"RestoreBackup", func(p *Store) error { _, err := p.RestoreBackup(bg, name); return err }, []string{v1, v0}, v0, v0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			states := 0
			n := 0
			for ; ; n++ {
				c := fsxtest.NewCrashFS(base)
				c.CrashAfter(n)
				err := tt.run(New(Options{EnableBackups: true, FS: c}))
				// A success despite the cut is possible only when the refused
				// calls cannot matter (closing a file that was only read);
				// the acknowledged-result check below then proves it.
				for desc, after := range c.CrashStates(64) {
					states++
					file, ferr := fsx.ReadFile(after, name)
					backup, berr := fsx.ReadFile(after, name+".backup")
					if ferr != nil || !slices.Contains(tt.fileStates, string(file)) {
						t.Errorf("cut after %d calls, %s: file %q, %v", n, desc, file, ferr)
					}
					if berr != nil || (string(backup) != v0 && string(backup) != v1) {
						t.Errorf("cut after %d calls, %s: backup %q, %v", n, desc, backup, berr)
					}
					if err == nil && (string(file) != tt.doneFile || string(backup) != tt.doneBackup) {
						t.Errorf("cut after %d calls, %s: acknowledged result lost: file %q, backup %q", n, desc, file, backup)
					}
				}
				if !c.Cut() {
					break
				}
			}
			t.Logf("power-cut points: %d, disk states checked: %d", n+1, states)
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		op        string
		errno     syscall.Errno
		times     int
		retries   int // Options.MaxRetries
		wantOK    bool
		wantCalls int // calls of op made
	}{
		{"no fault", "rename", transientErrnos[1], 0, 3, true, 1},
		{"transient once", "rename", transientErrnos[1], 1, 3, true, 2},
		{"busy up to the limit", "rename", transientErrnos[2], 3, 3, true, 4},
		{"interrupted write up to the limit", "write", transientErrnos[0], 3, 3, true, 4},
		{"one more than the limit", "rename", transientErrnos[2], 4, 3, false, 4},
		{"custom limit", "sync", transientErrnos[1], 5, 5, true, 6},
		{"custom limit exceeded", "sync", transientErrnos[1], 6, 5, false, 6},
		{"retries disabled", "rename", transientErrnos[1], 1, -1, false, 1},
		{"ENOSPC not retried", "write", syscall.ENOSPC, 1, 3, false, 1},
		{"EACCES not retried", "open", syscall.EACCES, 1, 3, false, 2}, // the 2nd open reads the file back to confirm it is unchanged
		{"EROFS not retried", "rename", syscall.EROFS, 1, 3, false, 1},
		{"EIO not retried", "sync", syscall.EIO, 1, 3, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := fsxtest.NewMemFS()
			name := "/c.json"
			put(t, mem, name, "old\n")
			fsys := fsxtest.NewFaultFS(mem)
			if tt.times > 0 {
				fsys.Inject(fsxtest.Fault{Op: tt.op, Times: tt.times, Err: tt.errno})
			}
			p := New(Options{FS: fsys, MaxRetries: tt.retries, RetryDelay: fastRetry})
			err := p.SaveBytes(bg, name, []byte("new\n"))
			if got := countOps(fsys, tt.op); got != tt.wantCalls {
				t.Errorf("%s called %d times, want %d", tt.op, got, tt.wantCalls)
			}
			want := "new\n"
			if !tt.wantOK {
				want = "old\n"
				if !errors.Is(err, ErrPersistence) || !errors.Is(err, tt.errno) {
					t.Fatalf("SaveBytes error %v, want ErrPersistence wrapping %v", err, tt.errno)
				}
				if !strings.Contains(err.Error(), "unchanged") {
					t.Errorf("error %q should say the file is unchanged", err)
				}
			} else if err != nil {
				t.Fatalf("SaveBytes: %v", err)
			}
			if got, _ := fsx.ReadFile(mem, name); string(got) != want {
				t.Errorf("file holds %q, want %q", got, want)
			}
			if got := fileNames(t, mem, "/"); !slices.Equal(got, []string{"c.json"}) {
				t.Errorf("directory holds %v", got)
			}
		})
	}
}

// countOps counts the calls of one operation in a FaultFS's log.
func countOps(f *fsxtest.FaultFS, op string) int {
	n := 0
	for _, o := range f.Log() {
		if o.Name == op {
			n++
		}
	}
	return n
}

// TestRetryOtherOperations checks that reads, hashes and
// restores retry transient errors too.
func TestRetryOtherOperations(t *testing.T) {
	tests := []struct {
		name string
		run  func(p *Store, name string) error
	}{
		{"Load", func(p *Store, name string) error { var v any; return p.Load(bg, name, &v) }},
		{"CheckIntegrity", func(p *Store, name string) error { return p.CheckIntegrity(bg, name) }},
		{"ComputeFileHash", func(p *Store, name string) error { _, err := p.ComputeFileHash(bg, name); return err }},
		{"RestoreBackup", func(p *Store, name string) error { _, err := p.RestoreBackup(bg, name); return err }},
	}
	for _, tt := range tests {
		for _, times := range []int{3, 4} {
			t.Run(fmt.Sprintf("%s/%d faults", tt.name, times), func(t *testing.T) {
				name := filepath.Join(t.TempDir(), "c.json")
				writeFile(t, name, "{}\n")
				writeFile(t, name+".backup", "[]\n")
				fsys := fsxtest.NewFaultFS(fsx.OS())
				fsys.Inject(fsxtest.Fault{Op: "read", Times: times, Err: transientErrnos[1]})
				err := tt.run(New(Options{FS: fsys, RetryDelay: fastRetry}), name)
				if times <= 3 && err != nil {
					t.Errorf("%d transient faults: %v", times, err)
				}
				if times > 3 && (!errors.Is(err, ErrPersistence) || !errors.Is(err, transientErrnos[1])) {
					t.Errorf("%d transient faults: error %v, want ErrPersistence wrapping %v", times, err, transientErrnos[1])
				}
			})
		}
	}
}

func TestBackups(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		backupName string // "" when no backup is expected
	}{
		{"enabled", Options{EnableBackups: true}, "c.json.backup"},
		{"custom suffix", Options{EnableBackups: true, BackupSuffix: ".bak"}, "c.json.bak"},
		{"disabled", Options{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "c.json")
			p := New(tt.opts)
			if ok, err := p.RestoreBackup(bg, name); ok || err != nil {
				t.Fatalf("RestoreBackup with no backup = %v, %v; want false, nil", ok, err)
			}
			v1 := []byte("{\"rev\": 1}\r\n") // CRLF: the backup must keep bytes exactly
			if err := p.SaveBytes(bg, name, v1); err != nil {
				t.Fatal(err)
			}
			if got := dirNames(t, dir); !slices.Equal(got, []string{"c.json"}) {
				t.Fatalf("first save made %v; a new file has nothing to back up", got)
			}
			if err := p.Save(bg, name, map[string]int{"rev": 2}); err != nil {
				t.Fatal(err)
			}
			if tt.backupName == "" {
				if got := dirNames(t, dir); !slices.Equal(got, []string{"c.json"}) {
					t.Errorf("backups disabled but directory holds %v", got)
				}
				return
			}
			if got := readFile(t, filepath.Join(dir, tt.backupName)); got != string(v1) {
				t.Errorf("backup holds %q, want %q", got, v1)
			}
			if p.BackupPath(name) != filepath.Join(dir, tt.backupName) {
				t.Errorf("BackupPath = %q", p.BackupPath(name))
			}
			ok, err := p.RestoreBackup(bg, name)
			if !ok || err != nil {
				t.Fatalf("RestoreBackup = %v, %v", ok, err)
			}
			if got := readFile(t, name); got != string(v1) {
				t.Errorf("restored file holds %q, want %q", got, v1)
			}
			if got := dirNames(t, dir); !slices.Equal(got, []string{"c.json", tt.backupName}) {
				t.Errorf("after restore directory holds %v", got)
			}
		})
	}
}

// TestKeepsMode checks that a save keeps the file's permission
// bits and that the backup gets them too.
func TestKeepsMode(t *testing.T) {
	name := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(name, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := New(Options{EnableBackups: true})
	if err := p.Save(bg, name, []int{1}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{name, p.BackupPath(name)} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
}

func TestSaveBytesExact(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"crlf", "{\r\n  \"a\": 1\r\n}\r\n"},
		{"mixed endings", "{\n  \"a\": 1\r\n}\r"},
		{"no final newline", "{\"a\": 1}"},
		{"bom kept", "\uFEFF{}\n"},
		{"empty", ""},
		{"not json at all", "\x00\xff binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "c.json")
			p := New(Options{EnableBackups: true})
			for range 2 { // the second save goes through the backup path too
				if err := p.SaveBytes(bg, name, []byte(tt.data)); err != nil {
					t.Fatal(err)
				}
			}
			if got := readFile(t, name); got != tt.data {
				t.Errorf("file holds %q, want %q", got, tt.data)
			}
			if got := readFile(t, p.BackupPath(name)); got != tt.data {
				t.Errorf("backup holds %q, want %q", got, tt.data)
			}
			sum, err := p.ComputeFileHash(bg, name)
			want := sha256.Sum256([]byte(tt.data))
			if err != nil || sum != hex.EncodeToString(want[:]) {
				t.Errorf("ComputeFileHash = %s, %v; want %x", sum, err, want)
			}
		})
	}
}

func TestUnicodeNames(t *testing.T) {
	names := []string{
		"Verstärker-Ω.circuit.json",
		"电路图.json",
		"схема 1.json",
		"plug-🔌.json",
		filepath.Join("Ordner ä", "sub ü", "c.json"),
	}
	for _, rel := range names {
		t.Run(rel, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			p := New(Options{EnableBackups: true})
			err := p.WithFileLock(bg, name, time.Second, func() error {
				if err := p.Save(bg, name, sample); err != nil {
					return err
				}
				return p.Save(bg, name, map[string]string{"name": rel})
			})
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]string
			if err := p.Load(bg, name, &got); err != nil || got["name"] != rel {
				t.Fatalf("Load = %v, %v", got, err)
			}
			if !p.VerifyFileIntegrity(bg, name) {
				t.Error("VerifyFileIntegrity = false")
			}
			if ok, err := p.RestoreBackup(bg, name); !ok || err != nil {
				t.Fatalf("RestoreBackup = %v, %v", ok, err)
			}
			var c testCircuit
			if err := p.Load(bg, name, &c); err != nil || !reflect.DeepEqual(c, sample) {
				t.Errorf("restored %v, %v", c, err)
			}
			base := filepath.Base(name)
			want := []string{base, base + ".backup", base + ".lock"}
			slices.Sort(want)
			if got := dirNames(t, filepath.Dir(name)); !slices.Equal(got, want) {
				t.Errorf("directory holds %v, want %v", got, want)
			}
		})
	}
}

func TestCheckIntegrity(t *testing.T) {
	errNoVersion := errors.New("no version")
	needVersion := WithValidate(func(v any) error {
		if m, ok := v.(map[string]any); ok && m["version"] != nil {
			return nil
		}
		return errNoVersion
	})
	tests := []struct {
		name      string
		data      *string
		opts      []Option
		wantErr   error // nil: valid
		integrity bool
	}{
		{name: "valid", data: str(`{"version": "1"}`)},
		{name: "valid with validator", data: str(`{"version": 1e1000}`), opts: []Option{needVersion}},
		{name: "validator refuses", data: str(`{"components": []}`), opts: []Option{needVersion}, wantErr: errNoVersion, integrity: true},
		{name: "corrupt", data: str(`{"version": "1"`), wantErr: ErrPersistence, integrity: true},
		{name: "torn in the middle", data: str("{\"a\": [1, 2, \x00"), wantErr: ErrPersistence, integrity: true},
		{name: "missing", wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "c.json")
			if tt.data != nil {
				writeFile(t, name, *tt.data)
			}
			p := New(Options{})
			err := p.CheckIntegrity(bg, name, tt.opts...)
			if ok := p.VerifyFileIntegrity(bg, name, tt.opts...); ok != (tt.wantErr == nil) {
				t.Errorf("VerifyFileIntegrity = %v", ok)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("CheckIntegrity = %v", err)
				}
				return
			}
			var die *DataIntegrityError
			if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrPersistence) || errors.As(err, &die) != tt.integrity {
				t.Errorf("CheckIntegrity = %v, want %v (integrity error: %v)", err, tt.wantErr, tt.integrity)
			}
		})
	}
}

func TestComputeFileHash(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "c.json")
	data := bytes.Repeat([]byte("{\"R1\": \"10k\"}\r\n"), 100_000) // bigger than any copy buffer
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	p := New(Options{})
	sum, err := p.ComputeFileHash(bg, name)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if sum != hex.EncodeToString(want[:]) {
		t.Errorf("ComputeFileHash = %s, want %x", sum, want)
	}
	if out, err := exec.Command("sha256sum", name).Output(); err == nil {
		if got := strings.Fields(string(out))[0]; got != sum {
			t.Errorf("sha256sum says %s, ComputeFileHash %s", got, sum)
		}
	} else {
		t.Log("sha256sum not available; compared with crypto/sha256 only")
	}
	// A change is detected.
	if err := p.Save(bg, name, []int{1}); err != nil {
		t.Fatal(err)
	}
	if sum2, err := p.ComputeFileHash(bg, name); err != nil || sum2 == sum {
		t.Errorf("hash after change = %s, %v", sum2, err)
	}
	if _, err := p.ComputeFileHash(bg, filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrPersistence) {
		t.Errorf("hash of missing file: %v", err)
	}
}

// TestErrorsAreTyped checks errors.Is/As across the error kinds.
func TestErrorsAreTyped(t *testing.T) {
	locked := &FileLockedError{Path: "a.json", LockPath: "a.json.lock", Timeout: time.Second, Err: syscall.EAGAIN}
	integrity := &DataIntegrityError{Path: "a.json", Line: 2, Col: 3, Err: errors.New("bad")}
	plain := &fileError{op: "save", path: "a.json", err: &fs.PathError{Op: "rename", Path: "a.json", Err: syscall.ENOSPC}, note: "a.json unchanged"}
	tests := []struct {
		err  error
		want string
	}{
		{locked, "persistence: a.json is locked by another process (waited 1s on a.json.lock)"},
		{integrity, "persistence: data integrity: a.json:2:3: bad"},
		{plain, "persistence: save a.json: rename: no space left on device (a.json unchanged)"},
	}
	for _, tt := range tests {
		wrapped := fmt.Errorf("outer: %w", tt.err)
		if !errors.Is(wrapped, ErrPersistence) {
			t.Errorf("%T does not match ErrPersistence", tt.err)
		}
		if tt.err.Error() != tt.want {
			t.Errorf("Error() = %q, want %q", tt.err.Error(), tt.want)
		}
	}
	var le *FileLockedError
	var de *DataIntegrityError
	if !errors.As(fmt.Errorf("x: %w", locked), &le) || !errors.As(fmt.Errorf("x: %w", integrity), &de) {
		t.Error("errors.As fails through wrapping")
	}
	if errors.As(plain, &le) || errors.As(plain, &de) || !errors.Is(plain, syscall.ENOSPC) {
		t.Error("a plain I/O error must not look like a lock or integrity error, and must keep its errno")
	}
}

func TestConvenienceFunctions(t *testing.T) {
	name := filepath.Join(t.TempDir(), "c.json")
	if err := Save(bg, name, sample); err != nil {
		t.Fatal(err)
	}
	if err := Save(bg, name, map[string]string{"version": "2"}); err != nil {
		t.Fatal(err)
	}
	var c testCircuit
	if err := Load(bg, name, &c); err != nil || c.Version != "2" {
		t.Fatalf("Load = %v, %v", c, err)
	}
	if err := Load(bg, name+".backup", &c); err != nil || !reflect.DeepEqual(c, sample) {
		t.Errorf("Save made no backup of the first version: %v, %v", c, err)
	}
	if err := Load(bg, filepath.Join(t.TempDir(), "none.json"), &c); !errors.Is(err, ErrPersistence) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// TestReadOnlyDirectory uses real permissions: the save must
// fail with EACCES at once and leave the file alone.
func TestReadOnlyDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows ignores the read-only bit of directories")
	}
	if os.Geteuid() == 0 {
		t.Skip("running as root: permissions are not enforced (the fault-injection tests cover EACCES)")
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "c.json")
	writeFile(t, name, "{}\n")
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	err := New(Options{EnableBackups: true}).Save(bg, name, []int{1})
	if !errors.Is(err, fs.ErrPermission) || !errors.Is(err, ErrPersistence) {
		t.Fatalf("Save in read-only directory: %v", err)
	}
	if got := readFile(t, name); got != "{}\n" {
		t.Errorf("file changed to %q", got)
	}
}

// TestCorpusRoundTrip loads every real circuit file into an
// any and saves it: the saved file must decode to the same value.
func TestCorpusRoundTrip(t *testing.T) {
	corpus := os.Getenv("CIRCUITVC_CORPUS")
	if corpus == "" {
		t.Skip("CIRCUITVC_CORPUS unset: skipping the real-circuit round trip")
	}
	files, err := filepath.Glob(filepath.Join(corpus, "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files under %s: %v", corpus, err)
	}
	p := New(Options{})
	for _, src := range files {
		t.Run(filepath.Base(src), func(t *testing.T) {
			if err := p.CheckIntegrity(bg, src); err != nil {
				t.Fatal(err)
			}
			var v any
			if err := p.Load(bg, src, &v); err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(t.TempDir(), filepath.Base(src))
			if err := p.Save(bg, dst, v); err != nil {
				t.Fatal(err)
			}
			var back any
			if err := p.Load(bg, dst, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v, back) {
				t.Error("value changed by a save and load")
			}
			raw, _ := os.ReadFile(src)
			if !json.Valid(raw) {
				t.Error("corpus file is not JSON to encoding/json")
			}
		})
	}
	t.Logf("corpus files round-tripped: %d", len(files))
}
