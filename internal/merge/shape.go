package merge

// Shape tells the engine what the values at one place of a format's
// documents are: which arrays are sets of items known by identity, which
// values change as one, and which object members belong together. A nil
// *Shape is plain JSON: objects merge member by member, arrays as
// ordered lists. Adapters build one Shape tree per format.
type Shape struct {
	// Members are the shapes of an object's members by key; Other is
	// the shape of members not listed.
	Members map[string]*Shape
	Other   *Shape
	// Item is the shape of an array's elements; ItemFor, when set,
	// chooses it per element instead (tscircuit elements by type).
	Item    *Shape
	ItemFor func(d Value) *Shape
	// Key makes the array a set: its elements are matched by the
	// identity Key returns (ok false: by their whole content), and both
	// sides' insertions merge without conflict.
	Key func(item Value) (id string, ok bool)
	// KeyLabel names the identity in paths: "id" gives [id=R5]; empty
	// gives [R5].
	KeyLabel string
	// Renames lets an item whose identity changed on one side, and
	// nothing else, keep matching its base item (a net renamed there
	// still takes the other side's new pins).
	Renames bool
	// WithoutKey is an item's content apart from its identity, for
	// finding renames; nil means the whole item.
	WithoutKey func(item Value) []byte
	// Tuple makes an array a record whose elements are fields by
	// position (a Wokwi connection): equal lengths merge element by
	// element, anything else conflicts as a whole.
	Tuple bool
	// Atomic makes the value change as a whole: two different changes
	// inside it conflict instead of being combined.
	Atomic bool
	// Groups are members of an object that change together (tscircuit's
	// resistance and display_resistance, Wokwi's top and left).
	Groups []Group
}

// Group is a set of object members merged as one property.
type Group struct {
	// Name is the property's name in conflicts: "value", "position".
	Name    string
	Members []string
	// Show is the member whose value a conflict message shows; empty
	// shows every member.
	Show string
}

// Value is one JSON value of a document, as adapters see it.
type Value struct {
	d *doc
	n *node
}

// Get returns the member of an object called key, or a Value whose OK
// is false.
func (v Value) Get(key string) Value {
	if v.n == nil {
		return Value{}
	}
	return Value{v.d, v.d.get(v.n, key)}
}

// Index returns element i of an array, or a Value whose OK is false.
func (v Value) Index(i int) Value {
	if v.n == nil || v.n.kind != kArray {
		return Value{}
	}
	v.d.expand(v.n)
	if i < 0 || i >= len(v.n.items) {
		return Value{}
	}
	return Value{v.d, &v.n.items[i]}
}

// OK reports whether the value exists.
func (v Value) OK() bool { return v.n != nil }

// String returns a string value, or "" for anything else.
func (v Value) String() string {
	if v.n == nil {
		return ""
	}
	return v.d.str(v.n)
}

// Text is the value for a person: strings without quotes, anything else
// as compact JSON; "" when absent.
func (v Value) Text() string {
	if v.n == nil {
		return ""
	}
	return v.d.text(v.n)
}

// Raw is the value's bytes as the file writes them.
func (v Value) Raw() []byte {
	if v.n == nil {
		return nil
	}
	return v.d.raw(v.n)
}

// member returns the shape of member key.
func (s *Shape) member(key string) *Shape {
	if s == nil {
		return nil
	}
	if m, ok := s.Members[key]; ok {
		return m
	}
	return s.Other
}

// item returns the shape of array element v.
func (s *Shape) item(v Value) *Shape {
	if s == nil {
		return nil
	}
	if s.ItemFor != nil {
		return s.ItemFor(v)
	}
	return s.Item
}

func (s *Shape) isSet() bool    { return s != nil && s.Key != nil }
func (s *Shape) isAtomic() bool { return s != nil && s.Atomic }
func (s *Shape) groups() []Group {
	if s == nil {
		return nil
	}
	return s.Groups
}

// groupOf returns the group holding member key, or nil.
func (s *Shape) groupOf(key string) *Group {
	for i, g := range s.groups() {
		for _, m := range g.Members {
			if m == key {
				return &s.Groups[i]
			}
		}
	}
	return nil
}
