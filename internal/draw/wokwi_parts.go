package draw

import (
	"strconv"
	"strings"
)

// mm is one millimetre in Wokwi's canvas pixels (CSS pixels at 96 dpi).
const mm = 3.7795

// pitch is the 0.1" header pitch in Wokwi pixels.
const pitch = 2.54 * mm

// partSpec is the outline of a common Wokwi part and where its header
// pins sit, in pixels from the part's top-left corner before rotation.
// Sizes follow the parts' real boards; pin rows follow their header
// order at the 0.1" pitch. Pins that no row names are spread along the
// bottom edge.
type partSpec struct {
	w, h float64
	rows []pinRow
}

// pinRow places names (space-separated; "_" skips a position) from
// (x, y) in steps of (dx, dy).
type pinRow struct {
	x, y, dx, dy float64
	names        string
}

func row(x, y, dx, dy float64, names string) pinRow { return pinRow{x, y, dx, dy, names} }

// along places pins evenly on one edge of a w×h part: "top", "bottom",
// "left" or "right", centred, at the header pitch.
func along(edge string, w, h float64, names string) pinRow {
	n := float64(len(strings.Fields(names)))
	span := (n - 1) * pitch
	switch edge {
	case "top":
		return row(w/2-span/2, 4, pitch, 0, names)
	case "left":
		return row(4, h/2-span/2, 0, pitch, names)
	case "right":
		return row(w-4, h/2-span/2, 0, pitch, names)
	}
	return row(w/2-span/2, h-4, pitch, 0, names)
}

// spec builds a part of w×h millimetres with pins on its edges.
func spec(wmm, hmm float64, edges ...string) partSpec {
	s := partSpec{w: wmm * mm, h: hmm * mm}
	for i := 0; i+1 < len(edges); i += 2 {
		s.rows = append(s.rows, along(edges[i], s.w, s.h, edges[i+1]))
	}
	return s
}

