package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/circuit"
)

// bigNative writes a native circuit of at least mapMinSize bytes.
func bigNative(t *testing.T, name string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`{"version":"1","components":[`)
	for i := 0; b.Len() < mapMinSize+1024; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":"R` + strconv.Itoa(i+1) + `","type":"resistor","value":"10k","pins":["1","2"]}`)
	}
	b.WriteString(`],"nets":[]}`)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMapFileMapsBigFilesOnly: a big file is mapped with its bytes as
// read; a small one and a file of another FS are read.
func TestMapFileMapsBigFilesOnly(t *testing.T) {
	p := bigNative(t, "a.circuit.json")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, unmap, ok := mapFile(f)
	if !ok {
		t.Fatal("a big file was not mapped")
	}
	want, _ := os.ReadFile(p)
	if !bytes.Equal(data, want) {
		t.Fatal("the mapping holds other bytes than the file")
	}
	unmap()
	small := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(small, []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	sf, err := os.Open(small)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	if _, _, ok := mapFile(sf); ok {
		t.Fatal("a small file was mapped")
	}
}

// TestTruncatedMappingIsAnError: a mapped file truncated before it is
// parsed makes ParsePair fail and guardFaults return an error, instead
// of ending the process with a fault.
func TestTruncatedMappingIsAnError(t *testing.T) {
	p := bigNative(t, "a.circuit.json")
	f, err := fsx.OS().OpenFile(p, os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	data, unmap, ok := mapFile(f)
	f.Close()
	if !ok {
		t.Fatal("not mapped")
	}
	defer unmap()
	if _, ok := circuit.ParsePair(circuit.Source{Name: "a", Data: data}, circuit.Source{Name: "a", Data: data}); !ok {
		t.Fatal("the intact mapping does not parse")
	}
	if err := os.Truncate(p, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok := circuit.ParsePair(circuit.Source{Name: "a", Data: data}, circuit.Source{Name: "a", Data: data}); ok {
		t.Fatal("a truncated mapping parsed")
	}
	err = func() (err error) {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer guardFaults(&err)
		_ = bytes.Count(data, []byte("R1"))
		return nil
	}()
	if err == nil || !strings.Contains(err.Error(), "changed while it was compared") {
		t.Fatalf("reading a truncated mapping: %v", err)
	}
}
