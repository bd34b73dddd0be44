"""The demo accounts `make run` prints; plain constants, importable before Django is set up."""

DEMO_PASSWORD = "watch-demo-2026"
DEMO_LOGINS = [
    ("staff@ewatch.example", "Electronics Watch staff"),
    ("admin@northvale.example", "City of Northvale: affiliate admin"),
    ("officer@northvale.example", "City of Northvale: procurement officer"),
    ("officer@southport.example", "Southport University: procurement officer"),
    ("partner@monitor.example", "Monitoring partner"),
    ("consultant@shared.example", "Member of both affiliates (switches between them)"),
    ("brand@acme-devices.example", "Brand contact (Acme Devices)"),
    ("contractor@northern-it.example", "Contractor contact (Northern IT)"),
]