// wokwiParts is the table of common parts, by type.
var wokwiParts = map[string]partSpec{
	"wokwi-arduino-uno": {w: 72.58 * mm, h: 53.34 * mm, rows: []pinRow{
		row(255.5, 9, -pitch, 0, "0 1 2 3 4 5 6 7"),
		row(173, 9, -pitch, 0, "8 9 10 11 12 13 GND.1 AREF A4.2 A5.2"),
		row(131, 191.5, pitch, 0, "IOREF RESET 3.3V 5V GND.2 GND.3 VIN"),
		row(208, 191.5, pitch, 0, "A0 A1 A2 A3 A4 A5")}},
	"wokwi-arduino-nano": {w: 44.9 * mm, h: 17.8 * mm, rows: []pinRow{
		row(30, 5, pitch, 0, "12 11 10 9 8 7 6 5 4 3 2 GND.2 RESET.2 0 1"),
		row(30, 62, pitch, 0, "13 3.3V AREF A0 A1 A2 A3 A4 A5 A6 A7 5V RESET GND.1 VIN")}},
	"wokwi-arduino-mega": {w: 102.66 * mm, h: 50.8 * mm, rows: []pinRow{
		row(95, 9, pitch, 0, "AREF GND.1 13 12 11 10 9 8 _ 7 6 5 4 3 2 1 0 _ 14 15 16 17 18 19 20 21"),
		row(120, 183, pitch, 0, "IOREF RESET 3.3V 5V GND.2 GND.3 VIN _ A0 A1 A2 A3 A4 A5 A6 A7 _ A8 A9 A10 A11 A12 A13 A14 A15"),
		row(370, 20, 0, pitch, "5V.1 22 24 26 28 30 32 34 36 38 40 42 44 46 48 50 52 GND.4"),
		row(380, 20, 0, pitch, "5V.2 23 25 27 29 31 33 35 37 39 41 43 45 47 49 51 53 GND.5")}},
	"wokwi-esp32-devkit-v1": {w: 28.2 * mm, h: 54.05 * mm, rows: []pinRow{
		row(5, 24, 0, pitch, "EN VP VN D34 D35 D32 D33 D25 D26 D27 D14 D12 D13 GND.2 VIN"),
		row(101.3, 24, 0, pitch, "D23 D22 TX0 RX0 D21 D19 D18 D5 TX2 RX2 D4 D2 D15 GND.1 3V3")}},
	"board-esp32-devkit-c-v4": {w: 27.9 * mm, h: 57 * mm, rows: []pinRow{
		row(4, 20, 0, pitch, "3V3 EN VP VN 34 35 32 33 25 26 27 14 12 GND.1 13 D2 D3 CMD 5V"),
		row(101.5, 20, 0, pitch, "GND.3 23 22 TX RX 21 GND.2 19 18 5 17 16 4 0 2 15 D1 D0 CLK")}},
	"wokwi-pi-pico": {w: 21 * mm, h: 51 * mm, rows: []pinRow{
		row(4, 12, 0, pitch, "GP0 GP1 GND.1 GP2 GP3 GP4 GP5 GND.2 GP6 GP7 GP8 GP9 GND.3 GP10 GP11 GP12 GP13 GND.4 GP14 GP15"),
		row(75, 12, 0, pitch, "VBUS VSYS GND.8 3V3_EN 3V3 ADC_VREF GP28 GND.7 GP27 GP26 RUN GP22 GND.6 GP21 GP20 GP19 GP18 GND.5 GP17 GP16")}},
	"board-xiao-esp32-c3": {w: 21 * mm, h: 17.8 * mm, rows: []pinRow{
		row(4, 8, 0, pitch, "D0 D1 D2 D3 D4 D5 D6"),
		row(75, 8, 0, pitch, "5V GND 3V3 D10 D9 D8 D7")}},
	"board-st-nucleo-l031k6": {w: 18.5 * mm, h: 50 * mm, rows: []pinRow{
		row(4, 25, 0, pitch, "D1 D0 RESET GND.1 D2 D3 D4 D5 D6 D7 D8 D9 D10 D11 D12"),
		row(66, 25, 0, pitch, "VIN GND.2 RESET.2 5V A7 A6 A5 A4 A3 A2 A1 A0 AREF 3V3 D13")}},
	"wokwi-breadboard":             {w: 165 * mm, h: 55 * mm},
	"wokwi-breadboard-half":        {w: 82 * mm, h: 55 * mm},
	"wokwi-breadboard-mini":        {w: 47 * mm, h: 35 * mm},
	"wokwi-led":                    {w: 40, h: 50, rows: []pinRow{row(15, 48, 10, 0, "C A")}},
	"wokwi-rgb-led":                {w: 42, h: 73, rows: []pinRow{row(8.5, 70, 8.5, 0, "R COM G B")}},
	"wokwi-resistor":               {w: 15.65 * mm, h: 3 * mm, rows: []pinRow{row(0, 5.7, 59.1, 0, "1 2")}},
	"wokwi-pushbutton":             spec(17.8, 12, "left", "1.l 2.l", "right", "1.r 2.r"),
	"wokwi-pushbutton-6mm":         spec(7.4, 6, "left", "1.l 2.l", "right", "1.r 2.r"),
	"wokwi-slide-switch":           spec(8.5, 9.2, "bottom", "1 2 3"),
	"wokwi-potentiometer":          spec(20, 20, "bottom", "GND SIG VCC"),
	"wokwi-slide-potentiometer":    {w: 55 * mm, h: 13 * mm, rows: []pinRow{row(4, 30, 0, pitch, "VCC"), row(204, 21, 0, pitch, "SIG GND")}},
	"wokwi-servo":                  spec(45, 31.6, "left", "GND V+ PWM"),
	"wokwi-buzzer":                 spec(17, 20, "bottom", "1 2"),
	"wokwi-lcd1602":                {w: 80 * mm, h: 36 * mm, rows: []pinRow{row(40, 8, pitch, 0, "VSS VDD V0 RS RW E D0 D1 D2 D3 D4 D5 D6 D7 A K"), row(4, 40, 0, pitch, "GND VCC SDA SCL")}},
	"wokwi-lcd2004":                {w: 98 * mm, h: 60 * mm, rows: []pinRow{row(40, 8, pitch, 0, "VSS VDD V0 RS RW E D0 D1 D2 D3 D4 D5 D6 D7 A K"), row(4, 80, 0, pitch, "GND VCC SDA SCL")}},
	"board-ssd1306":                spec(39, 30, "top", "GND VCC SCL SDA"),
	"wokwi-ili9341":                spec(46.5, 77.6, "bottom", "VCC GND CS RST D/C MOSI SCK LED MISO"),
	"board-ili9341-cap-touch":      spec(46.5, 77.6, "bottom", "VCC GND CS RST D/C MOSI SCK LED MISO SCL SDA"),
	"wokwi-dht22":                  spec(15.1, 30.9, "bottom", "VCC SDA NC GND"),
	"wokwi-ds18b20":                spec(8, 22, "bottom", "GND DQ VCC"),
	"wokwi-hc-sr04":                spec(45, 25, "bottom", "VCC TRIG ECHO GND"),
	"wokwi-mpu6050":                spec(21.6, 16.2, "bottom", "INT AD0 XCL XDA SDA SCL GND VCC"),
	"board-bmp180":                 spec(14, 13, "top", "VCC GND SCL SDA"),
	"board-mfrc522":                spec(40, 60, "bottom", "SDA SCK MOSI MISO IRQ GND RST 3.3V"),
	"wokwi-microsd-card":           spec(21.6, 20.4, "left", "CD DO GND SCK VCC DI CS"),
	"wokwi-hx711":                  spec(34, 20, "left", "VCC DT SCK GND"),
	"wokwi-analog-joystick":        spec(27.2, 31.8, "bottom", "VCC VERT HORZ SEL GND"),
	"wokwi-photoresistor-sensor":   spec(46, 16.3, "right", "VCC GND DO AO"),
	"wokwi-pir-motion-sensor":      spec(24, 24.4, "bottom", "VCC OUT GND"),
	"wokwi-tm1637-7segment":        spec(42, 24, "right", "CLK DIO VCC GND"),
	"wokwi-max7219-matrix":         spec(32, 32, "left", "V+ GND DIN CS CLK", "right", "V+.2 GND.2 DOUT CS.2 CLK.2"),
	"wokwi-neopixel":               spec(5.7, 5, "bottom", "VDD DOUT VSS DIN"),
	"wokwi-led-ring":               spec(45, 45, "bottom", "GND VCC DIN DOUT"),
	"wokwi-led-strip":              spec(60, 8, "left", "VDD DIN VSS"),
	"wokwi-led-matrix":             spec(40, 40, "left", "VDD DIN VSS"),
	"wokwi-membrane-keypad":        spec(67, 77, "bottom", "R1 R2 R3 R4 C1 C2 C3 C4"),
	"wokwi-ir-receiver":            spec(16.2, 23.5, "bottom", "GND VCC DAT"),
	"wokwi-ky-040":                 spec(30.8, 18.6, "right", "CLK DT SW VCC GND"),
	"wokwi-7segment":               spec(18, 25, "bottom", "COM.1 A B C D E F G DP"),
	"wokwi-74hc595":                spec(20, 7.6, "bottom", "Q1 Q2 Q3 Q4 Q5 Q6 Q7 GND", "top", "VCC Q0 DS OE STCP SHCP MR Q7S"),
	"wokwi-a4988":                  spec(20.3, 15.2, "left", "ENABLE MS1 MS2 MS3 RESET SLEEP STEP DIR", "right", "VMOT GND.2 2B 2A 1A 1B VDD GND"),
	"wokwi-ds1307":                 spec(25.8, 22.2, "left", "GND 5V SDA SCL SQW"),
	"wokwi-ntc-temperature-sensor": spec(35.8, 19, "right", "GND VCC OUT"),
	"wokwi-gas-sensor":             spec(36.2, 16.6, "right", "AOUT DOUT GND VCC"),
	"wokwi-relay-module":           spec(50, 26, "left", "VCC GND IN", "right", "NC COM NO"),
	"wokwi-stepper-motor":          spec(56, 56, "bottom", "A- A+ B+ B-"),
	"wokwi-attiny85":               spec(10, 7.6, "bottom", "GND PB2 PB1 PB0", "top", "RESET PB3 PB4 VCC"),
}

