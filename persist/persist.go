package persist

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
	"unicode/utf8"

	"github.com/circuitvc/circuitvc/fsx"
)

// Defaults of Options, those of the original persistence module.
const (
	defaultSuffix  = ".backup"
	defaultRetries = 3
	defaultDelay   = 100 * time.Millisecond
	newFileMode    = fs.FileMode(0o644)
)

// bom is the UTF-8 byte order mark. Load and CheckIntegrity skip
// one at the start of a file, as RFC 8259 allows; Save never writes one.
var bom = []byte{0xEF, 0xBB, 0xBF}

// Options configures a Store. The zero value is usable: no backups,
// suffix ".backup", 3 retries from 100 ms, the operating system's files.
type Options struct {
	// EnableBackups copies a file to name+BackupSuffix (atomically and
	// durably) before every Save or SaveBytes that overwrites it.
	EnableBackups bool
	// BackupSuffix is appended to a file's name to name its backup;
	// "" means ".backup".
	BackupSuffix string
	// MaxRetries is how often an operation failing with a transient
	// error (EINTR, EAGAIN, EBUSY, ETXTBSY; Windows sharing and lock
	// violations) is tried again. 0 means 3; a negative value, never.
	// Permanent errors (ENOSPC, EACCES, EROFS, EIO, …) are never retried.
	MaxRetries int
	// RetryDelay is the wait before the first retry; it doubles for each
	// later one, with up to 50% random jitter. 0 means 100 ms; a negative
	// value retries without waiting.
	RetryDelay time.Duration
	// FS is the file system used; nil means fsx.OS(). Tests inject
	// fault-injecting or in-memory implementations here.
	FS fsx.FS
}

// Store loads and saves JSON files safely: atomic replacement,
// optional backups, validation, retries of transient errors, typed
// errors. It is the Go form of the original CircuitPersistence class.
//
// Every file is UTF-8. Save writes JSON indented by two spaces with "\n"
// line endings and a final newline on every platform, never a byte order
// mark; SaveBytes writes bytes exactly as given, so a CRLF file
// round-trips unchanged. No line-ending translation happens anywhere, so
// a file's hash is the same on every platform.
//
// A Store is safe for concurrent use. Each Save is atomic on its
// own; to make a load-modify-save sequence exclusive, wrap it in
// WithFileLock.
type Store struct {
	fsys    fsx.FS
	backups bool
	suffix  string
	policy  fsx.RetryPolicy
}

// New returns a Store configured by opts, with defaults
// filled in for zero fields.
func New(opts Options) *Store {
	p := &Store{
		fsys:    opts.FS,
		backups: opts.EnableBackups,
		suffix:  opts.BackupSuffix,
		policy:  fsx.RetryPolicy{MaxRetries: opts.MaxRetries, Delay: opts.RetryDelay},
	}
	if p.fsys == nil {
		p.fsys = fsx.OS()
	}
	if p.suffix == "" {
		p.suffix = defaultSuffix
	}
	switch {
	case p.policy.MaxRetries == 0:
		p.policy.MaxRetries = defaultRetries
	case p.policy.MaxRetries < 0:
		p.policy.MaxRetries = 0
	}
	switch {
	case p.policy.Delay == 0:
		p.policy.Delay = defaultDelay
	case p.policy.Delay < 0:
		p.policy.Delay = 0
	}
	return p
}

// BackupPath returns the name of name's backup file.
func (p *Store) BackupPath(name string) string { return name + p.suffix }

// Option configures one Save, SaveBytes, CheckIntegrity or
// VerifyFileIntegrity call.
type Option func(*callOptions)

type callOptions struct {
	validate func(v any) error
}

// WithValidate makes the call refuse data that validate rejects, with a
// *DataIntegrityError wrapping validate's error. Save passes validate the
// value being saved, before anything is written; SaveBytes passes the
// []byte; CheckIntegrity passes the file's JSON decoded into an any
// (objects as map[string]any, arrays as []any, numbers as json.Number).
func WithValidate(validate func(v any) error) Option {
	return func(o *callOptions) { o.validate = validate }
}

