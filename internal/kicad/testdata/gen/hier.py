from gen import *
AMP1, AMP2 = "cccccccc-0000-4000-8000-000000000001", "cccccccc-0000-4000-8000-000000000002"
R0603 = "Resistor_SMD:R_0603_1608Metric"
# sub-sheet, used twice: IN -> R x01 -> OUT, OUT -> R x02 -> GND, bus D[0..1] to R x03/R x04
sub = Sheet()
def inst(a, b):
    return [(f"/{ROOT_UUID}/{AMP1}", a, 1), (f"/{ROOT_UUID}/{AMP2}", b, 1)]
ra = sub.sym("Device:R", "R101", 50.8, 50.8, rot=90, value="10k", fp=R0603, instances=inst("R101", "R201"))
rb = sub.sym("Device:R", "R102", 63.5, 60.96, value="1k", fp=R0603, instances=inst("R102", "R202"))
sub.label("hierarchical_label", "IN", (40.64, ra("1")[1]), shape="input")
sub.wire((40.64, ra("1")[1]), ra("1"))
sub.wire(ra("2"), (63.5, ra("2")[1]))
sub.wire((63.5, ra("2")[1]), (76.2, ra("2")[1]))
sub.wire((63.5, ra("2")[1]), rb("1"))
sub.junction((63.5, ra("2")[1]))
sub.label("hierarchical_label", "OUT", (76.2, ra("2")[1]), shape="output")
g = sub.sym("power:GND", "#PWR101", 63.5, 71.12, instances=inst("#PWR101", "#PWR201"))
sub.wire(rb("2"), g("1"))
# bus: hierarchical label D[0..1] on a bus, members D0 and D1 as local labels
sub.label("hierarchical_label", "D[0..1]", (40.64, 88.9), shape="bidirectional")
sub.bus((40.64, 88.9), (60.96, 88.9))
sub.label("label", "D[0..1]", (50.8, 88.9))
for i, x in enumerate((76.2, 88.9)):
    r = sub.sym("Device:R", f"R10{3+i}", x, 101.6, value="100", fp=R0603, instances=inst(f"R10{3+i}", f"R20{3+i}"))
    sub.wire(r("1"), (x, 93.98))
    sub.label("label", f"D{i}", (x, 93.98))
    sub.wire(r("2"), (x, 109.22))
    sub.sym("power:GND", f"#PWR10{2+i}", x, 109.22, instances=inst(f"#PWR10{2+i}", f"#PWR20{2+i}"))
os.makedirs("out/hier", exist_ok=True)
sub.write("out/hier/amp.kicad_sch", uuid_="dddddddd-0000-4000-8000-000000000001")

root = Sheet()
j1 = root.sym("Conn:Conn4", "J1", 25.4, 50.8, value="Conn_01x04", fp="Connector_PinHeader_2.54mm:PinHeader_1x04_P2.54mm_Vertical")
root.sheet("amp1", "amp.kicad_sch", 50.8, 40.64, [("IN", "input", 50.8, 45.72, 180), ("D[0..1]", "bidirectional", 50.8, 55.88, 180), ("OUT", "output", 70.8, 45.72, 0)], AMP1, 2)
root.sheet("amp2", "amp.kicad_sch", 101.6, 40.64, [("IN", "input", 101.6, 45.72, 180), ("D[0..1]", "bidirectional", 101.6, 55.88, 180), ("OUT", "output", 121.6, 45.72, 0)], AMP2, 3)
root.wire(j1("1"), (43.18, j1("1")[1]), (43.18, 45.72), (50.8, 45.72))
root.wire((70.8, 45.72), (101.6, 45.72))
root.wire((121.6, 45.72), (132.08, 45.72))
root.label("label", "RESULT", (132.08, 45.72))
root.wire(j1("2"), (35.56, j1("2")[1]))
root.label("label", "RESULT", (35.56, j1("2")[1]))
root.bus((50.8, 55.88), (45.72, 55.88), (45.72, 66.04), (96.52, 66.04), (96.52, 55.88), (101.6, 55.88))
root.label("label", "DATA[0..1]", (71.12, 66.04))
root.wire(j1("3"), (35.56, j1("3")[1]))
root.label("label", "DATA1", (35.56, j1("3")[1]))
gj = root.sym("power:GND", "#PWR01", 38.1, 63.5)
root.wire(j1("4"), (38.1, j1("4")[1]), gj("1"))
root.write("out/hier/hier.kicad_sch")
