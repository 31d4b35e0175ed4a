package circuit

import (
	"strconv"
	"unsafe"
)

// decodeNativeStream is decodeNative for reading (not validating): it
// decodes the components and nets arrays one element at a time instead
// of building the whole document as a tree first, so that a big circuit
// costs little more than its model. It records no sites: they serve
// Validate's checks only. ok is false when the document is not
// a well-formed native object (no components or nets key, or a syntax
// error): the caller then takes the tree path, which reports precisely.
func decodeNativeStream(data []byte, s *errorSink) (c *Circuit, st *sites, ok bool) {
	p := newParser(data)
	p.skipBOM()
	p.ws()
	if p.pos >= len(data) || data[p.pos] != '{' {
		return nil, nil, false
	}
	c = &Circuit{Format: FormatNative, Metadata: map[string]string{}}
	st = newNativeSites()
	a := &modelAlloc{}
	p.pos++
	p.depth++
	p.ws()
	if p.pos < len(data) && data[p.pos] == '}' {
		return nil, nil, false
	}
	seen, sawComponents := false, false
	for {
		p.ws()
		if p.pos >= len(data) || data[p.pos] != '"' {
			return nil, nil, false
		}
		key, err := p.key()
		if err != nil {
			return nil, nil, false
		}
		p.ws()
		if p.pos >= len(data) || data[p.pos] != ':' {
			return nil, nil, false
		}
		p.pos++
		p.ws()
		sawComponents = sawComponents || key == "components"
		if (key == "components" || key == "nets") && p.pos < len(data) && data[p.pos] == '[' {
			seen = true
			if key == "components" {
				c.Components = []*Component{}
			} else {
				c.Nets = []*Net{}
			}
			good, fatal := p.nativeArray(key, c, st, s, a)
			if !good {
				return nil, nil, false
			}
			if fatal {
				// A later syntax error is the one to report.
				q := newParser(data)
				q.skipBOM()
				if q.skip() != nil || q.end() != nil {
					return nil, nil, false
				}
				return nil, nil, true
			}
		} else {
			var n node
			if err := p.value(&n); err != nil {
				return nil, nil, false
			}
			if key == "components" || key == "nets" {
				return nil, nil, false // not an array: the tree path reports it
			}
			nativeMember(c, &member{key: key, val: n})
		}
		done, err := p.afterMember()
		if err != nil {
			return nil, nil, false
		}
		if done {
			break
		}
	}
	if err := p.end(); err != nil || !seen || !sawComponents {
		return nil, nil, false
	}
	return c, st, true
}

// nativeArray decodes the components or nets array at pos, element by
// element. good is false on a syntax error; fatal is true when an
// element is unusable (reported to s).
func (p *parser) nativeArray(key string, c *Circuit, st *sites, s *errorSink, a *modelAlloc) (good, fatal bool) {
	p.pos++
	p.depth++
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return true, false
	}
	// The lists are collected in chunks and copied once at the end:
	// growing them by append leaves garbage several times their size.
	var comps chunked[*Component]
	var nets chunked[*Net]
	for i := 0; ; i++ {
		if key == "components" {
			comp, ok, err := p.streamComponent(i, s, st, a)
			if err != nil {
				return false, false
			}
			if !ok {
				return true, true
			}
			comps.add(comp)
		} else {
			net, ok, err := p.streamNet(i, s, st, a)
			if err != nil {
				return false, false
			}
			if !ok {
				return true, true
			}
			nets.add(net)
		}
		p.ws()
		if p.pos >= len(p.data) {
			return false, false
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			c.Components, c.Nets = comps.appendTo(c.Components), nets.appendTo(c.Nets)
			return true, false
		default:
			return false, false
		}
	}
}

// open consumes the '[' or '{' at pos and reports whether the container
// is empty (its closing bracket consumed too). Callers must call close
// when they are done, to keep the depth bound.
func (p *parser) open(closing byte) (empty bool, err *syntaxError) {
	if err := p.enter(); err != nil {
		return false, err
	}
	p.pos++
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == closing {
		p.pos++
		p.depth--
		return true, nil
	}
	return false, nil
}

// memberKey reads `"key":` and leaves pos at the value.
func (p *parser) memberKey() (string, *syntaxError) {
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != '"' {
		return "", p.errf("unexpected %s in object", "a string key", p.describe())
	}
	key, err := p.streamKey()
	if err != nil {
		return "", err
	}
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != ':' {
		return "", p.errf("unexpected %s after object key", "':'", p.describe())
	}
	p.pos++
	p.ws()
	return key, nil
}

// nextMember consumes ',' or '}' after a member; at '}' the object is
// closed.
func (p *parser) nextMember() (done bool, err *syntaxError) {
	done, err = p.afterMember()
	if done {
		p.depth--
	}
	return done, err
}

