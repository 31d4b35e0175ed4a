package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind says what kind of conflict a Conflict is.
type Kind string

// The kinds of conflict.
const (
	// Changed: both sides changed the value, differently.
	Changed Kind = "changed"
	// Added: both sides added it, differently.
	Added Kind = "added"
	// DeletedChanged: one side deleted it, the other changed it.
	DeletedChanged Kind = "deleted-changed"
	// Invalid: each change merged cleanly, but together they break the
	// circuit (Cause says how). The values are those of the item the
	// problem was found in.
	Invalid Kind = "invalid"
)

// Conflict is one place where the two sides disagree, in circuit terms.
type Conflict struct {
	Kind Kind `json:"kind"`
	// Item names the component, net, pin or wire: R5, net GND, U1.3,
	// wire uno:GND.1–led1:C; Property the attribute (value, position,
	// connections), empty for the whole item.
	Item     string `json:"item"`
	Property string `json:"property,omitempty"`
	// Path locates the value in the file, by identity where the format
	// has one ($.components[id=R5].value).
	Path Path `json:"path"`
	// Members, for a property made of several members (tscircuit's
	// resistance with its display_resistance), names them; Path then
	// locates their object and the values are objects of those members.
	Members []string `json:"members,omitempty"`
	// Shown is the member of Members whose value messages show (the
	// display string beside a number); empty shows them all.
	Shown string `json:"shown,omitempty"`
	// Base, Ours and Theirs are the three values as JSON; nil when the
	// value is absent on that side (never added, or deleted).
	Base   json.RawMessage `json:"base,omitempty"`
	Ours   json.RawMessage `json:"ours,omitempty"`
	Theirs json.RawMessage `json:"theirs,omitempty"`
	// Cause is what is wrong with the merged circuit (Kind Invalid).
	Cause string `json:"cause,omitempty"`
	// Resolved is the side the conflict was settled with ("ours",
	// "theirs", "base", or "by hand"), empty while it is open.
	Resolved string `json:"resolved,omitempty"`
	// group is the name of the group of Members.
	group string
}

// Value returns the value of one side: "base", "ours" or "theirs".
func (c *Conflict) Value(side string) (json.RawMessage, bool) {
	switch side {
	case "base":
		return c.Base, true
	case "ours":
		return c.Ours, true
	case "theirs":
		return c.Theirs, true
	}
	return nil, false
}

// Name is the conflict's subject: "R5 value", "net GND".
func (c *Conflict) Name() string {
	if c.Property == "" {
		return c.Item
	}
	return c.Item + " " + c.Property
}

// String says the conflict in one line, as a person would:
// "R5 value: base 10k, ours 4.7k, theirs 22k".
func (c *Conflict) String() string {
	show := func(v json.RawMessage) string { return c.show(v) }
	switch {
	case c.Kind == Invalid:
		return fmt.Sprintf("%s: the merged circuit is invalid: %s", c.Name(), c.Cause)
	case c.Kind == Added:
		return fmt.Sprintf("%s: added on both sides, differently: ours %s, theirs %s", c.Name(), show(c.Ours), show(c.Theirs))
	case c.Ours == nil:
		return fmt.Sprintf("%s: deleted in ours, changed in theirs%s", c.Name(), c.change(c.Theirs))
	case c.Theirs == nil:
		return fmt.Sprintf("%s: changed in ours%s, deleted in theirs", c.Name(), c.change(c.Ours))
	}
	return fmt.Sprintf("%s: base %s, ours %s, theirs %s", c.Name(), show(c.Base), show(c.Ours), show(c.Theirs))
}

// change describes how v differs from the base, for a deleted/changed
// conflict: " (value 10k → 22k)".
func (c *Conflict) change(v json.RawMessage) string {
	path, old, new, ok := firstDifference(c.Base, v)
	if !ok {
		return ""
	}
	if path != "" {
		path += " "
	}
	return fmt.Sprintf(" (%s%s → %s)", path, short(old), short(new))
}

