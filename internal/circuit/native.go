package circuit

import (
	"strconv"
	"strings"
)

// site records where a reference or a net pin was written, so that the
// semantic checks can point at it. Paths are built only for errors.
type site struct {
	name string // reference, or "REF.PIN"
	net  string // the net a pin was listed on
	off  int
	i, j int // indexes the path function needs
}

// sites is what an adapter hands the semantic checks besides the model.
type sites struct {
	refs     []site
	refPath  func(i int) string
	pins     []site
	pinPath  func(i, j int) string
	netNames []site
	netPath  func(i int) string
	// declared holds the components whose pin list is authoritative;
	// other components accept any pin name.
	declared map[string]bool
	// unknownRef is the message for a pin whose reference names nothing.
	unknownRef string
	// unknownExpected says what would have been valid instead.
	unknownExpected string
	// scratch and key are reused while reading lists of strings.
	scratch []string
	key     []byte
	// pinLists shares identical declared pin lists.
	pinLists map[string][]string
	// intern shares the strings that repeat across components (types,
	// values, footprints), which big files hold hundreds of thousands
	// of times; nil interns nothing.
	intern map[string]string
}

// pinList returns a copy of pins, shared with every other component
// that declares the same pins (they are read-only).
func (st *sites) pinList(pins []string) []string {
	st.key = st.key[:0]
	for _, p := range pins {
		st.key = append(st.key, p...)
		st.key = append(st.key, 0)
	}
	if list, ok := st.pinLists[string(st.key)]; ok {
		return list
	}
	list := append([]string(nil), pins...)
	if st.pinLists == nil {
		st.pinLists = map[string][]string{}
	}
	if len(st.pinLists) < 1<<12 {
		st.pinLists[string(st.key)] = list
	}
	return list
}

// shared returns one copy of a repeated attribute string.
func (st *sites) shared(v string) string {
	if st.intern == nil || v == "" {
		return v
	}
	if x, ok := st.intern[v]; ok {
		return x
	}
	if len(st.intern) < 1<<16 {
		st.intern[v] = v
	}
	return v
}

// decodeNative maps a native *.circuit.json document to the model.
// Structural problems (a string where an object belongs) are fatal and
// reported to s; fields of the wrong type are skipped.
func decodeNative(root *node, s *errorSink) (*Circuit, *sites) {
	c := &Circuit{Format: FormatNative, Metadata: map[string]string{}}
	st := newNativeSites()
	if root.kind != kObject {
		s.fatal(root.off, "$", "an object with \"components\" and \"nets\"", "native circuit is a JSON %s", root.kind)
		return nil, nil
	}
	for i := range root.obj {
		m := &root.obj[i]
		switch m.key {
		case "components":
			if !expectKind(s, &m.val, kArray, "$.components") {
				return nil, nil
			}
			c.Components = make([]*Component, 0, len(m.val.arr))
			for ci := range m.val.arr {
				comp, ok := nativeComponent(&m.val.arr[ci], ci, s, st)
				if !ok {
					return nil, nil
				}
				c.Components = append(c.Components, comp)
			}
		case "nets":
			if !expectKind(s, &m.val, kArray, "$.nets") {
				return nil, nil
			}
			for ni := range m.val.arr {
				n, ok := nativeNet(&m.val.arr[ni], ni, s, st)
				if !ok {
					return nil, nil
				}
				c.Nets = append(c.Nets, n)
			}
		default:
			nativeMember(c, m)
		}
	}
	if root.get("components") == nil {
		s.fatal(root.off, "$", "property \"components\"", "missing property \"components\"")
		return nil, nil
	}
	return c, st
}

// newNativeSites is the sites of a native file.
func newNativeSites() *sites {
	return &sites{
		refPath:         func(i int) string { return "$.components[" + strconv.Itoa(i) + "].id" },
		pinPath:         func(i, j int) string { return "$.nets[" + strconv.Itoa(i) + "].connections[" + strconv.Itoa(j) + "]" },
		netPath:         func(i int) string { return "$.nets[" + strconv.Itoa(i) + "].name" },
		declared:        map[string]bool{},
		unknownRef:      "net pin %q names no component %q",
		unknownExpected: "a component id from $.components",
		intern:          map[string]string{},
	}
}

// nativeMember reads a top-level member other than components and nets.
func nativeMember(c *Circuit, m *member) {
	switch m.key {
	case "version":
		if m.val.kind == kString || m.val.kind == kNumber {
			c.Version = m.val.str
		}
	case "metadata":
		if m.val.kind == kObject {
			flatten(c.Metadata, "", &m.val)
		}
	}
}

// expectKind reports a fatal error unless n has kind k.
func expectKind(s *errorSink, n *node, k kind, path string) bool {
	if n.kind == k {
		return true
	}
	s.fatal(n.off, path, k.String(), "got %s", n.kind)
	return false
}