// nextElement consumes ',' or ']' after an array element; at ']' the
// array is closed.
func (p *parser) nextElement() (done bool, err *syntaxError) {
	p.ws()
	if p.pos >= len(p.data) {
		return false, p.errf("unexpected end of file in array", "',' or ']'")
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case ']':
		p.pos++
		p.depth--
		return true, nil
	}
	return false, p.errf("unexpected %s in array", "',' or ']'", p.describe())
}

// stringList reads an array into scratch and returns an exact-size copy:
// for pins, every scalar but "" (shared through st); for connections,
// every "REF.PIN" string. A value that is not an array is read and gives
// ok false.
func (p *parser) stringList(st *sites, pins bool, a *modelAlloc) ([]string, bool, *syntaxError) {
	scratch := st.scratch[:0]
	defer func() { st.scratch = scratch }()
	if p.pos >= len(p.data) || p.data[p.pos] != '[' {
		_, err := p.val()
		return nil, false, err
	}
	empty, err := p.open(']')
	if err != nil || empty {
		return []string{}, true, err
	}
	for {
		var x string
		var err *syntaxError
		p.ws()
		switch {
		case p.pos < len(p.data) && p.data[p.pos] == '"' && pins:
			x, err = p.sharedString(st)
		case p.pos < len(p.data) && p.data[p.pos] == '"':
			x, err = p.pinString(a)
		default:
			var v node
			if v, err = p.val(); pins {
				x = st.shared(scalarString(&v))
			}
		}
		if err != nil {
			return nil, false, err
		}
		if x != "" {
			scratch = append(scratch, x)
		}
		done, err := p.nextElement()
		if err != nil {
			return nil, false, err
		}
		if done {
			if pins {
				return st.pinList(scratch), true, nil
			}
			return a.lists.list(scratch), true, nil
		}
	}
}

// streamComponent is nativeComponent reading straight from the parser,
// without a tree of the component. ok is false when the component is
// unusable (reported to s).
func (p *parser) streamComponent(ci int, s *errorSink, st *sites, a *modelAlloc) (*Component, bool, *syntaxError) {
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != '{' {
		n, err := p.val()
		if err != nil {
			return nil, false, err
		}
		comp, ok := nativeComponent(&n, ci, s, st)
		return comp, ok, nil
	}
	comp := a.comps.one()
	idOff, haveID, declared := p.pos, false, false
	empty, err := p.open('}')
	for !empty && err == nil {
		var key string
		if key, err = p.memberKey(); err != nil {
			break
		}
		switch {
		case key == "pins":
			var pins []string
			pins, declared, err = p.stringList(st, true, a)
			if declared {
				comp.Pins = pins
			}
		case key == "position" && p.pos < len(p.data) && p.data[p.pos] == '{':
			comp.Position, err = p.streamPosition(a)
		case isSharedAttr(key) && p.pos < len(p.data) && p.data[p.pos] == '"':
			var v string
			if v, err = p.sharedString(st); err == nil {
				setSharedAttr(comp, key, v)
			}
		case key == "id" && !haveID:
			haveID, idOff = true, p.pos
			comp.Ref, err = p.streamString(a)
		default:
			var v node
			if v, err = p.val(); err == nil && key != "id" {
				nativeAttr(comp, key, &v, st)
			}
		}
		if err == nil {
			empty, err = p.nextMember()
		}
	}
	if err != nil {
		return nil, false, err
	}
	if comp.Ref == "" {
		s.fatal(idOff, pathIdx("$.components", ci)+".id", "a non-empty string reference like \"R1\"", "component has no id")
		return nil, false, nil
	}
	// Only Validate's checks read the sites, and it takes the tree path.
	return comp, true, nil
}

// isSharedAttr names the component attributes whose values repeat.
func isSharedAttr(key string) bool {
	switch key {
	case "type", "value", "footprint", "mpn", "manufacturer":
		return true
	}
	return false
}

// setSharedAttr sets an attribute isSharedAttr names, as nativeAttr
// does for a string already shared.
func setSharedAttr(comp *Component, key, v string) {
	switch key {
	case "type":
		comp.Type = v
	case "value":
		comp.Value = v
	case "footprint":
		comp.Footprint = v
	case "mpn":
		comp.MPN = v
	case "manufacturer":
		comp.Manufacturer = v
	}
}

// sharedString reads the string at pos through st's shared strings,
// allocating only the first time a value is seen.
func (p *parser) sharedString(st *sites) (string, *syntaxError) {
	start := p.pos + 1
	end, esc, err := p.scanString()
	if err != nil {
		return "", err
	}
	if esc {
		return st.shared(unescape(p.data[start:end])), nil
	}
	if v, ok := st.intern[string(p.data[start:end])]; ok {
		return v, nil
	}
	return st.shared(string(p.data[start:end])), nil
}

