# The hierarchical fixture rewritten in KiCad 6's format: no (instances …)
# in symbols or sheets, references in the root's (symbol_instances …) under
# sheet-UUID/symbol-UUID paths, "Sheet name"/"Sheet file" properties.
import os, re
ROOT = "11111111-2222-4333-8444-000000000001"

def v6(src):
    src = src.replace("(version 20250114)", "(version 20211123)")
    src = src.replace('"Sheetname"', '"Sheet name"').replace('"Sheetfile"', '"Sheet file"')
    lines, insts, out = src.split("\n"), [], []
    for i, line in enumerate(lines):
        if line.startswith("  (instances "):
            sym_uuid = re.search(r'\(uuid "([^"]+)"\)', lines[i - 2])
            for p, ref, unit in re.findall(r'\(path "([^"]+)" \(reference "([^"]+)"\) \(unit (\d+)\)\)', line):
                insts.append((p[len("/" + ROOT):] + "/" + sym_uuid.group(1), ref, unit))
            out.append("  )")  # closes the symbol or sheet
        else:
            out.append(line)
    return "\n".join(out), insts

os.makedirs("out/v6hier", exist_ok=True)
amp, ai = v6(open("../hier/amp.kicad_sch").read())
root, ri = v6(open("../hier/hier.kicad_sch").read())
table = "\n".join(f'    (path "{p}" (reference "{r}") (unit {u}) (value "") (footprint ""))' for p, r, u in ri + ai)
root = root.rstrip().rstrip(")") + f"\n (symbol_instances\n{table}\n )\n)\n"
open("out/v6hier/amp.kicad_sch", "w").write(amp)
open("out/v6hier/hier.kicad_sch", "w").write(root)
