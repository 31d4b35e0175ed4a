package merge

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrNotFound is wrapped by the error of Resolve when the conflict's
// place is no longer in the file (what held it was deleted or renamed).
var ErrNotFound = errors.New("not in the file")

// Resolve rewrites data, a merged file, so that the conflict's value is
// the one side ("ours", "theirs" or "base") had, keeping the file's
// layout. A value that side did not have is deleted; one the file lacks
// is added.
func Resolve(name string, data []byte, c *Conflict, side string) ([]byte, error) {
	if _, ok := c.Value(side); !ok {
		return nil, fmt.Errorf("unknown side %q (want ours, theirs or base)", side)
	}
	out, err := resolveIn(name, data, c, side)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, c.Name(), err)
	}
	return out, nil
}

func resolveIn(name string, data []byte, c *Conflict, side string) ([]byte, error) {
	d, err := parseDoc(data)
	if err != nil {
		return nil, err
	}
	value, _ := c.Value(side)
	s := adapterFor(detect(name, d)).shape()
	if len(c.Path) == 0 {
		if value == nil {
			return nil, errors.New("cannot delete the whole file")
		}
		d.root.plan = &plan{text: value}
		return render(d), nil
	}
	e := &editor{d: d}
	parent, ps, ok := e.walk(s, c.Path[:len(c.Path)-1])
	if !ok {
		return nil, ErrNotFound
	}
	last := c.Path[len(c.Path)-1]
	if c.Members == nil {
		e.set(parent, ps, last, value)
		return render(d), nil
	}
	obj, os := e.child(parent, ps, last)
	if obj == nil {
		if value == nil {
			return data, nil
		}
		return nil, ErrNotFound
	}
	e.chain = append(e.chain, obj)
	var members map[string]json.RawMessage
	if value != nil {
		if err := json.Unmarshal(value, &members); err != nil {
			return nil, fmt.Errorf("value of %s: %w", c.Name(), err)
		}
	}
	for _, k := range c.Members {
		e.set(obj, os, keyStep(k), members[k])
	}
	return render(d), nil
}

// editor changes a parsed document in place through plans.
type editor struct {
	d *doc
	// chain is the nodes walked from the root, marked touched when a
	// change is made below them.
	chain []*node
}

// walk follows p from the root.
func (e *editor) walk(s *Shape, p Path) (*node, *Shape, bool) {
	n := &e.d.root
	e.chain = append(e.chain[:0], n)
	for _, st := range p {
		var c *node
		if c, s = e.child(n, s, st); c == nil {
			return nil, nil, false
		}
		n = c
		e.chain = append(e.chain, n)
	}
	return n, s, true
}

// child returns the child of n at step st, and its shape.
func (e *editor) child(n *node, s *Shape, st Step) (*node, *Shape) {
	v, cs := step(Value{e.d, n}, s, st)
	return v.n, cs
}

// set makes the child of parent at st hold value (JSON), or removes it
// when value is nil; a missing child is added, at the end of a set.
func (e *editor) set(parent *node, s *Shape, st Step, value json.RawMessage) {
	cur, _ := e.child(parent, s, st)
	if cur == nil && value == nil {
		return
	}
	for _, n := range e.chain {
		n.touched = true
	}
	if cur != nil && value != nil {
		cur.plan = &plan{text: value}
		return
	}
	if parent.plan == nil {
		parent.plan = &plan{entries: make([]entry, childCount(parent))}
		for i := range parent.plan.entries {
			parent.plan.entries[i] = entry{orig: i}
		}
	}
	entries := parent.plan.entries
	if cur == nil {
		add := entry{orig: -1, key: st.Key, text: value}
		if st.index && st.Index < len(entries) {
			parent.plan.entries = append(entries[:st.Index], append([]entry{add}, entries[st.Index:]...)...)
		} else {
			parent.plan.entries = append(entries, add)
		}
		return
	}
	for i, en := range entries {
		if en.orig >= 0 && child(parent, en.orig) == cur {
			parent.plan.entries = append(entries[:i], entries[i+1:]...)
			return
		}
	}
}
