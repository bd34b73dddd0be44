"""Seed the Code of Labour Standards with the list of DOMAIN.md §2.

The list and its sub-standards are a seed to be checked against the Code's own text; staff
edit them in the admin, or add a new edition beside this one.
"""

import datetime

from django.db import migrations

STANDARDS = [
    (
        "Freely chosen employment",
        "Emploi librement choisi",
        [
            ("No forced, bonded or involuntary labour", "Pas de travail forcé, servile ou involontaire"),
            ("Workers keep their identity documents", "Les travailleurs gardent leurs papiers d'identité"),
            ("Workers may resign with reasonable notice", "Les travailleurs peuvent démissionner avec un préavis raisonnable"),
        ],
    ),
    (
        "Fair recruitment",
        "Recrutement équitable",
        [
            ("No recruitment fees or related costs paid by workers", "Aucun frais de recrutement ni coût associé à la charge des travailleurs"),
            ("No deception about the terms of work", "Aucune tromperie sur les conditions de travail"),
            ("Contract in a language the worker understands", "Contrat dans une langue que le travailleur comprend"),
        ],
    ),
    (
        "Child labour and young workers",
        "Travail des enfants et jeunes travailleurs",
        [
            ("No worker below the minimum age", "Aucun travailleur n'ayant pas l'âge minimum"),
            ("No hazardous or night work by workers under 18", "Aucun travail dangereux ou de nuit pour les moins de 18 ans"),
        ],
    ),
    (
        "Freedom of association and collective bargaining",
        "Liberté syndicale et négociation collective",
        [
            ("Workers may form and join trade unions", "Les travailleurs peuvent créer des syndicats et y adhérer"),
            ("No retaliation against worker representatives", "Aucune représaille contre les représentants des travailleurs"),
        ],
    ),
    (
        "Non-discrimination",
        "Non-discrimination",
        [
            ("No discrimination in hiring, pay or dismissal", "Aucune discrimination à l'embauche, dans la rémunération ou le licenciement"),
            ("No pregnancy testing or dismissal for pregnancy", "Aucun test de grossesse ni licenciement pour grossesse"),
        ],
    ),
    (
        "Violence-free work environment",
        "Environnement de travail sans violence",
        [
            ("No physical, verbal or sexual harassment", "Aucun harcèlement physique, verbal ou sexuel"),
            ("No fines or threats as discipline", "Aucune amende ni menace à titre disciplinaire"),
        ],
    ),
    (
        "Working hours",
        "Temps de travail",
        [
            ("Regular hours within the legal limit", "Horaires normaux dans la limite légale"),
            ("Overtime voluntary and limited", "Heures supplémentaires volontaires et limitées"),
            ("At least one day off in seven", "Au moins un jour de repos sur sept"),
        ],
    ),
    (
        "Wages and living wage",
        "Salaires et salaire vital",
        [
            ("At least the legal minimum wage, paid on time", "Au moins le salaire minimum légal, payé à temps"),
            ("Overtime paid at a premium rate", "Heures supplémentaires payées à un taux majoré"),
            ("No unlawful deductions", "Aucune retenue illégale"),
        ],
    ),
    (
        "Security of employment",
        "Sécurité de l'emploi",
        [
            ("Written contract for every worker", "Contrat écrit pour chaque travailleur"),
            ("No abuse of temporary or agency work", "Aucun abus du travail temporaire ou intérimaire"),
        ],
    ),
    (
        "Occupational health and safety",
        "Santé et sécurité au travail",
        [
            ("Protection from hazardous chemicals", "Protection contre les substances chimiques dangereuses"),
            ("Safe machinery and emergency exits", "Machines sûres et issues de secours"),
            ("Decent housing where the employer provides it", "Logement décent lorsque l'employeur le fournit"),
        ],
    ),
]


def seed(apps, schema_editor):
    CodeVersion = apps.get_model("monitoring", "CodeVersion")
    CodeStandard = apps.get_model("monitoring", "CodeStandard")
    CodeSubStandard = apps.get_model("monitoring", "CodeSubStandard")
    if CodeVersion.objects.exists():
        return
    version = CodeVersion.objects.create(
        label="Code of Labour Standards (seed list)",
        effective_from=datetime.date(2024, 1, 1),
        is_current=True,
    )
    for number, (name, name_fr, subs) in enumerate(STANDARDS, start=1):
        standard = CodeStandard.objects.create(
            version=version, number=number, name=name, name_fr=name_fr
        )
        for sub_number, (text, text_fr) in enumerate(subs, start=1):
            CodeSubStandard.objects.create(
                standard=standard, number=f"{number}.{sub_number}", text=text, text_fr=text_fr
            )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_code_reference")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
