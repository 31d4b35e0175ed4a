# Generates the hand-written KiCad fixtures of internal/kicad/testdata.
import os
ROOT_UUID = "11111111-2222-4333-8444-000000000001"
n_uuid = [0]
def uid():
    n_uuid[0] += 1
    return "aaaaaaaa-bbbb-4ccc-8ddd-%012d" % n_uuid[0]

def pin(etype, x, y, ang, name, num, hidden=False, length=1.27):
    h = " (hide yes)" if hidden else ""
    return f'(pin {etype} line (at {x} {y} {ang}) (length {length}){h} (name "{name}") (number "{num}"))'

def libsym(name, units, power=False, props=None, extra=""):
    short = name.split(":")[1]
    p = "(power)" if power else ""
    ps = " ".join(f'(property "{k}" "{v}" (at 0 0 0))' for k, v in (props or {}).items())
    subs = " ".join(f'(symbol "{short}_{u}_{s}" {" ".join(pins)})' for (u, s), pins in units.items())
    return f'(symbol "{name}" {p} (exclude_from_sim no) (in_bom yes) (on_board yes) {ps} {subs} {extra})'

LIBS = {
 "Device:R": libsym("Device:R", {(1,1): [pin("passive",0,3.81,270,"~","1"), pin("passive",0,-3.81,90,"~","2")]}, props={"Reference":"R","Value":"R"}),
 "Device:LED": libsym("Device:LED", {(1,1): [pin("passive",-3.81,0,0,"K","1"), pin("passive",3.81,0,180,"A","2")]}, props={"Reference":"D","Value":"LED"}),
 "Device:TestPoint": libsym("Device:TestPoint", {(1,1): [pin("passive",0,0,90,"1","1", length=0)]}, props={"Reference":"TP","Value":"TestPoint"}),
 "Amp:Dual": libsym("Amp:Dual", {
    (1,1): [pin("input",-7.62,2.54,0,"+","3"), pin("input",-7.62,-2.54,0,"-","2"), pin("output",7.62,0,180,"~","1")],
    (2,1): [pin("input",-7.62,2.54,0,"+","5"), pin("input",-7.62,-2.54,0,"-","6"), pin("output",7.62,0,180,"~","7")],
    (0,1): [pin("power_in",-2.54,7.62,270,"V+","8"), pin("power_in",-2.54,-7.62,90,"V-","4")]}, props={"Reference":"U","Value":"Dual"}),
 "Logic:NAND": libsym("Logic:NAND", {(1,1): [pin("input",-7.62,2.54,0,"A","1"), pin("input",-7.62,-2.54,0,"B","2"), pin("output",7.62,0,180,"Y","3"),
    pin("power_in",0,5.08,270,"VCC","14",hidden=True), pin("power_in",0,-5.08,90,"GND","7",hidden=True)]}, props={"Reference":"U","Value":"NAND"}),
 "power:GND": libsym("power:GND", {(0,1): [pin("power_in",0,0,270,"GND","1",hidden=True,length=0)]}, power=True, props={"Reference":"#PWR","Value":"GND"}),
 "power:+5V": libsym("power:+5V", {(0,1): [pin("power_in",0,0,90,"+5V","1",hidden=True,length=0)]}, power=True, props={"Reference":"#PWR","Value":"+5V"}),
 "power:PWR_FLAG": libsym("power:PWR_FLAG", {(0,0): [pin("power_out",0,0,90,"pwr","1",length=0)]}, power=True, props={"Reference":"#FLG","Value":"PWR_FLAG"}),
 "Conn:Conn4": libsym("Conn:Conn4", {(1,1): [pin("passive",-5.08,2.54*(1-i),0,f"Pin_{i+1}",str(i+1)) for i in range(4)]}, props={"Reference":"J","Value":"Conn4"}),
}

def transform(sym, x, y):
    ax, ay, rot, mirror = sym
    y = -y
    r = (int(rot) % 360) // 90
    if r == 1: x, y = y, -x
    elif r == 2: x, y = -x, -y
    elif r == 3: x, y = -y, x
    if mirror == "x": y = -y
    if mirror == "y": x = -x
    return round(ax + x, 4), round(ay + y, 4)