// show is one side's value for a message: strings without quotes, long
// values cut; for a group with a display member (Shown), that member
// when it tells the sides apart as the whole values do, else the other
// members with it in brackets ("4700 (1kΩ)").
func (c *Conflict) show(v json.RawMessage) string {
	if v == nil {
		return "(none)"
	}
	if c.Shown == "" {
		return short(display(v))
	}
	if c.shownFaithful() {
		return short(display(memberOf(v, c.Shown)))
	}
	var parts []string
	for _, k := range c.Members {
		if m := memberOf(v, k); m != nil {
			parts = append(parts, display(m))
		}
	}
	if len(parts) > 1 {
		return short(parts[0] + " (" + strings.Join(parts[1:], ", ") + ")")
	}
	return short(strings.Join(parts, ""))
}

// shownFaithful reports whether the Shown member differs between two
// sides exactly when their values do (a display string left stale by an
// edit of the number does not).
func (c *Conflict) shownFaithful() bool {
	sides := []json.RawMessage{c.Base, c.Ours, c.Theirs}
	for i := range sides {
		for j := i + 1; j < len(sides); j++ {
			if sides[i] == nil || sides[j] == nil {
				continue
			}
			sameShown := string(memberOf(sides[i], c.Shown)) == string(memberOf(sides[j], c.Shown))
			if sameShown != (string(sides[i]) == string(sides[j])) {
				return false
			}
		}
	}
	return true
}

// ShowSide is one side's value as the conflict's message shows it.
func (c *Conflict) ShowSide(side string) string {
	v, _ := c.Value(side)
	return c.show(v)
}

// memberOf returns member k of a JSON object, or nil.
func memberOf(v json.RawMessage, k string) json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil {
		return nil
	}
	return obj[k]
}

// Display is a JSON value for a person, as conflicts show it: a string
// without quotes, anything else compact, long values cut.
func Display(v json.RawMessage) string { return short(display(v)) }

// display is a JSON value for a person: a string without quotes,
// anything else compact.
func display(v json.RawMessage) string {
	var s string
	if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(compact(v))
}

