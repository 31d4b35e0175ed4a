package scale

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// HelperArg is the argument that makes a benchmark binary serve as its
// own spawner (see ServeHelper).
const HelperArg = "-scale-spawner"

// Why a spawner: on Linux a child's peak RSS (wait4's ru_maxrss) starts
// from the peak RSS of the process that forked it, because exec records
// the high-water mark of the memory it replaces. A benchmark that has
// built fixtures in memory would lend every child its own peak. So the
// children are started by a small helper process, started first, whose
// own peak stays a few MiB; Floor measures that floor.

type spawnRequest struct {
	Path string
	Args []string
	Dir  string
	Env  []string
	Keep bool
}

type spawnReply struct {
	Wall   time.Duration
	MaxRSS int64
	Stdout []byte
	Err    string
}

// ServeHelper runs spawn requests read from r, one JSON object per line,
// and writes one reply per request to w, until r ends.
func ServeHelper(r io.Reader, w io.Writer) error {
	dec := json.NewDecoder(bufio.NewReader(r))
	enc := json.NewEncoder(w)
	for {
		var req spawnRequest
		if err := dec.Decode(&req); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		m, err := Exec{Path: req.Path, Env: req.Env, KeepStdout: req.Keep}.Run(context.Background(), req.Dir, req.Args...)
		rep := spawnReply{Wall: m.Wall, MaxRSS: m.MaxRSS, Stdout: m.Stdout}
		if err != nil {
			rep.Err = err.Error()
		}
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
}

// Spawner is a running helper process that starts children for us.
type Spawner struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	in   io.WriteCloser
	enc  *json.Encoder
	dec  *json.Decoder
	done bool
}

// StartSpawner starts self (a binary that calls ServeHelper when given
// HelperArg) as the spawner. Start it before building anything big.
func StartSpawner(self string) (*Spawner, error) {
	cmd := exec.Command(self, HelperArg)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("spawner %s: %w", self, err)
	}
	return &Spawner{cmd: cmd, in: in, enc: json.NewEncoder(in), dec: json.NewDecoder(bufio.NewReader(out))}, nil
}

// Close stops the helper.
func (s *Spawner) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil
	}
	s.done = true
	s.in.Close()
	return s.cmd.Wait()
}

func (s *Spawner) run(req spawnRequest) (Measure, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.enc.Encode(req); err != nil {
		return Measure{}, fmt.Errorf("spawner: %w", err)
	}
	var rep spawnReply
	if err := s.dec.Decode(&rep); err != nil {
		return Measure{}, fmt.Errorf("spawner: %w", err)
	}
	m := Measure{Wall: rep.Wall, MaxRSS: rep.MaxRSS, Stdout: rep.Stdout}
	if rep.Err != "" {
		return m, errors.New(rep.Err)
	}
	return m, nil
}
