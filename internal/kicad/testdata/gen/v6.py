# KiCad 6 format: references in (symbol_instances …) at the root, bare
# "hide" atoms, (id N) on properties, unquoted generator.
import os
R = '''(symbol "Device:R" (pin_numbers hide) (pin_names (offset 0)) (in_bom yes) (on_board yes)
      (property "Reference" "R" (id 0) (at 2.032 0 90))
      (property "Value" "R" (id 1) (at 0 0 90))
      (symbol "R_1_1"
        (pin passive line (at 0 3.81 270) (length 1.27) (name "~" (effects (font (size 1.27 1.27)))) (number "1" (effects (font (size 1.27 1.27)))))
        (pin passive line (at 0 -3.81 90) (length 1.27) (name "~" (effects (font (size 1.27 1.27)))) (number "2" (effects (font (size 1.27 1.27)))))))'''
GND = '''(symbol "power:GND" (power) (pin_names (offset 0)) (in_bom yes) (on_board yes)
      (property "Reference" "#PWR" (id 0) (at 0 -6.35 0) (effects (font (size 1.27 1.27)) hide))
      (property "Value" "GND" (id 1) (at 0 -3.81 0))
      (symbol "GND_0_1"
        (pin power_in line (at 0 0 270) (length 0) hide (name "GND" (effects (font (size 1.27 1.27)))) (number "1" (effects (font (size 1.27 1.27)))))))'''
def sym(lib, uuid, x, y, rot, ref, value, fp=""):
    return f'''  (symbol (lib_id "{lib}") (at {x} {y} {rot}) (unit 1)
    (in_bom yes) (on_board yes) (fields_autoplaced)
    (uuid {uuid})
    (property "Reference" "{ref}" (id 0) (at {x} {y} 0))
    (property "Value" "{value}" (id 1) (at {x} {y} 0))
    (property "Footprint" "{fp}" (id 2) (at {x} {y} 0) (effects (font (size 1.27 1.27)) hide))
    (property "Datasheet" "~" (id 3) (at {x} {y} 0) (effects (font (size 1.27 1.27)) hide))
    (pin "1" (uuid {uuid[:-4]}1111)) (pin "2" (uuid {uuid[:-4]}2222)))'''
U1, U2, U3, U4 = "e0000000-0000-4000-8000-000000000001", "e0000000-0000-4000-8000-000000000002", "e0000000-0000-4000-8000-000000000003", "e0000000-0000-4000-8000-000000000004"
fp = "Resistor_SMD:R_0805_2012Metric"
body = f'''(kicad_sch (version 20211123) (generator eeschema)

  (uuid f0000000-0000-4000-8000-000000000001)

  (paper "A5")

  (lib_symbols
    {R}
    {GND}
  )

  (wire (pts (xy 50.8 46.99) (xy 50.8 40.64))
    (stroke (width 0) (type default) (color 0 0 0 0))
    (uuid f0000000-0000-4000-8000-0000000000a1)
  )
  (wire (pts (xy 50.8 54.61) (xy 50.8 58.42))
    (stroke (width 0) (type default) (color 0 0 0 0))
    (uuid f0000000-0000-4000-8000-0000000000a2)
  )
  (wire (pts (xy 50.8 58.42) (xy 63.5 58.42))
    (stroke (width 0) (type default) (color 0 0 0 0))
    (uuid f0000000-0000-4000-8000-0000000000a3)
  )
  (wire (pts (xy 63.5 58.42) (xy 63.5 54.61))
    (stroke (width 0) (type default) (color 0 0 0 0))
    (uuid f0000000-0000-4000-8000-0000000000a4)
  )

  (label "DIV" (at 57.15 58.42 0)
    (effects (font (size 1.27 1.27)) (justify left bottom))
    (uuid f0000000-0000-4000-8000-0000000000b1)
  )
  (global_label "VREF" (shape input) (at 50.8 40.64 90) (fields_autoplaced)
    (effects (font (size 1.27 1.27)) (justify left))
    (uuid f0000000-0000-4000-8000-0000000000b2)
    (property "Intersheet References" "${{INTERSHEET_REFS}}" (id 0) (at 50.8 33.02 90)
      (effects (font (size 1.27 1.27)) hide)
    )
  )

{sym("Device:R", U1, 50.8, 50.8, 0, "R?", "10k", fp)}
{sym("Device:R", U2, 63.5, 50.8, 0, "R?", "4k7", fp)}
{sym("power:GND", U3, 63.5, 46.99, 180, "#PWR?", "GND")}

  (sheet_instances
    (path "/" (page "1"))
  )

  (symbol_instances
    (path "/{U3}"
      (reference "#PWR01") (unit 1) (value "GND") (footprint "")
    )
    (path "/{U1}"
      (reference "R1") (unit 1) (value "10k") (footprint "{fp}")
    )
    (path "/{U2}"
      (reference "R2") (unit 1) (value "4k7") (footprint "{fp}")
    )
  )
)
'''
os.makedirs("out/v6", exist_ok=True)
open("out/v6/legacy.kicad_sch", "w").write(body)