// short cuts a long value.
func short(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// firstDifference finds the first leaf where a and b differ: its dotted
// path and both values for a person ("" for absent).
func firstDifference(a, b json.RawMessage) (path, old, new string, ok bool) {
	da, err1 := parseDoc(a)
	db, err2 := parseDoc(b)
	if err1 != nil || err2 != nil {
		return "", "", "", false
	}
	return diffWalk(Value{da, &da.root}, Value{db, &db.root}, "")
}

func diffWalk(a, b Value, path string) (string, string, string, bool) {
	if equal(a, b, nil) {
		return "", "", "", false
	}
	if a.OK() && b.OK() && a.n.kind == kObject && b.n.kind == kObject {
		a.d.expand(a.n)
		b.d.expand(b.n)
		keys := []string{}
		for _, m := range a.n.members {
			keys = append(keys, m.key)
		}
		for _, m := range b.n.members {
			if a.Get(m.key).n == nil {
				keys = append(keys, m.key)
			}
		}
		for _, k := range keys {
			if p, o, n, ok := diffWalk(a.Get(k), b.Get(k), joinDot(path, k)); ok {
				return p, o, n, ok
			}
		}
	}
	text := func(v Value) string {
		if !v.OK() {
			return "(none)"
		}
		return v.Text()
	}
	return path, text(a), text(b), true
}

func joinDot(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// Step is one step of a Path: an object member, an array element by its
// identity, or an array element by its index.
type Step struct {
	// Key is the member's name, or the element's identity when ID.
	Key string
	// ID marks an element known by identity; Label names the identity
	// in the path's text ("id" in [id=R5]).
	ID    bool
	Label string
	// Index is the element's position when neither Key nor ID is set.
	Index int
	// index marks an index step.
	index bool
}

func keyStep(k string) Step { return Step{Key: k} }

func indexStep(i int) Step { return Step{Index: i, index: true} }

func idStep(id string, s *Shape) Step { return Step{Key: id, ID: true, Label: s.KeyLabel} }

// Path locates a value in a document.
type Path []Step

// String writes the path as JSONPath does, with elements known by
// identity as [label=identity]: $.components[id=R5].value.
func (p Path) String() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range p {
		switch {
		case s.index:
			fmt.Fprintf(&b, "[%d]", s.Index)
		case s.ID && s.Label != "":
			fmt.Fprintf(&b, "[%s=%s]", s.Label, displayID(s.Key))
		case s.ID:
			fmt.Fprintf(&b, "[%s]", displayID(s.Key))
		case plainKey(s.Key):
			b.WriteString(".")
			b.WriteString(s.Key)
		default:
			fmt.Fprintf(&b, "[%s]", strconv.Quote(s.Key))
		}
	}
	return b.String()
}

// displayID spells an identity for a person: a wire's endpoints joined
// by a dash, an element known by its content as its JSON.
func displayID(id string) string {
	if strings.HasPrefix(id, "\x00") {
		return id[1:]
	}
	return strings.ReplaceAll(id, "\x00", "–")
}

func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		if !(r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// stepJSON is a Step in a report.
type stepJSON struct {
	Key   *string `json:"key,omitempty"`
	ID    *string `json:"id,omitempty"`
	Label string  `json:"label,omitempty"`
	Index *int    `json:"index,omitempty"`
}

// MarshalJSON writes the path as its text and its steps, so that a
// person reads the first and resolve follows the second:
// {"text": "$.components[id=R5].value", "steps": [{"key": "components"}, {"id": "R5", "label": "id"}, {"key": "value"}]}.
func (p Path) MarshalJSON() ([]byte, error) {
	steps := make([]stepJSON, len(p))
	for i, s := range p {
		switch {
		case s.index:
			steps[i].Index = &p[i].Index
		case s.ID:
			steps[i].ID, steps[i].Label = &p[i].Key, s.Label
		default:
			steps[i].Key = &p[i].Key
		}
	}
	return json.Marshal(struct {
		Text  string     `json:"text"`
		Steps []stepJSON `json:"steps"`
	}{p.String(), steps})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (p *Path) UnmarshalJSON(data []byte) error {
	var v struct {
		Steps []stepJSON `json:"steps"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	out := make(Path, len(v.Steps))
	for i, s := range v.Steps {
		switch {
		case s.Index != nil:
			out[i] = indexStep(*s.Index)
		case s.ID != nil:
			out[i] = Step{Key: *s.ID, ID: true, Label: s.Label}
		case s.Key != nil:
			out[i] = keyStep(*s.Key)
		default:
			return fmt.Errorf("path step %d is empty", i+1)
		}
	}
	*p = out
	return nil
}

// conflict records a conflict at p (for a group g, on g's members) and
// reports whether the merge takes theirs there (Favor).
func (m *merger) conflict(p []Step, s *Shape, b, o, t Value, g *Group) bool {
	c := &Conflict{Kind: Changed, Path: append(Path(nil), p...)}
	if g != nil {
		c.Members, c.Shown, c.group = g.Members, g.Show, g.Name
		c.Base, c.Ours, c.Theirs = groupJSON(b, g), groupJSON(o, g), groupJSON(t, g)
	} else {
		c.Base, c.Ours, c.Theirs = rawJSON(b), rawJSON(o), rawJSON(t)
	}
	switch {
	case c.Base == nil && c.Ours != nil && c.Theirs != nil:
		c.Kind = Added
	case c.Ours == nil || c.Theirs == nil:
		c.Kind = DeletedChanged
	}
	switch m.favor {
	case FavorOurs:
		c.Resolved = "ours"
	case FavorTheirs:
		c.Resolved = "theirs"
	}
	m.conflicts = append(m.conflicts, c)
	return m.favor == FavorTheirs
}

// rawJSON is a value's compact JSON, nil when absent.
func rawJSON(v Value) json.RawMessage {
	if !v.OK() {
		return nil
	}
	return json.RawMessage(compact(v.Raw()))
}

// groupJSON is an object of g's members present in v, nil when none is.
func groupJSON(v Value, g *Group) json.RawMessage {
	if !v.OK() {
		return nil
	}
	var b bytes.Buffer
	for _, k := range g.Members {
		mv := v.Get(k)
		if !mv.OK() {
			continue
		}
		if b.Len() == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(compact(mv.Raw()))
	}
	if b.Len() == 0 {
		return nil
	}
	b.WriteByte('}')
	return b.Bytes()
}
