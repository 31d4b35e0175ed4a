package draw

import (
	"slices"
	"strings"
)

// Compare finds what changed between two drawings of a file by the
// identities their items carry: components by reference, tscircuit
// elements that belong to no component by id, Wokwi connections by
// their endpoints, and nets by their pins. A component or element
// whose drawing differs in any way (moved, resized, re-routed) is
// Changed. It sees geometry, which the semantic diff ignores, and
// cannot see attributes that are not drawn; a report can show both by
// appending Compare's changes for keys the semantic diff does not name
// (see ChangeSet.Merge). Either drawing may be nil.
func Compare(old, new *Drawing) ChangeSet {
	o, n := signatures(old), signatures(new)
	var cs ChangeSet
	for _, kind := range []Kind{Component, Element, Connection} {
		for _, k := range unionKeys(o.items[kind], n.items[kind]) {
			os, inOld := o.items[kind][k]
			ns, inNew := n.items[kind][k]
			c := Change{Kind: kind, Key: k, Old: o.info[k], New: n.info[k]}
			name := orDefault(o.noun[k], n.noun[k]) + k
			if kind == Connection {
				name = "wire " + strings.Replace(k, " ", " – ", 1)
			}
			switch {
			case !inOld:
				c.Status, c.Summary = Added, "+ "+name
			case !inNew:
				c.Status, c.Summary = Removed, "− "+name
			case os != ns:
				c.Status, c.Summary = Changed, name+" "+changedWhere(o.views[kind][k], n.views[kind][k], c.Old, c.New)
			default:
				continue
			}
			cs.Changes = append(cs.Changes, c)
		}
	}
	for _, k := range unionKeys(o.nets, n.nets) {
		op, np := o.nets[k], n.nets[k]
		c := Change{Kind: Net, Key: k, OldPins: op, NewPins: np, Old: strings.Join(op, " "), New: strings.Join(np, " ")}
		switch {
		case op == nil:
			c.Status, c.Summary = Added, "+ net "+k
		case np == nil:
			c.Status, c.Summary = Removed, "− net "+k
		case !slices.Equal(op, np):
			c.Status, c.Summary = Changed, "net "+k+" pins changed"
		default:
			continue
		}
		cs.Changes = append(cs.Changes, c)
	}
	return cs
}

// Merge appends the changes of other whose kind and key cs does not
// already name: semantic changes first, geometric ones after.
func (cs *ChangeSet) Merge(other ChangeSet) {
	have := map[[2]string]bool{}
	for _, c := range cs.Changes {
		have[[2]string{string(c.Kind), c.Key}] = true
		if c.NewKey != "" {
			have[[2]string{string(c.Kind), c.NewKey}] = true
		}
	}
	for _, c := range other.Changes {
		if !have[[2]string{string(c.Kind), c.Key}] {
			cs.Changes = append(cs.Changes, c)
		}
	}
}

// sigs holds, per kind and key, a text that is equal exactly when the
// item is drawn the same (and has the same attributes), and that text
// per view.
type sigs struct {
	items map[Kind]map[string]string
	views map[Kind]map[string]map[string]string
	nets  map[string][]string
	info  map[string]string
	// noun names what an element is ("trace "), from its first item.
	noun map[string]string
}

func signatures(d *Drawing) sigs {
	s := sigs{items: map[Kind]map[string]string{}, views: map[Kind]map[string]map[string]string{}, nets: map[string][]string{},
		noun: map[string]string{}}
	for _, k := range []Kind{Component, Element, Connection} {
		s.items[k] = map[string]string{}
		s.views[k] = map[string]map[string]string{}
	}
	if d == nil {
		return s
	}
	s.info = d.Info
	for _, v := range d.Views {
		var buf []byte
		v.Items(func(l *Layer, it *Item) {
			kind, key := Element, it.ID
			switch {
			case it.Ref != "":
				kind, key = Component, it.Ref
			case it.Conn != "":
				kind, key = Connection, it.Conn
			case it.ID == "":
				return // nets are compared by their pins
			}
			if it.derived {
				return
			}
			buf = itemSig(buf[:0], l.Name, it, v.prec)
			if _, seen := s.items[kind][key]; !seen && kind == Element {
				s.noun[key] = it.Kind + " "
			}
			s.items[kind][key] += string(buf)
			if s.views[kind][key] == nil {
				s.views[kind][key] = map[string]string{}
			}
			s.views[kind][key][v.Name] += string(buf)
		})
		for _, n := range v.Nets {
			if len(n.Pins) > 0 {
				s.nets[n.Name] = n.Pins
			}
		}
	}
	if d.Info != nil {
		// Attributes that are not drawn (a Wokwi part's attrs) still
		// make the component differ.
		for ref, info := range d.Info {
			if _, ok := s.items[Component][ref]; ok {
				s.items[Component][ref] += "\x00" + info
			}
		}
	}
	return s
}

// itemSig appends a canonical text of the item: layer, kind, colour and
// every shape at the view's precision, or the item's own signature when
// its drawing follows from other items. Where an automatic layout placed
// the item, only its text counts: adding a part moves the others.
func itemSig(b []byte, layer string, it *Item, prec int) []byte {
	b = append(b, layer...)
	b = append(b, '|')
	b = append(b, it.Kind...)
	b = append(b, '|')
	b = append(b, it.Color...)
	if it.sig != "" {
		b = append(b, '|')
		b = append(b, it.sig...)
		return append(b, '\n')
	}
	for i := range it.Shapes {
		sh := &it.Shapes[i]
		b = append(b, ';', byte('0'+sh.Op))
		if it.auto {
			b = append(b, sh.Text...)
			continue
		}
		for _, f := range []float64{sh.X, sh.Y, sh.W, sh.H, sh.Rot, sh.Stroke, sh.R} {
			b = append(b, ',')
			b = appendNum(b, f, prec)
		}
		for _, p := range sh.Pts {
			b = append(b, ' ')
			b = appendNum(b, p.X, prec)
			b = append(b, ',')
			b = appendNum(b, p.Y, prec)
		}
		b = append(b, sh.Text...)
	}
	return append(b, '\n')
}

// changedWhere says how a changed item changed: the parts of its
// description that differ ("colour green → blue"), else the views that
// draw it differently, else that attributes that are not drawn differ.
func changedWhere(old, new map[string]string, oldInfo, newInfo string) string {
	if d := infoDiff(oldInfo, newInfo); d != "" {
		return d
	}
	var views []string
	for _, v := range unionKeys(old, new) {
		if old[v] != new[v] {
			views = append(views, v)
		}
	}
	if len(views) == 0 {
		return "attributes changed"
	}
	return "changed in the " + strings.Join(views, " and ") + " drawing"
}

// infoDiff compares two descriptions made of "; "-separated "name
// value" parts (a Wokwi wire's "colour green; route v10 h5"), saying
// which parts changed, or "" when they cannot be compared so.
func infoDiff(old, new string) string {
	if old == "" || new == "" || !strings.Contains(old+new, "; ") {
		return ""
	}
	parts := func(s string) map[string]string {
		m := map[string]string{}
		for _, p := range strings.Split(s, "; ") {
			k, v, _ := strings.Cut(p, " ")
			m[k] = v
		}
		return m
	}
	o, n := parts(old), parts(new)
	var out []string
	for _, k := range unionKeys(o, n) {
		if o[k] != n[k] {
			out = append(out, k+" "+orDefault(o[k], "none")+" → "+orDefault(n[k], "none"))
		}
	}
	return strings.Join(out, ", ")
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, naturalCompare)
	return keys
}