PINPOS = {}
def libpin(lib, num, unit=1):
    import re
    s = LIBS[lib]
    for m in re.finditer(r'\(symbol "[^"]*_(\d+)_(\d+)"((?:\s*\(pin [^()]*\([^)]*\)[^()]*\([^)]*\)(?: \(hide yes\))? \(name "[^"]*"\) \(number "[^"]*"\)\))*)\)', s):
        u = int(m.group(1))
        if u not in (0, unit): continue
        for p in re.finditer(r'\(at ([-\d.]+) ([-\d.]+) \d+\).*?\(number "([^"]*)"\)', m.group(3)):
            if p.group(3) == num: return float(p.group(1)), float(p.group(2))
    raise KeyError((lib, num))

class Sheet:
    def __init__(self, version=20250114):
        self.items = []; self.libs = set(); self.version = version
        self.uuid = ROOT_UUID
    def sym(self, lib, ref, x, y, rot=0, mirror=None, unit=1, value=None, fields=None, dnp=False, in_bom=True, instances=None, fp=""):
        self.libs.add(lib)
        m = f" (mirror {mirror})" if mirror else ""
        val = value if value is not None else LIBS[lib].split('"Value" "')[1].split('"')[0]
        fs = " ".join(f'(property "{k}" "{v}" (at {x} {y} 0) (effects (hide yes)))' for k, v in (fields or {}).items())
        insts = instances or [("/" + ROOT_UUID, ref, unit)]
        inst = " ".join(f'(path "{p}" (reference "{r}") (unit {u}))' for p, r, u in insts)
        self.items.append(f'''(symbol (lib_id "{lib}") (at {x} {y} {rot}){m} (unit {unit}) (exclude_from_sim no) (in_bom {"yes" if in_bom else "no"}) (on_board yes) (dnp {"yes" if dnp else "no"})
  (uuid "{uid()}")
  (property "Reference" "{insts[0][1]}" (at {x} {y} 0)) (property "Value" "{val}" (at {x} {y} 0)) (property "Footprint" "{fp}" (at {x} {y} 0) (effects (hide yes))) {fs}
  (instances (project "fixture" {inst})))''')
        return lambda num: transform((x, y, rot, mirror), *libpin(lib, num, unit))
    def wire(self, *pts):
        for a, b in zip(pts, pts[1:]):
            self.items.append(f'(wire (pts (xy {a[0]} {a[1]}) (xy {b[0]} {b[1]})) (stroke (width 0) (type default)) (uuid "{uid()}"))')
    def bus(self, *pts):
        for a, b in zip(pts, pts[1:]):
            self.items.append(f'(bus (pts (xy {a[0]} {a[1]}) (xy {b[0]} {b[1]})) (stroke (width 0) (type default)) (uuid "{uid()}"))')
    def junction(self, p): self.items.append(f'(junction (at {p[0]} {p[1]}) (diameter 0) (color 0 0 0 0) (uuid "{uid()}"))')
    def nc(self, p): self.items.append(f'(no_connect (at {p[0]} {p[1]}) (uuid "{uid()}"))')
    def label(self, kind, text, p, shape=""):
        sh = f" (shape {shape})" if shape else ""
        self.items.append(f'({kind} "{text}"{sh} (at {p[0]} {p[1]} 0) (effects (font (size 1.27 1.27))) (uuid "{uid()}"))')
    def sheet(self, name, file, x, y, pins, uuid_, page):
        ps = " ".join(f'(pin "{n}" {t} (at {px} {py} {a}) (uuid "{uid()}"))' for n, t, px, py, a in pins)
        self.items.append(f'''(sheet (at {x} {y}) (size 20 20) (uuid "{uuid_}")
  (property "Sheetname" "{name}" (at {x} {y} 0)) (property "Sheetfile" "{file}" (at {x} {y} 0))
  {ps}
  (instances (project "fixture" (path "/{ROOT_UUID}" (page "{page}")))))''')
    def write(self, path, uuid_=None):
        libs = "\n".join(LIBS[l] for l in sorted(self.libs))
        body = "\n".join(self.items)
        with open(path, "w") as f:
            f.write(f'''(kicad_sch (version {self.version}) (generator "circuitvc-fixture") (generator_version "9.0")
 (uuid "{uuid_ or self.uuid}") (paper "A4")
 (lib_symbols
{libs}
 )
{body}
 (sheet_instances (path "/" (page "1")))
)
''')
