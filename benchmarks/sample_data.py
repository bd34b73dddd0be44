"""Made-up but plausible values the benchmarks share."""

# Brands and model patterns ({n}: a digit) for generated disclosure lines.
BRANDS = {
    "Lenovo": ["ThinkPad T14 Gen {n}", "ThinkPad X1 Carbon Gen {n}", "ThinkCentre M{n}0q"],
    "Dell": ["Latitude 54{n}0", "OptiPlex 70{n}0", "P24{n}0H monitor"],
    "HP": ["EliteBook 8{n}0 G11", "ProDesk 40{n} G9", "LaserJet M4{n}"],
    "Apple": ["MacBook Air M{n}", "iPad Gen {n}", "iPhone 1{n}"],
    "Samsung": ["Galaxy A{n}5", "Galaxy Tab S{n}", "ViewFinity S{n}"],
    "Acer": ["TravelMate P{n}", "Veriton X{n}", "Chromebook 31{n}"],
    "Fujitsu": ["Lifebook U7{n}", "Esprimo D{n}", "Celsius W5{n}"],
    "Cisco": ["Catalyst 9{n}00", "Meraki MR{n}6", "IP Phone 88{n}"],
}
