package merge

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

// Favor settles every conflict in favour of one side, as git
// merge-file's --ours and --theirs do.
type Favor int

const (
	// FavorNone leaves conflicts open (the file keeps ours' values).
	FavorNone Favor = iota
	// FavorOurs settles conflicts with ours' values.
	FavorOurs
	// FavorTheirs settles conflicts with theirs' values.
	FavorTheirs
	// FavorBase settles conflicts with the base's values: what git's
	// recursive merge needs when it merges two common versions into a
	// virtual one, so that the outer merge sees both sides' changes
	// again and reports the conflict itself.
	FavorBase
)

// Options tune a merge.
type Options struct {
	// Name is the file's name: it helps tell formats apart (a
	// diagram.json is Wokwi) and names the file in findings.
	Name string
	// Favor settles conflicts in favour of one side.
	Favor Favor
}

// Result is a merged file.
type Result struct {
	// Data is the merged file, in ours' layout; where the sides
	// conflict it holds ours' value (or the favoured side's).
	Data []byte
	// Format is the format the three sides were merged as (FormatJSON
	// for JSON that is no circuit, or sides of different formats).
	Format circuit.Format
	// Conflicts lists every conflict, in file order; those a Favor
	// settled have Resolved set.
	Conflicts []*Conflict
}

// Open returns the conflicts not yet resolved.
func (r *Result) Open() []*Conflict {
	var out []*Conflict
	for _, c := range r.Conflicts {
		if c.Resolved == "" {
			out = append(out, c)
		}
	}
	return out
}

// Merge merges the changes from base to theirs into ours. All three
// must be JSON (else the error wraps ErrNotJSON); base may be empty, for
// a file both sides added. Circuits are merged item by item (see the
// package documentation); other JSON member by member, arrays as ordered
// lists. The result is checked as a whole: a circuit that every change
// leaves valid alone but that the merge breaks (a pin on two nets) is a
// conflict of kind Invalid.
func Merge(baseData, oursData, theirsData []byte, opts Options) (*Result, error) {
	docs, err := parseSides(baseData, oursData, theirsData)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Name, err)
	}
	f := detect(opts.Name, docs[ours])
	if detect(opts.Name, docs[theirs]) != f {
		f = circuit.FormatJSON
	}
	ad := adapterFor(f)
	favor := opts.Favor
	if favor == FavorBase {
		favor = FavorNone // settled below, once the result is whole
	}
	m := &merger{docs: docs, favor: favor}
	var b *node
	if docs[base] != nil {
		b = &docs[base].root
	}
	res := &Result{Data: oursData, Format: ad.format()}
	if m.merge(nil, ad.shape(), b, &docs[ours].root, &docs[theirs].root) {
		res.Data = render(docs[ours])
	}
	sides := roots(docs)
	for _, c := range m.conflicts {
		describe(ad, sides, c)
	}
	res.Conflicts = m.conflicts
	if combined(baseData, oursData, theirsData, res.Data) {
		if err := checkResult(ad, Options{Name: opts.Name, Favor: favor}, docs, sides, res); err != nil {
			return nil, err
		}
	}
	if opts.Favor == FavorBase {
		return res, settle(opts.Name, res, "base")
	}
	return res, nil
}

// settle resolves every open conflict of res with one side's values.
func settle(name string, res *Result, side string) error {
	for _, c := range res.Open() {
		data, err := resolveIn(name, res.Data, c, side)
		if errors.Is(err, ErrNotFound) {
			continue // inside an item another settlement removed
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", name, c.Name(), err)
		}
		res.Data, c.Resolved = data, side
	}
	return nil
}

// parseSides parses the three versions at once; an empty base is
// absent.
func parseSides(b, o, t []byte) ([3]*doc, error) {
	var docs [3]*doc
	var errs [3]error
	var wg sync.WaitGroup
	for i, data := range [3][]byte{b, o, t} {
		if i == int(base) && len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			docs[i], errs[i] = parseDoc(data)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return docs, fmt.Errorf("%s: %w", [...]string{"base", "ours", "theirs"}[i], err)
		}
	}
	return docs, nil
}

func roots(docs [3]*doc) [3]Value {
	var out [3]Value
	for i, d := range docs {
		if d != nil {
			out[i] = Value{d, &d.root}
		}
	}
	return out
}

// describe names a conflict's item and property in circuit terms.
func describe(ad adapter, sides [3]Value, c *Conflict) {
	c.Item, c.Property = ad.describe(sides, c.Path)
	if c.group != "" {
		c.Property = joinDot(c.Property, c.group)
	}
}

