package circuit

import "sort"

// Parse reads a circuit in any supported format (see Detect) into the
// normalised model. It fails only when no model can be built: malformed
// JSON, a document of the wrong shape, or input that is not a circuit
// (the error then wraps ErrNotCircuit). Broken rules such as duplicate
// references or dangling net pins do not stop Parse, so that a broken
// circuit can still be diffed; Validate reports them. The error is always
// an *Error with file, line, column and JSON path.
func Parse(name string, data []byte) (*Circuit, error) {
	if kicadFormat(name, data) != FormatUnknown {
		return ParseSource(Source{Name: name, Data: data})
	}
	c, s := decode(name, data)
	if len(s.fatals) > 0 {
		return nil, s.fatals[0]
	}
	return c, nil
}

// decode runs the adapter for data's format and builds the model (nil
// when impossible), returning it with the problems found on the way.
// The rule checks are Validate's.
func decode(name string, data []byte) (*Circuit, *errorSink) {
	s := &errorSink{file: name, data: data}
	c, st, _ := decodeRaw(name, data, s)
	if c == nil {
		return nil, s
	}
	c.Name = name
	dedupComponents(st, s)
	c.normalise()
	return c, s
}

// decodeRaw parses data with the right adapter. root is the parsed
// document for native and Wokwi files (tscircuit is streamed).
func decodeRaw(name string, data []byte, s *errorSink) (*Circuit, *sites, *node) {
	p := newParser(data)
	p.skipBOM()
	p.ws()
	f := hintFormat(name)
	var root *node
	if p.pos < len(data) && data[p.pos] == '{' && !s.validate && f != FormatWokwi {
		// Reading a native circuit needs no tree of the whole document.
		ne, nf := len(s.errs), len(s.fatals)
		if c, st, ok := decodeNativeStream(data, s); ok {
			return c, st, nil
		}
		s.errs, s.fatals = s.errs[:ne], s.fatals[:nf]
	}
	if p.pos < len(data) && data[p.pos] == '{' {
		// Objects are decoded once and classified by their keys, rather
		// than scanned by sniff and then decoded.
		r, se := parseJSON(data)
		if se != nil {
			if f.IsCircuit() || f == FormatJSON {
				s.syntax(se)
				return nil, nil, nil
			}
		} else {
			root = &r
			f = classifyObject(root, name)
		}
	} else if sf, err := sniff(p, name); err == nil {
		f = sf
	} else if f == FormatJSON {
		s.syntax(err)
		return nil, nil, nil
	}
	switch f {
	case FormatTscircuit:
		c, st := decodeTscircuit(data, s)
		return c, st, nil
	case FormatNative, FormatWokwi:
		if root == nil {
			r, se := parseJSON(data)
			if se != nil {
				s.syntax(se)
				return nil, nil, nil
			}
			root = &r
		}
		var c *Circuit
		var st *sites
		if f == FormatNative {
			c, st = decodeNative(root, s)
		} else {
			c, st = decodeWokwi(root, s)
		}
		return c, st, root
	}
	e := s.at(0, "", "a native, Wokwi or tscircuit circuit", "not a circuit file (%s)", f)
	e.Line, e.Col, e.Err = 0, 0, ErrNotCircuit
	s.fatals = append(s.fatals, e)
	return nil, nil, nil
}

// classifyObject applies Detect's rules to a decoded object.
func classifyObject(root *node, name string) Format {
	var native, wokwi bool
	for i := range root.obj {
		switch root.obj[i].key {
		case "components", "nets":
			native = true
		case "parts", "connections":
			wokwi = true
		}
	}
	switch {
	case native && wokwi && hintFormat(name) == FormatWokwi:
		return FormatWokwi
	case native:
		return FormatNative
	case wokwi:
		return FormatWokwi
	}
	return FormatJSON
}

// dedupComponents reports components that share a reference with an
// earlier one; normalise keeps only the first.
func dedupComponents(st *sites, s *errorSink) {
	if len(st.refs) < 2 {
		return
	}
	first := make(map[string]int, len(st.refs))
	for _, r := range st.refs {
		if prev, dup := first[r.name]; dup {
			if s.index == nil {
				s.index = newLineIndex(s.data)
			}
			line, _ := s.index.pos(prev)
			s.problem(r.off, st.refPath(r.i), "a unique reference", "duplicate reference %q (first defined on line %d)", r.name, line)
			continue
		}
		first[r.name] = r.off
	}
}

// checkNets (run by Validate only) reports net pins that name no component or no such pin,
// pins listed on two nets, and nets that share a name. Offending pins
// stay in the model.
func checkNets(c *Circuit, st *sites, s *errorSink) {
	comps := make(map[string]*Component, len(c.Components))
	for _, comp := range c.Components {
		comps[comp.Ref] = comp
	}
	netNames := make(map[string]bool, len(st.netNames))
	for _, n := range st.netNames {
		if netNames[n.name] {
			s.problem(n.off, st.netPath(n.i), "a unique net name", "duplicate net name %q", n.name)
		}
		netNames[n.name] = true
	}
	onNet := make(map[string]string, len(st.pins))
	for _, p := range st.pins {
		ref, pin, _ := SplitPin(p.name)
		comp := comps[ref]
		switch {
		case comp == nil:
			if c.Format != FormatWokwi { // Wokwi reports these while joining nets
				s.problem(p.off, st.pinPath(p.i, p.j), st.unknownExpected, st.unknownRef, p.name, ref)
			}
			continue
		case st.declared[ref] && !contains(comp.Pins, pin):
			s.problem(p.off, st.pinPath(p.i, p.j), "one of its pins: "+pinList(comp.Pins),
				"component %s has no pin %q", ref, pin)
		}
		if prev, ok := onNet[p.name]; ok {
			if prev == p.net {
				s.problem(p.off, st.pinPath(p.i, p.j), "each pin once per net", "pin %s is listed twice on net %q", p.name, p.net)
			} else {
				s.problem(p.off, st.pinPath(p.i, p.j), "each pin on at most one net", "pin %s is on two nets: %q and %q", p.name, prev, p.net)
			}
			continue
		}
		onNet[p.name] = p.net
	}
	sort.SliceStable(s.errs, func(i, j int) bool { return s.errs[i].Offset < s.errs[j].Offset })
}

// pinList names up to eight pins for an error message.
func pinList(pins []string) string {
	sorted := append([]string(nil), pins...)
	sortNatural(sorted)
	if len(sorted) == 0 {
		return "(none declared)"
	}
	if len(sorted) > 8 {
		return joinComma(sorted[:8]) + ", …"
	}
	return joinComma(sorted)
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}

// contains reports whether list holds s; pin lists are short.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ParseBoth parses two versions of one file at once, for a diff: see
// ParsePair.
func ParseBoth(name string, old, new []byte) (sides [2]*Circuit, ok bool) {
	return ParsePair(Source{Name: name, Data: old}, Source{Name: name, Data: new})
}