func apply(opts []Option) callOptions {
	var o callOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Load reads the JSON file name into v, which must be a pointer, as
// json.Unmarshal does; numbers decoded into an interface become
// json.Number, so a load followed by a save keeps every number exactly.
// The file must be valid UTF-8 holding exactly one JSON value; a leading
// UTF-8 byte order mark is skipped. A file that is not, or that does not
// fit v, gives a *DataIntegrityError with the line and column.
func (p *Store) Load(ctx context.Context, name string, v any) error {
	data, err := p.read(ctx, "load", name)
	if err != nil {
		return err
	}
	return decode(name, data, v)
}

// Save writes v to name as JSON indented by two spaces, with a final
// newline. With WithValidate, v is checked first and a refusal writes
// nothing. The file is replaced atomically (temp file, fsync, rename,
// directory fsync): at every instant it is whole-old or whole-new. With
// backups enabled the old file is first copied, just as atomically, to
// its backup. Transient errors are retried; on any failure name keeps its
// old contents and the error says so when that could be confirmed.
func (p *Store) Save(ctx context.Context, name string, v any, opts ...Option) error {
	o := apply(opts)
	if o.validate != nil {
		if err := o.validate(v); err != nil {
			return &DataIntegrityError{Path: name, Err: err}
		}
	}
	data, err := encode(v)
	if err != nil {
		return &DataIntegrityError{Path: name, Err: err}
	}
	return p.write(ctx, name, data)
}

// SaveBytes writes data to name exactly as given (no re-encoding, no
// line-ending translation), with the same atomicity, backup, validation
// and retry guarantees as Save. It does not require data to be JSON.
func (p *Store) SaveBytes(ctx context.Context, name string, data []byte, opts ...Option) error {
	o := apply(opts)
	if o.validate != nil {
		if err := o.validate(data); err != nil {
			return &DataIntegrityError{Path: name, Err: err}
		}
	}
	return p.write(ctx, name, data)
}

// VerifyFileIntegrity reports whether CheckIntegrity finds nothing wrong.
func (p *Store) VerifyFileIntegrity(ctx context.Context, name string, opts ...Option) bool {
	return p.CheckIntegrity(ctx, name, opts...) == nil
}

// CheckIntegrity checks that name can be read and holds one valid UTF-8
// JSON value (a leading byte order mark is tolerated, as in Load) that
// passes the WithValidate function if one is given. Unreadable files give
// the file-system error; bad contents a *DataIntegrityError.
func (p *Store) CheckIntegrity(ctx context.Context, name string, opts ...Option) error {
	data, err := p.read(ctx, "check", name)
	if err != nil {
		return err
	}
	var v any
	if err := decode(name, data, &v); err != nil {
		return err
	}
	if o := apply(opts); o.validate != nil {
		if err := o.validate(v); err != nil {
			return &DataIntegrityError{Path: name, Err: err}
		}
	}
	return nil
}

// ComputeFileHash returns the SHA-256 of name's bytes in lower-case hex,
// as sha256sum prints it, reading the file in a stream.
func (p *Store) ComputeFileHash(ctx context.Context, name string) (string, error) {
	var sum string
	err := p.retry(ctx, func() error {
		f, err := p.fsys.OpenFile(name, os.O_RDONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		sum = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		return "", &fileError{op: "hash", path: name, err: err}
	}
	return sum, nil
}

// RestoreBackup replaces name, atomically, with the contents of its
// backup and reports true; it reports false and no error when there is
// no backup. The backup stays in place, so a restore can be repeated;
// name's current contents are not backed up first, since that would
// overwrite the very backup being restored.
func (p *Store) RestoreBackup(ctx context.Context, name string) (bool, error) {
	backup := p.BackupPath(name)
	if _, err := p.fsys.Stat(backup); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err := p.retry(ctx, func() error { return p.copyFile(backup, name) }); err != nil {
		return false, &fileError{op: "restore", path: name, err: err, note: p.note(name, nil)}
	}
	return true, nil
}

// Load loads the JSON file name into v with the default options
// (load_circuit_safe of the original module).
func Load(ctx context.Context, name string, v any) error {
	return New(Options{EnableBackups: true}).Load(ctx, name, v)
}

// Save saves v to name as JSON with the defaults of the original
// module (save_circuit_safe): atomic, with a backup of the old file,
// transient errors retried.
func Save(ctx context.Context, name string, v any) error {
	return New(Options{EnableBackups: true}).Save(ctx, name, v)
}

// retry runs fn under the retry policy; ctx ends its waits.
func (p *Store) retry(ctx context.Context, fn func() error) error {
	return fsx.Retry(ctx, p.policy, fn)
}

func (p *Store) read(ctx context.Context, op, name string) ([]byte, error) {
	var data []byte
	err := p.retry(ctx, func() (err error) {
		data, err = fsx.ReadFile(p.fsys, name)
		return err
	})
	if err != nil {
		return nil, &fileError{op: op, path: name, err: err}
	}
	return data, nil
}

// write backs up name if asked and replaces it with data. Each
// step is retried on its own, so a transient failure of the write does not
// repeat a backup that already succeeded.
func (p *Store) write(ctx context.Context, name string, data []byte) error {
	if p.backups {
		backup := p.BackupPath(name)
		err := p.retry(ctx, func() error { return p.copyFile(name, backup) })
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &fileError{op: "save", path: name, err: fmt.Errorf("backup to %s: %w", backup, err), note: p.note(name, nil)}
		}
	}
	err := p.retry(ctx, func() error { return fsx.WriteFile(p.fsys, name, data, newFileMode) })
	if err != nil {
		return &fileError{op: "save", path: name, err: err, note: p.note(name, data)}
	}
	return nil
}

// copyFile replaces dst atomically with src's bytes, streamed. dst
// gets src's permissions when it is new. fs.ErrNotExist means no src.
func (p *Store) copyFile(src, dst string) error {
	f, err := p.fsys.OpenFile(src, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	return fsx.WriteFileAtomic(p.fsys, dst, fi.Mode().Perm(), func(w io.Writer) error {
		_, err := io.Copy(w, f)
		return err
	})
}

// note says what a failed write left in name. An atomic replace
// fails either before its rename (name untouched) or in the directory
// fsync after it (name already whole-new, but maybe not durable); reading
// the file back tells which. Nothing is promised if that read fails too.
func (p *Store) note(name string, written []byte) string {
	now, err := fsx.ReadFile(p.fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return name + " not created"
	case err != nil:
		return ""
	case written != nil && bytes.Equal(now, written):
		return name + " holds the new contents, which may not survive a power cut"
	}
	return name + " unchanged"
}

// encode renders v as the files Save writes: two-space indent,
// "\n" line endings, a final newline, and <, > and & left unescaped,
// since these files are not embedded in HTML.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decode parses data as exactly one JSON value into v after
// checking that it is UTF-8; encoding/json alone would silently turn bad
// bytes into U+FFFD, and a save would then destroy them.
func decode(name string, data []byte, v any) error {
	body := bytes.TrimPrefix(data, bom)
	off := len(data) - len(body)
	if !utf8.Valid(body) {
		bad := off + firstInvalid(body)
		line, col := lineCol(data, bad)
		return &DataIntegrityError{Path: name, Line: line, Col: col, Err: fmt.Errorf("invalid UTF-8 at byte %d", bad)}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(v)
	var inv *json.InvalidUnmarshalError
	switch {
	case err == nil:
		end := int(dec.InputOffset())
		rest := bytes.TrimLeft(body[end:], " \t\r\n")
		if len(rest) == 0 {
			return nil
		}
		at := off + len(body) - len(rest)
		line, col := lineCol(data, at)
		return &DataIntegrityError{Path: name, Line: line, Col: col, Err: fmt.Errorf("data after the JSON value at byte %d", at)}
	case errors.As(err, &inv):
		return &fileError{op: "load", path: name, err: err} // a programming error, not bad data
	case err == io.EOF:
		return &DataIntegrityError{Path: name, Err: errors.New("no JSON value: the file is empty")}
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(data, len(data))
		return &DataIntegrityError{Path: name, Line: line, Col: col, Err: fmt.Errorf("truncated JSON: %w", err)}
	}
	return integrityError(name, data, off, err)
}

// integrityError wraps a decoding error with its position in data.
func integrityError(name string, data []byte, off int, err error) error {
	e := &DataIntegrityError{Path: name, Err: err}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		e.Line, e.Col = lineCol(data, off+int(syn.Offset)-1)
	case errors.As(err, &typ):
		e.Line, e.Col = lineCol(data, off+int(typ.Offset)-1)
	}
	return e
}

// firstInvalid returns the offset of the first byte of data that
// does not start a valid UTF-8 sequence.
func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// lineCol turns a byte offset into a 1-based line and column
// (counted in bytes, as compilers do).
func lineCol(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = offset - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
