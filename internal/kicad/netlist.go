package kicad

import (
	"fmt"
	"io/fs"
	"strings"
)

// Netlist is a KiCad S-expression netlist, as `kicad-cli sch export
// netlist` and Eeschema's File → Export → Netlist write it.
type Netlist struct {
	Design
	// Version is the netlist format version: "D" (KiCad 5 to 7), "E"
	// (KiCad 8 and later).
	Version string
	// Source is the schematic the netlist was exported from; Tool the
	// program that wrote it ("Eeschema 9.0.8").
	Source, Tool string
	// Sheets are the sheet instances of the design, the root first, each
	// with the file its title block names as its source.
	Sheets []Sheet
}

// ReadNetlist reads a .net file from fsys.
func ReadNetlist(fsys fs.FS, name string) (*Netlist, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, &Error{File: name, Msg: fmt.Sprintf("read: %v", err), Err: err}
	}
	return ParseNetlist(name, src)
}

// ParseNetlist reads a netlist from memory; name is used in messages.
func ParseNetlist(name string, src []byte) (*Netlist, error) {
	root, err := Parse(name, src)
	if err != nil {
		return nil, err
	}
	if root.Head() != "export" {
		return nil, formatErr(name, root, "not a KiCad netlist: the file starts with (%s …), expected (export …)", root.Head())
	}
	nl := &Netlist{Version: root.Child("version").Arg(0)}
	design := root.Child("design")
	nl.Source = design.Child("source").Arg(0)
	nl.Tool = design.Child("tool").Arg(0)
	for _, sh := range design.Children("sheet") {
		tb := sh.Child("title_block")
		nl.Sheets = append(nl.Sheets, Sheet{Path: sh.Child("name").Arg(0), File: tb.Child("source").Arg(0), TitleBlock: netlistTitleBlock(tb)})
	}
	refs := map[string]bool{}
	for _, c := range root.Child("components").Children("comp") {
		comp, err := netlistComponent(name, c)
		if err != nil {
			return nil, err
		}
		if refs[comp.Reference] {
			nl.Warnings = append(nl.Warnings, Warning{File: name, Line: c.Line, Col: c.Col, Msg: fmt.Sprintf("component %s is listed twice", comp.Reference),
				Kind: WarnDuplicate, Ref: comp.Reference})
		}
		refs[comp.Reference] = true
		nl.Components = append(nl.Components, comp)
	}
	names := map[string]bool{}
	for _, n := range root.Child("nets").Children("net") {
		net := &Net{Name: n.Child("name").Arg(0)}
		if net.Name == "" {
			return nil, formatErr(name, n, "net without (name …)")
		}
		if names[net.Name] {
			nl.Warnings = append(nl.Warnings, Warning{File: name, Line: n.Line, Col: n.Col, Msg: fmt.Sprintf("net %q is listed twice", net.Name),
				Kind: WarnDuplicate})
		}
		names[net.Name] = true
		for _, nd := range n.Children("node") {
			node := Node{Ref: nd.Child("ref").Arg(0), Pin: nd.Child("pin").Arg(0),
				Function: nd.Child("pinfunction").Arg(0), Type: nd.Child("pintype").Arg(0),
				File: name, Line: nd.Line, Col: nd.Col}
			// KiCad 8 and later write "passive+no_connect" for a flagged pin.
			if t, found := strings.CutSuffix(node.Type, "+no_connect"); found || node.Type == "no_connect" {
				node.Type, node.NoConnect = t, true
			}
			if node.Ref == "" {
				return nil, formatErr(name, nd, "net %q: node without (ref …)", net.Name)
			}
			net.Nodes = append(net.Nodes, node)
		}
		nl.Nets = append(nl.Nets, net)
	}
	nl.sort()
	return nl, nil
}

// netlistComponent reads one (comp …). Its (property …) entries (dnp,
// exclude_from_bom, exclude_from_board, Sheetfile…) become the
// attributes and fields they stand for.
func netlistComponent(file string, c *Expr) (*Component, error) {
	comp := &Component{
		Reference: c.Child("ref").Arg(0),
		Value:     c.Child("value").Arg(0),
		Footprint: c.Child("footprint").Arg(0),
		Datasheet: c.Child("datasheet").Arg(0),
		InBOM:     true,
		OnBoard:   true,
	}
	if comp.Reference == "" {
		return nil, formatErr(file, c, "component without (ref …)")
	}
	if ls := c.Child("libsource"); ls != nil {
		comp.LibID = ls.Child("lib").Arg(0) + ":" + ls.Child("part").Arg(0)
	}
	if sp := c.Child("sheetpath"); sp != nil {
		comp.Sheet = sp.Child("names").Arg(0)
	}
	comp.Fields = []Field{{"Reference", comp.Reference}, {"Value", comp.Value}}
	for _, f := range c.Child("fields").Children("field") {
		comp.Fields = append(comp.Fields, Field{Name: f.Child("name").Arg(0), Value: lastAtom(f)})
	}
	for _, p := range c.Children("property") {
		switch p.Child("name").Arg(0) {
		case "dnp":
			comp.DNP = true
		case "exclude_from_bom":
			comp.InBOM = false
		case "exclude_from_board":
			comp.OnBoard = false
		}
	}
	return comp, nil
}

// lastAtom returns the value of (field (name "N") "value"): the atom after
// the name, or "" when the field is empty.
func lastAtom(n *Expr) string {
	for i := len(n.List) - 1; i > 0; i-- {
		if !n.List[i].IsList {
			return n.List[i].Atom
		}
	}
	return ""
}

// netlistTitleBlock reads a netlist sheet's (title_block (title "…")
// (comment (number "1") (value "…")) …) as ReadSchematic reads a
// schematic's, leaving out the source file and empty entries.
func netlistTitleBlock(tb *Expr) []Field {
	var out []Field
	for _, e := range tb.listItems() {
		f := Field{Name: e.Head(), Value: e.Arg(0)}
		switch f.Name {
		case "source":
			continue
		case "comment":
			f = Field{Name: "comment" + e.Child("number").Arg(0), Value: e.Child("value").Arg(0)}
		}
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}