func nativeComponent(n *node, ci int, s *errorSink, st *sites) (*Component, bool) {
	path := func() string { return pathIdx("$.components", ci) }
	if n.kind != kObject {
		s.fatal(n.off, path(), "object", "component is a %s", n.kind)
		return nil, false
	}
	comp := &Component{}
	id := n.get("id")
	if id == nil || id.kind != kString || id.str == "" {
		off := n.off
		if id != nil {
			off = id.off
		}
		s.fatal(off, path()+".id", "a non-empty string reference like \"R1\"", "component has no id")
		return nil, false
	}
	comp.Ref = id.str
	st.refs = append(st.refs, site{name: comp.Ref, off: id.off, i: ci})
	for i := range n.obj {
		m := &n.obj[i]
		v := &m.val
		if m.key == "pins" {
			if v.kind == kArray {
				st.declared[comp.Ref] = true
				comp.Pins = make([]string, 0, len(v.arr))
				for k := range v.arr {
					if p := scalarString(&v.arr[k]); p != "" {
						comp.Pins = append(comp.Pins, st.shared(p))
					}
				}
			}
			continue
		}
		nativeAttr(comp, m.key, v, st)
	}
	return comp, true
}

// nativeAttr reads one attribute of a native component other than its
// id and pins; values of the wrong type are left out (the schema
// reports them).
func nativeAttr(comp *Component, key string, v *node, st *sites) {
	switch key {
	case "type":
		comp.Type = st.shared(scalarString(v))
	case "value":
		comp.Value = st.shared(scalarString(v))
	case "footprint":
		comp.Footprint = st.shared(scalarString(v))
	case "mpn":
		comp.MPN = st.shared(scalarString(v))
	case "manufacturer":
		comp.Manufacturer = st.shared(scalarString(v))
	case "dnp":
		comp.DNP = v.kind == kBool && v.str == "true"
	case "position":
		comp.Position = positionOf(v, "x", "y", "rotation")
	case "properties":
		if v.kind == kObject {
			comp.Properties = make(map[string]string, len(v.obj))
			flatten(comp.Properties, "", v)
		}
	}
}

func nativeNet(n *node, ni int, s *errorSink, st *sites) (*Net, bool) {
	path := func() string { return pathIdx("$.nets", ni) }
	if n.kind != kObject {
		s.fatal(n.off, path(), "object", "net is a %s", n.kind)
		return nil, false
	}
	name := n.get("name")
	if name == nil || name.kind != kString || name.str == "" {
		off := n.off
		if name != nil {
			off = name.off
		}
		s.fatal(off, path()+".name", "a non-empty string", "net has no name")
		return nil, false
	}
	net := &Net{Name: name.str}
	st.netNames = append(st.netNames, site{name: net.Name, off: name.off, i: ni})
	// A repeated "connections" counts by its last value, as in
	// encoding/json and in decodeNativeStream.
	var conns *node
	for i := len(n.obj) - 1; i >= 0; i-- {
		if n.obj[i].key == "connections" {
			conns = &n.obj[i].val
			break
		}
	}
	if conns == nil || conns.kind != kArray {
		return net, true
	}
	net.Pins = make([]string, 0, len(conns.arr))
	for j := range conns.arr {
		v := &conns.arr[j]
		if v.kind != kString {
			continue
		}
		if _, _, ok := SplitPin(v.str); !ok {
			continue // the schema reports it
		}
		net.Pins = append(net.Pins, v.str)
		if s.validate {
			st.pins = append(st.pins, site{name: v.str, net: net.Name, off: v.off, i: ni, j: j})
		}
	}
	return net, true
}

// scalarString renders a scalar as text; containers and null give "".
func scalarString(n *node) string {
	switch n.kind {
	case kString, kNumber, kBool:
		return n.str
	}
	return ""
}

// numberOf returns a number node's value.
func numberOf(n *node) (float64, bool) {
	if n == nil || n.kind != kNumber {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.str, 64)
	return f, err == nil
}

// positionOf reads a position object with the given coordinate keys.
func positionOf(n *node, xk, yk, rk string) *Position {
	if n == nil || n.kind != kObject {
		return nil
	}
	x, okx := numberOf(n.get(xk))
	y, oky := numberOf(n.get(yk))
	if !okx && !oky {
		return nil
	}
	r, _ := numberOf(n.get(rk))
	return &Position{X: x, Y: y, Rotation: r}
}

// flatten stores an object's members in m: nested objects become dotted
// keys, strings stay as they are, everything else compact JSON.
func flatten(m map[string]string, prefix string, n *node) {
	for i := range n.obj {
		k := n.obj[i].key
		if prefix != "" {
			k = prefix + "." + k
		}
		v := &n.obj[i].val
		switch v.kind {
		case kObject:
			if len(v.obj) == 0 {
				m[k] = "{}"
				continue
			}
			flatten(m, k, v)
		case kString:
			m[k] = v.str
		default:
			m[k] = v.text()
		}
	}
}

// trimSpaceLower is used for loose comparisons of names.
func trimSpaceLower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
