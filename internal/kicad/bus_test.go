package kicad

import (
	"fmt"
	"strings"
	"testing"
)

func TestBusMembers(t *testing.T) {
	aliases := map[string][]string{
		"I2C":  {"I2C.SDA", "I2C.SCL"},
		"SFP":  {"TX_P", "TX_N"},
		"DDR":  {"DDR.DQ[1..0]", "DDR.CK"},
		"LOOP": {"LOOP"},
	}
	for _, tc := range []struct {
		in, want string
	}{
		{"D[0..3]", "D0#0 D1#1 D2#2 D3#3"},
		{"D[3..1]", "D1#0 D2#1 D3#2"}, // KiCad orders members from the lower index
		{"~{CS}[0..1]", "~{CS}0#0 ~{CS}1#1"},
		{"A[1..1]", ""}, // one member is no bus
		{"NAME{A B[0..1]}", "NAME.A:A NAME.B0:B0 NAME.B1:B1"},
		{"{I2C}", "I2C.SDA:I2C.SDA I2C.SCL:I2C.SCL"},
		{"SFP0{SFP}", "SFP0.TX_P:TX_P SFP0.TX_N:TX_N"},
		{"{DDR}", "DDR.DQ0:DDR.DQ0 DDR.DQ1:DDR.DQ1 DDR.CK:DDR.CK"},
		{"SWD{~{RESET}, SWDIO}", "SWD.RESET:RESET SWD.SWDIO:SWDIO"}, // markup braces are dropped, as KiCad does
		{"I2C", "I2C.SDA:I2C.SDA I2C.SCL:I2C.SCL"},
		{"~{RESET}", ""},
		{"SDI{slash}out0", ""}, // an escaped slash, not a group
		{"D[0..99999]", ""},
	} {
		var got []string
		for _, m := range busMembers(tc.in, aliases) {
			if m.index >= 0 {
				got = append(got, fmt.Sprintf("%s#%d", m.full, m.index))
			} else {
				got = append(got, m.full+":"+m.local)
			}
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s: %s, want %s", tc.in, g, tc.want)
		}
		if isBus := isBusName(tc.in, aliases); isBus != (tc.want != "") {
			t.Errorf("isBusName(%s) = %v", tc.in, isBus)
		}
	}
}

// TestBusAliasLoop: an alias that names itself ends, empty.
func TestBusAliasLoop(t *testing.T) {
	if m := busMembers("{LOOP}", map[string][]string{"LOOP": {"LOOP"}}); len(m) != 0 {
		t.Errorf("members %v", m)
	}
}

func TestSameMember(t *testing.T) {
	io := busMembers("IO[8..15]", nil)
	sub := busMembers("IO[0..7]", nil)
	if !sameMember(io[2], sub[2]) || sameMember(io[2], sub[3]) {
		t.Error("vector members meet by position")
	}
	a, b := busMembers("X{A B}", nil), busMembers("Y{B A}", nil)
	if !sameMember(a[0], b[1]) || sameMember(a[0], b[0]) {
		t.Error("group members meet by name")
	}
}