// streamNumber reads the number at pos without keeping its text.
func (p *parser) streamNumber() (float64, bool, *syntaxError) {
	start := p.pos
	if err := p.number(); err != nil {
		return 0, false, err
	}
	b := p.data[start:p.pos]
	// The text is only parsed, never kept: no copy of it is needed.
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	return f, err == nil, nil
}

// streamPosition is positionOf(x, y, rotation) on the object at pos.
func (p *parser) streamPosition(a *modelAlloc) (*Position, *syntaxError) {
	var pos Position
	var okx, oky bool
	empty, err := p.open('}')
	for !empty && err == nil {
		var key string
		if key, err = p.memberKey(); err != nil {
			break
		}
		var f float64
		var ok bool
		if p.pos < len(p.data) && (p.data[p.pos] == '-' || isDigit(p.data[p.pos])) {
			f, ok, err = p.streamNumber()
		} else {
			_, err = p.val()
		}
		if err != nil {
			break
		}
		switch key {
		case "x":
			pos.X, okx = f, ok
		case "y":
			pos.Y, oky = f, ok
		case "rotation":
			pos.Rotation = f
		}
		empty, err = p.nextMember()
	}
	if err != nil || (!okx && !oky) {
		return nil, err
	}
	kept := a.positions.one()
	*kept = pos
	return kept, nil
}

// streamNet is nativeNet reading straight from the parser.
func (p *parser) streamNet(ni int, s *errorSink, st *sites, a *modelAlloc) (*Net, bool, *syntaxError) {
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != '{' {
		n, err := p.val()
		if err != nil {
			return nil, false, err
		}
		net, ok := nativeNet(&n, ni, s, st)
		return net, ok, nil
	}
	net := a.nets.one()
	nameOff, haveName := p.pos, false
	empty, err := p.open('}')
	for !empty && err == nil {
		var key string
		if key, err = p.memberKey(); err != nil {
			break
		}
		switch {
		case key == "connections":
			net.Pins, _, err = p.stringList(st, false, a)
		case key == "name" && !haveName:
			haveName, nameOff = true, p.pos
			net.Name, err = p.streamString(a)
		default:
			_, err = p.val()
		}
		if err == nil {
			empty, err = p.nextMember()
		}
	}
	if err != nil {
		return nil, false, err
	}
	if net.Name == "" {
		s.fatal(nameOff, pathIdx("$.nets", ni)+".name", "a non-empty string", "net has no name")
		return nil, false, nil
	}
	return net, true, nil
}

// streamString reads the value at pos: a string is returned (its bytes
// kept in a's chunks), anything else is read and gives "".
func (p *parser) streamString(a *modelAlloc) (string, *syntaxError) {
	if p.pos >= len(p.data) || p.data[p.pos] != '"' {
		_, err := p.val()
		return "", err
	}
	start := p.pos + 1
	end, esc, err := p.scanString()
	if err != nil {
		return "", err
	}
	if esc {
		return unescape(p.data[start:end]), nil
	}
	return a.string(p.data[start:end]), nil
}

// pinString reads the string at pos as a net connection: "REF.PIN" is
// returned, anything else (which the schema reports) gives "".
func (p *parser) pinString(a *modelAlloc) (string, *syntaxError) {
	start := p.pos + 1
	end, esc, err := p.scanString()
	if err != nil {
		return "", err
	}
	var pin string
	if esc {
		pin = unescape(p.data[start:end])
	} else {
		pin = a.string(p.data[start:end])
	}
	if _, _, ok := SplitPin(pin); !ok {
		return "", nil
	}
	return pin, nil
}

// streamKey is key for the keys of native components and nets, which
// are returned without a look-up in the parser's table.
func (p *parser) streamKey() (string, *syntaxError) {
	start := p.pos
	end, esc, err := p.scanString()
	if err != nil || esc {
		p.pos = start
		return p.key()
	}
	switch string(p.data[start+1 : end]) {
	case "id":
		return "id", nil
	case "type":
		return "type", nil
	case "value":
		return "value", nil
	case "footprint":
		return "footprint", nil
	case "mpn":
		return "mpn", nil
	case "manufacturer":
		return "manufacturer", nil
	case "pins":
		return "pins", nil
	case "position":
		return "position", nil
	case "x":
		return "x", nil
	case "y":
		return "y", nil
	case "name":
		return "name", nil
	case "connections":
		return "connections", nil
	}
	p.pos = start
	return p.key()
}