// combined reports whether the merged file holds changes of both sides:
// only then can the merge itself have broken the circuit.
func combined(b, o, t, merged []byte) bool {
	return !bytes.Equal(b, o) && !bytes.Equal(b, t) && !bytes.Equal(merged, o) && !bytes.Equal(merged, t)
}

// checkResult validates the merged file; each error that neither ours
// nor theirs had is a conflict of kind Invalid, on the item it was found
// in. With a Favor, those items take the favoured side's version.
func checkResult(ad adapter, opts Options, docs [3]*doc, sides [3]Value, res *Result) error {
	found := ad.check(opts.Name, res.Data)
	if len(found) == 0 {
		return nil
	}
	var before [2][]finding
	var wg sync.WaitGroup
	for i, s := range []side{ours, theirs} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			before[i] = ad.check(opts.Name, docs[s].data)
		}()
	}
	wg.Wait()
	fresh := newFindings(found, before[0], before[1])
	if len(fresh) == 0 {
		return nil
	}
	md, err := parseDoc(res.Data)
	if err != nil {
		return fmt.Errorf("merged result is not JSON (a bug): %w", err)
	}
	invalid := invalidConflicts(ad, md, sides, fresh)
	res.Conflicts = append(res.Conflicts, invalid...)
	if opts.Favor == FavorNone {
		return nil
	}
	settled := &Result{Data: res.Data, Conflicts: invalid}
	err = settle(opts.Name, settled, map[Favor]string{FavorOurs: "ours", FavorTheirs: "theirs"}[opts.Favor])
	res.Data = settled.Data
	return err
}

// newFindings returns the findings of merged beyond those ours or
// theirs had already (compared without line numbers).
func newFindings(merged, o, t []finding) []finding {
	count := func(fs []finding) map[string]int {
		m := map[string]int{}
		for _, f := range fs {
			m[f.key()]++
		}
		return m
	}
	co, ct := count(o), count(t)
	budget := map[string]int{}
	for k, n := range co {
		budget[k] = n
	}
	for k, n := range ct {
		budget[k] = max(budget[k], n)
	}
	var out []finding
	for _, f := range merged {
		if budget[f.key()] > 0 {
			budget[f.key()]--
			continue
		}
		out = append(out, f)
	}
	return out
}

// invalidConflicts turns findings into conflicts on the items they were
// found in: the first element known by identity on each finding's path
// (net FB for $.nets[2].connections[0]), or the whole path where there
// is none. Findings in one item make one conflict.
func invalidConflicts(ad adapter, merged *doc, sides [3]Value, found []finding) []*Conflict {
	var out []*Conflict
	byPath := map[string]*Conflict{}
	for _, f := range found {
		p := itemPath(Value{merged, &merged.root}, ad.shape(), f.path)
		if c, ok := byPath[p.String()]; ok {
			c.Cause += "; " + f.msg
			continue
		}
		c := &Conflict{Kind: Invalid, Path: p, Cause: f.msg}
		c.Base = rawJSON(find(sides[base], ad.shape(), p))
		c.Ours = rawJSON(find(sides[ours], ad.shape(), p))
		c.Theirs = rawJSON(find(sides[theirs], ad.shape(), p))
		describe(ad, sides, c)
		byPath[p.String()] = c
		out = append(out, c)
	}
	return out
}

// itemPath turns a finding's JSONPath ($.nets[2].connections[0]) into a
// Path that stops at the first element known by identity.
func itemPath(root Value, s *Shape, jsonPath string) Path {
	var p Path
	v := root
	for _, tok := range pathTokens(jsonPath) {
		if !v.OK() {
			break
		}
		if tok.index >= 0 {
			el := v.Index(tok.index)
			if s.isSet() && el.OK() {
				return append(p, idStep(keys(v, s)[tok.index], s))
			}
			p = append(p, indexStep(tok.index))
			v, s = el, s.item(el)
			continue
		}
		p = append(p, keyStep(tok.key))
		v, s = v.Get(tok.key), s.member(tok.key)
	}
	return p
}

type token struct {
	key   string
	index int
}

// pathTokens splits $.a.b[3]["c d"] into its steps.
func pathTokens(p string) []token {
	var out []token
	p = strings.TrimPrefix(p, "$")
	for p != "" {
		switch p[0] {
		case '.':
			end := strings.IndexAny(p[1:], ".[")
			if end < 0 {
				end = len(p) - 1
			}
			out = append(out, token{key: p[1 : end+1], index: -1})
			p = p[end+1:]
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return out
			}
			in := p[1:end]
			if n, err := strconv.Atoi(in); err == nil {
				out = append(out, token{index: n})
			} else if s, err := strconv.Unquote(in); err == nil {
				out = append(out, token{key: s, index: -1})
			}
			p = p[end+1:]
		default:
			return out
		}
	}
	return out
}
