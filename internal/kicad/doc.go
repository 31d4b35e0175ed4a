// Package kicad reads KiCad's schematic (.kicad_sch) and netlist (.net)
// files into components and nets, as KiCad 9 itself names them.
//
// Parse is the S-expression reader underneath: it keeps every token of a
// file, understood or not, with its line, column and byte span, so that
// files of any version KiCad 6 to 9 writes (and versions to come) read
// without loss. ReadSchematic follows a schematic's hierarchy and computes
// its nets from the drawing: library pin positions placed by each symbol's
// position, rotation and mirror; wires, junctions and no-connect flags;
// local, global and hierarchical labels; power symbols and hidden power
// pins; sheet pins; buses, their aliases and their members across the
// hierarchy. FindRoot finds the root schematic that uses a sub-sheet, so
// that the sub-sheet can be read as KiCad reads it. ReadNetlist reads
// KiCad's own netlist export.
//
// KiCad's kicad-cli is the oracle: the tests compare ReadSchematic with
// `kicad-cli sch export netlist` and `… bom` on every demo project KiCad
// ships (testdata/ORACLE.md lists where they differ and why).
//
// The package knows nothing of circuitvc's circuit model; an adapter maps
// its Design to it.
package kicad
