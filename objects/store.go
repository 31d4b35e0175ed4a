package objects

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sync"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/klauspost/compress/zlib"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxObjectSize   = 1 << 30 // 1 GiB
	DefaultStreamThreshold = 16 << 20
	DefaultCacheSize       = 32 << 20
)

// Options tune a Store. The zero value gives the defaults.
type Options struct {
	// MaxObjectSize is the largest object the store will inflate; larger
	// declared sizes are refused as corrupt, so a hostile store cannot make
	// a reader allocate without bound. Default DefaultMaxObjectSize.
	MaxObjectSize int64
	// CompressionLevel for loose objects, -1..9 as zlib; zero means 1 (best
	// speed), git's own default for core.looseCompression.
	CompressionLevel int
	// StreamThreshold is the size above which objects in packs are streamed
	// instead of inflated into memory by Open. Default DefaultStreamThreshold.
	StreamThreshold int64
	// CacheSize bounds the cache of recently read packed objects (delta
	// bases) in bytes. Default DefaultCacheSize.
	CacheSize int64
	// VerifyReads makes Read and Open check each loose object's hash against
	// its name (Verify always does). Off by default: zlib's checksum already
	// catches damaged bytes.
	VerifyReads bool
}

func (o Options) withDefaults() Options {
	if o.MaxObjectSize <= 0 {
		o.MaxObjectSize = DefaultMaxObjectSize
	}
	if o.CompressionLevel == 0 {
		o.CompressionLevel = zlib.BestSpeed
	}
	if o.StreamThreshold <= 0 {
		o.StreamThreshold = DefaultStreamThreshold
	}
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	return o
}

// Store is an object store rooted at a .circuitvc (bare Git) directory.
// It is safe for use by several goroutines.
type Store struct {
	fsys   fsx.FS
	dir    string // the .circuitvc directory
	objDir string // dir/objects
	opts   Options

	zw sync.Pool // *zlib.Writer at opts.CompressionLevel
	zr sync.Pool // zlib readers (io.ReadCloser + zlib.Resetter)

	mu          sync.Mutex // guards packs and packsLoaded; serialises pack reads
	packs       []*pack
	packsLoaded bool
	cache       *cache.ObjectLRU // shared by all packs
}

// Init makes the object directories of a new store in dir (the .circuitvc
// directory): objects/, objects/pack and objects/info, each fsynced into its
// parent. Existing directories are left alone.
func Init(fsys fsx.FS, dir string) error {
	for _, sub := range []string{"objects", "objects/pack", "objects/info"} {
		p := filepath.Join(dir, filepath.FromSlash(sub))
		if err := fsx.MkdirAll(fsys, p, 0o755); err != nil {
			return fmt.Errorf("objects: init %s: %w", p, err)
		}
	}
	return nil
}

// Open opens the store in dir with default Options.
func Open(fsys fsx.FS, dir string) (*Store, error) {
	return OpenWithOptions(fsys, dir, Options{})
}

// OpenWithOptions opens the store in dir. It fails, wrapping
// fs.ErrNotExist, when dir/objects is missing.
func OpenWithOptions(fsys fsx.FS, dir string, opts Options) (*Store, error) {
	objDir := filepath.Join(dir, "objects")
	fi, err := fsys.Stat(objDir)
	if err != nil {
		return nil, fmt.Errorf("objects: open store %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("objects: open store %s: %s is not a directory: %w", dir, objDir, fs.ErrInvalid)
	}
	opts = opts.withDefaults()
	s := &Store{fsys: fsys, dir: dir, objDir: objDir, opts: opts}
	s.cache = cache.NewObjectLRU(cache.FileSize(opts.CacheSize))
	return s, nil
}

// Dir returns the .circuitvc directory the store lives in.
func (s *Store) Dir() string { return s.dir }

// Close releases the open pack files. The Store must not be used after.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, p := range s.packs {
		errs = append(errs, p.close())
	}
	s.packs, s.packsLoaded = nil, false
	return errors.Join(errs...)
}

// Has reports whether the object h is in the store, loose or packed.
func (s *Store) Has(h Hash) (bool, error) {
	ok, err := s.hasNoRescan(h)
	if ok || err != nil {
		return ok, err
	}
	// Another process may have packed it since we listed the packs.
	if err := s.rescanPacks(); err != nil {
		return false, err
	}
	return s.inPacks(h)
}

// hasNoRescan looks loose then in the known packs.
func (s *Store) hasNoRescan(h Hash) (bool, error) {
	fi, err := s.fsys.Stat(s.loosePath(h))
	if err == nil && fi.Size() > 0 {
		return true, nil
	}
	// An empty file is a crashed writer's leftover, never a valid object:
	// treat it as absent so that Write replaces it.
	if err == nil {
		return s.inPacks(h)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("objects: stat %s: %w", h, err)
	}
	return s.inPacks(h)
}

// Read returns the type and content of object h.
func (s *Store) Read(h Hash) (Type, []byte, error) {
	t, data, err := s.readPacked(h)
	if !errors.Is(err, ErrNotFound) {
		return t, data, err
	}
	t, data, err = s.readLoose(h)
	if !errors.Is(err, ErrNotFound) {
		return t, data, err
	}
	// Checked packs before loose objects: if a concurrent gc packed the
	// object and removed the loose copy in between, it is in a new pack.
	if err := s.rescanPacks(); err != nil {
		return 0, nil, err
	}
	return s.readPacked(h)
}

// Open streams object h: its type, size and a reader of its content, in
// bounded memory however large the object. The reader fails with a
// *CorruptError if the stored content disagrees with its declared size or
// checksum. The caller must close it.
func (s *Store) Open(h Hash) (Type, int64, io.ReadCloser, error) {
	t, size, rc, err := s.openPacked(h)
	if !errors.Is(err, ErrNotFound) {
		return t, size, rc, err
	}
	t, size, rc, err = s.openLoose(h)
	if !errors.Is(err, ErrNotFound) {
		return t, size, rc, err
	}
	if err := s.rescanPacks(); err != nil {
		return 0, 0, nil, err
	}
	return s.openPacked(h)
}

// Write stores data as an object of type t and returns its name. An object
// that already exists is reused, not rewritten — unless its loose file is
// damaged (truncated by a writer that did not fsync, say), which is then
// replaced by a whole copy.
func (s *Store) Write(t Type, data []byte) (Hash, error) {
	hs, err := s.WriteMany([]Object{{Type: t, Data: data}})
	if err != nil {
		return ZeroHash, err
	}
	return hs[0], nil
}

// WriteStream stores the size bytes that r yields as an object of type t,
// hashing and compressing them in one pass with bounded memory. It fails if
// r yields fewer or more than size bytes.
func (s *Store) WriteStream(t Type, size int64, r io.Reader) (Hash, error) {
	if !validType(t) {
		return ZeroHash, fmt.Errorf("objects: write: invalid object type %v", t)
	}
	if size < 0 {
		return ZeroHash, fmt.Errorf("objects: write: negative size %d", size)
	}
	return s.writeLooseStream(t, size, r)
}