// defaultPart is the outline of a part the table does not know.
var defaultPart = partSpec{w: 24 * mm, h: 16 * mm}

// breadboardPin places a breadboard hole: "12t.c" (column 12, top
// half, row c), "12b.h", and the power rails "tp.3", "tn.3", "bp.3",
// "bn.3".
func breadboardPin(pin string, w, h float64) (Point, bool) {
	left, right, ok := strings.Cut(pin, ".")
	if !ok || left == "" {
		return Point{}, false
	}
	n, err := strconv.Atoi(right)
	switch left {
	case "tn", "tp", "bn", "bp":
		if err != nil || n < 1 {
			return Point{}, false
		}
		// Rail holes come in groups of five with a gap between.
		x := 3*pitch + float64(n-1)*pitch + float64((n-1)/5)*pitch
		y := map[string]float64{"tn": pitch, "tp": 2 * pitch, "bn": h - 2*pitch, "bp": h - pitch}[left]
		return Point{x, y}, x <= w
	}
	half := left[len(left)-1]
	col, err := strconv.Atoi(left[:len(left)-1])
	if err != nil || col < 1 || len(right) != 1 || (half != 't' && half != 'b') {
		return Point{}, false
	}
	r := float64(right[0]) - 'a'
	if r < 0 || r > 9 {
		return Point{}, false
	}
	y := 4*pitch + r*pitch
	if r >= 5 {
		y += 2 * pitch // the channel down the middle
	}
	x := 2*pitch + float64(col-1)*pitch
	return Point{x, y}, x <= w && y <= h
}
