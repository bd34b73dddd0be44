"""Made-up but plausible values for generated data: `seed_demo --scale N` (reports/network.py)
and the benchmarks. Factory names and addresses take the shapes of real published supplier
lists; the cities are real producing places with their coordinates."""

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

# --- Factories, contracts, findings and cases ---------------------------------------------

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

# Producing cities: (name, latitude, longitude, districts), by country; the weights of
# COUNTRIES say how much of the network's production each country holds.
CITIES = {
    "CN": [
        ("Shenzhen", 22.54, 114.06, ["Bao'an District", "Longhua District", "Longgang District"]),
        ("Dongguan", 23.02, 113.75, ["Chang'an Town", "Tangxia Town", "Qingxi Town"]),
        ("Suzhou", 31.30, 120.58, ["Suzhou Industrial Park", "Wuzhong District"]),
        ("Kunshan", 31.38, 120.98, ["Kunshan Economic Development Zone", "Zhangpu Town"]),
        ("Chongqing", 29.56, 106.55, ["Shapingba District", "Xiyong Microelectronics Park"]),
        ("Zhengzhou", 34.75, 113.63, ["Zhengzhou Airport Economy Zone", "Xinzheng"]),
        ("Chengdu", 30.66, 104.07, ["Gaoxin West District", "Shuangliu District"]),
        ("Huizhou", 23.11, 114.42, ["Zhongkai Hi-tech Zone", "Huiyang District"]),
        ("Wuxi", 31.49, 120.31, ["Xinwu District", "Binhu District"]),
        ("Tianjin", 39.13, 117.20, ["Binhai New Area", "Xiqing District"]),
        ("Xiamen", 24.48, 118.09, ["Haicang District", "Jimei District"]),
        ("Ningbo", 29.87, 121.54, ["Beilun District", "Yinzhou District"]),
    ],
    "VN": [
        ("Bac Ninh", 21.19, 106.08, ["Yen Phong Industrial Park", "Que Vo Industrial Park"]),
        ("Hai Phong", 20.84, 106.69, ["Trang Due Industrial Park", "Dinh Vu Industrial Zone"]),
        ("Thai Nguyen", 21.59, 105.85, ["Yen Binh Industrial Park", "Song Cong District"]),
        ("Bac Giang", 21.27, 106.19, ["Quang Chau Industrial Park", "Van Trung Industrial Park"]),
        ("Ho Chi Minh City", 10.82, 106.63, ["Saigon Hi-Tech Park", "Tan Thuan Export Zone"]),
    ],
    "TH": [
        ("Ayutthaya", 14.35, 100.57, ["Rojana Industrial Park", "Bang Pa-in Industrial Estate"]),
        ("Chonburi", 13.36, 100.98, ["Amata City Industrial Estate", "Laem Chabang"]),
        ("Rayong", 12.68, 101.28, ["Eastern Seaboard Industrial Estate", "Pluak Daeng"]),
        ("Pathum Thani", 14.02, 100.53, ["Navanakorn Industrial Estate", "Khlong Luang"]),
    ],
    "MY": [
        ("Penang", 5.35, 100.30, ["Bayan Lepas Free Industrial Zone", "Perai"]),
        ("Johor Bahru", 1.49, 103.74, ["Pasir Gudang", "Tebrau"]),
        ("Kulim", 5.37, 100.55, ["Kulim Hi-Tech Park", "Padang Serai"]),
        ("Senai", 1.60, 103.65, ["Senai Industrial Estate", "Kulai"]),
        ("Shah Alam", 3.07, 101.52, ["Section 26", "Hicom Glenmarie"]),
    ],
    "ID": [
        ("Batam", 1.13, 104.05, ["Batamindo Industrial Park", "Muka Kuning"]),
        ("Bekasi", -6.24, 106.99, ["Jababeka Industrial Estate", "MM2100 Industrial Town"]),
        ("Karawang", -6.31, 107.30, ["KIIC Industrial Estate", "Suryacipta City"]),
    ],
    "IN": [
        ("Chennai", 13.08, 80.27, ["Oragadam", "Mahindra World City"]),
        ("Noida", 28.54, 77.39, ["Sector 63", "Sector 68"]),
        ("Sriperumbudur", 12.97, 79.95, ["SIPCOT Industrial Park", "Irungattukottai"]),
        ("Bengaluru", 12.97, 77.59, ["Electronic City", "Peenya Industrial Area"]),
    ],
    "MX": [
        ("Guadalajara", 20.67, -103.35, ["El Salto", "Tlaquepaque"]),
        ("Ciudad Juarez", 31.69, -106.42, ["Parque Industrial Juarez", "Zaragoza"]),
        ("Reynosa", 26.09, -98.28, ["Parque Industrial Colonial", "Villa Florida"]),
        ("Tijuana", 32.51, -117.04, ["Otay Industrial", "El Florido"]),
    ],
    "TW": [
        ("Taoyuan", 24.99, 121.30, ["Guishan District", "Luzhu District"]),
        ("Hsinchu", 24.80, 120.97, ["Hsinchu Science Park", "Hukou Township"]),
        ("Taichung", 24.15, 120.67, ["Central Taiwan Science Park", "Taichung Industrial Park"]),
    ],
    "PH": [
        ("Laguna", 14.27, 121.41, ["Laguna Technopark", "Calamba Premiere Industrial Park"]),
        ("Cebu", 10.32, 123.89, ["Mactan Economic Zone", "Lapu-Lapu City"]),
        ("Cavite", 14.28, 120.87, ["Cavite Economic Zone", "Gateway Business Park"]),
    ],
    "CZ": [
        ("Pardubice", 50.04, 15.78, ["Prumyslova zona Starovice", "Semtin"]),
        ("Ostrava", 49.82, 18.26, ["Mosnov Industrial Zone", "Hrabova"]),
        ("Brno", 49.20, 16.61, ["Cernovicka terasa", "Modrice"]),
    ],
}
ROADS = [
    "Industrial Road",
    "Technology Avenue",
    "Science Park Road",
    "Export Processing Zone Road",
    "Development Avenue",
    "Innovation Road",
    "Gongye Road",
    "Huanan Road",
    "Street 5",
    "Lot",
]
# Chinese-style two-syllable trade names; other countries' shapes below.
NAME_SHAPES = {
    "CN": "{city} {core} {trade} Co., Ltd.",
    "TW": "{core} {trade} Corporation",
    "VN": "{core} {trade} Vietnam Co., Ltd.",
    "TH": "{core} {trade} (Thailand) Co., Ltd.",
    "MY": "{core} {trade} Sdn Bhd",
    "ID": "PT {core} {trade} Indonesia",
    "IN": "{core} {trade} India Private Limited",
    "MX": "{core} {trade} de Mexico S.A. de C.V.",
    "PH": "{core} {trade} Philippines Inc.",
    "CZ": "{core} {trade} Czech s.r.o.",
}
BRAND_WORDS = ["Nova", "Vertex", "Lumen", "Apex", "Quanta", "Strata", "Helix", "Cobalt", "Polar"]
BRAND_TAILS = ["Devices", "Computing", "Systems", "Electronics", "Technologies", "Mobile"]
RESELLER_WORDS = ["Civic", "Metro", "Public", "Campus", "Nordic", "Alpine", "Baltic", "Celtic"]
RESELLER_TAILS = ["IT Supplies", "Tech Distribution", "Computers", "IT Services", "Solutions"]
RESELLER_FORMS = ["Ltd", "GmbH", "BV", "AB", "SL", "SAS", "Oy", "A/S", "S.r.l."]
AFFILIATE_PLACES = [
    ("GB", "City of"),
    ("IE", "County Council of"),
    ("NL", "Gemeente"),
    ("DE", "Stadt"),
    ("SE", "Region"),
    ("ES", "Ajuntament de"),
    ("FR", "Ville de"),
    ("BE", "Ville de"),
    ("DK", "Kommune"),
    ("NO", "Kommune"),
]
