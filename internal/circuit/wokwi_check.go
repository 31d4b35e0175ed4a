package circuit

import "strconv"

// The Wokwi rules are those of docs.wokwi.com/diagram-format: a part has
// a string id and type (required), numbers left, top and rotate, a
// boolean hide and an object attrs of strings; a connection is
// [from, to, colour, hints] with "part:pin" endpoints, a colour string
// ("" for a hidden wire) and an array of strings placing the wire.

// wokwiTopFields are the documented top-level fields besides parts,
// connections and version, with their kinds.
var wokwiTopFields = map[string]kind{
	"author": kString, "editor": kString, "serialMonitor": kObject, "dependencies": kObject,
}

// wokwiKind reports n unless it has one of the kinds; it returns
// whether n was acceptable.
func wokwiKind(s *errorSink, n *node, path string, l Level, kinds ...kind) bool {
	if !s.validate {
		return true
	}
	var names []string
	for _, k := range kinds {
		if n.kind == k {
			return true
		}
		names = append(names, k.String())
	}
	s.report(l, n.off, path, joinOr(names), "got %s", n.kind)
	return false
}

func wokwiTopField(s *errorSink, m *member) {
	k, ok := wokwiTopFields[m.key]
	if !ok {
		s.note(m.koff, pathKey("$", m.key), "a field the diagram format defines", "field %q is not in the diagram format", m.key)
		return
	}
	wokwiKind(s, &m.val, pathKey("$", m.key), LevelWarning, k)
}

// checkWokwiPart checks a part's fields. Wrong types in what the model
// reads (type, position, attrs) are errors; in hide, and attribute
// values that are not strings, warnings; fields the format does not
// define, notes.
func checkWokwiPart(n *node, path string, s *errorSink) {
	if t := n.get("type"); t == nil {
		s.problem(n.off, path+".type", "a string part type like \"wokwi-led\"", "part has no type")
	}
	for i := range n.obj {
		m := &n.obj[i]
		p := pathKey(path, m.key)
		switch m.key {
		case "id":
		case "type":
			wokwiKind(s, &m.val, p, LevelError, kString)
		case "left", "top", "rotate":
			wokwiKind(s, &m.val, p, LevelError, kNumber)
		case "hide":
			wokwiKind(s, &m.val, p, LevelWarning, kBool)
		case "attrs":
			if !wokwiKind(s, &m.val, p, LevelError, kObject) {
				continue
			}
			for j := range m.val.obj {
				a := &m.val.obj[j]
				wokwiKind(s, &a.val, pathKey(p, a.key), LevelWarning, kString)
			}
		default:
			s.note(m.koff, p, "a part field the diagram format defines", "part field %q is not in the diagram format", m.key)
		}
	}
}

// checkWokwiConnection checks the colour and hints of a connection.
func checkWokwiConnection(conn *node, i int, s *errorSink) {
	path := pathIdx("$.connections", i)
	if len(conn.arr) > 2 {
		wokwiKind(s, &conn.arr[2], pathIdx(path, 2), LevelWarning, kString)
	}
	if len(conn.arr) > 3 {
		h := &conn.arr[3]
		if wokwiKind(s, h, pathIdx(path, 3), LevelWarning, kArray) {
			for j := range h.arr {
				wokwiKind(s, &h.arr[j], path+"[3]["+strconv.Itoa(j)+"]", LevelWarning, kString)
			}
		}
	}
	if len(conn.arr) > 4 {
		s.note(conn.arr[4].off, pathIdx(path, 4), "[from, to, colour, hints]", "connection has %d items", len(conn.arr))
	}
}
