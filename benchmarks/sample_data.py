"""Made-up but plausible values for the benchmarks' generated data."""

# Brands and model patterns ({n}: a digit) for generated disclosure lines.
BRANDS = {
    "Acme Devices": ["AcmeBook 14 Gen {n}", "AcmeBook Air {n}", "AcmeStation M{n}0"],
    "Kestrel Computing": [
        "Kestrel Pro 54{n}0",
        "Kestrel Desk 70{n}0",
        "Kestrel View 24{n} monitor",
    ],
    "Halden Systems": ["Halden Book 8{n}0", "Halden Tower 40{n}", "Halden Laser M4{n}"],
    "Orchard Mobile": ["Orchard Slate {n}", "Orchard Phone 1{n}", "Orchard Note Air {n}"],
    "Marlin Mobile": ["Marlin M{n}5 phone", "Marlin Tab S{n}", "Marlin Vista {n} monitor"],
    "Tessaly Tech": ["Tessaly Travel P{n}", "Tessaly Desk X{n}", "Tessaly Cloudbook 31{n}"],
    "Fjordline Computers": ["Fjordline U7{n}", "Fjordline Desk D{n}", "Fjordline Station W5{n}"],
    "Corvid Networks": ["Corvid Switch 9{n}00", "Corvid Air AP{n}6", "Corvid Voice 88{n}"],
}

# --- The compliance report benchmark (benchmarks/generate.py) ----------------------------

COUNTRIES = {
    "CN": (35, ["Shenzhen", "Dongguan", "Suzhou", "Chongqing", "Kunshan", "Zhengzhou"]),
    "VN": (12, ["Bac Ninh", "Hai Phong", "Thai Nguyen", "Bac Giang"]),
    "TH": (8, ["Ayutthaya", "Chonburi", "Rayong", "Pathum Thani"]),
    "MY": (8, ["Penang", "Johor Bahru", "Kulim", "Senai"]),
    "ID": (5, ["Batam", "Bekasi", "Karawang"]),
    "IN": (8, ["Chennai", "Noida", "Sriperumbudur"]),
    "MX": (8, ["Guadalajara", "Ciudad Juarez", "Reynosa"]),
    "TW": (8, ["Taoyuan", "Hsinchu", "Taichung"]),
    "PH": (4, ["Laguna", "Cebu", "Cavite"]),
    "CZ": (4, ["Pardubice", "Ostrava", "Brno"]),
}
SYLLABLES = ["hong", "da", "xin", "tai", "li", "feng", "jia", "sheng", "mei", "kang", "yu", "wei"]
TRADES = [
    "Precision Electronics",
    "Electronic Technology",
    "Optoelectronics",
    "Display Technology",
    "Battery",
    "Printed Circuits",
    "Precision Plastic Mould",
    "Metal Stamping",
    "Power Supply",
    "Cable and Connector",
    "Semiconductor",
    "Computer Assembly",
    "Magnetics",
    "Camera Module",
]
SUFFIXES = ["Co., Ltd.", "Limited", "Sdn Bhd", "JSC", "Inc.", "Corporation"]
CONTRACT_TITLES = [
    "Laptops and desktops framework",
    "Monitors and docking stations",
    "Student laptops",
    "Multifunction printers and managed print",
    "Servers, storage and networking",
    "Mobile phones and tablets",
    "Classroom displays",
    "Peripherals: keyboards, mice and headsets",
    "Thin clients for the libraries",
    "Network switches and wireless access points",
]
CONTRACTORS = [
    "Northern IT Supplies Ltd",
    "EuroDesk Solutions BV",
    "Campus Tech Distribution",
    "Public Sector Hardware GmbH",
    "Nordic Procurement Partners AB",
    "Iberia Sistemas SL",
    "Atlantic Computers Ltd",
    "Rheinland IT Services GmbH",
]
EVIDENCE = [
    "Factory disclosure form received and accepted; sites checked against Open Supply Hub.",
    "The contractor forwarded the brand's audit summary and corrective action plan.",
    "Formal request to the brand shown in the quarterly contract meeting; minutes on file.",
    "Written confirmation from the contractor that monitors may visit without notice.",
    "",
]
PUBLISHED_TEXTS = [
    "Migrant workers paid recruitment fees and related costs to brokers in their home country "
    "and owe debts that take more than a year of wages to repay.",
    "The employer holds the passports of migrant workers; workers must ask the HR office to "
    "see them and cannot get them back when they want to leave.",
    "Production workers work 12-hour shifts with one rest day in two weeks during peak season, "
    "beyond the legal overtime limit, and overtime is not voluntary.",
    "Overtime is paid at the normal rate through the agency, below the legal premium; "
    "deductions for the dormitory are not explained on the pay slip.",
    "Workers on the line are not given protective equipment for soldering fumes and the fire "
    "exits of the dormitory are locked at night.",
    "Supervisors shout at and threaten workers who do not meet their targets; workers said they "
    "fear being dismissed if they complain.",
    "Student interns from vocational schools work night shifts and overtime on the assembly "
    "line, which their internship agreement does not allow.",
    "Workers who tried to elect representatives were moved to other lines and their contracts "
    "were not renewed.",
]
CASE_TITLES = [
    "Recruitment fees reimbursed to migrant workers",
    "Passports returned to their holders",
    "Overtime within legal limits and voluntary",
    "Overtime premium paid, with back pay",
    "Dormitory fire exits and protective equipment",
    "No retaliation against worker representatives",
    "Student interns: no night shifts or overtime",
]
ACTIONS = [
    "Return every passport and identity document to the worker who owns it",
    "Reimburse the recruitment fees and related costs paid by migrant workers, with receipts",
    "Pay the overtime premium owed since January at the legal rate",
    "Set up an elected worker health and safety committee and train its members",
    "Stop compulsory overtime beyond 60 hours a week and record working hours accurately",
    "Provide written contracts in a language each worker understands",
]
OWNERS = [
    "The factory's management",
    "The brand's supplier responsibility team",
    "The recruitment agency",
    "The contractor",
]
ENGAGEMENTS = [
    "Formal letter to the contractor under the contract conditions, asking for the brand's "
    "remediation plan within 30 days.",
    "Meeting with the contractor and the brand's supplier responsibility team on the plan.",
    "Call with the contractor's account manager about the overdue actions.",
    "Contractual step: the contract's improvement plan was triggered at the quarterly review.",
]
