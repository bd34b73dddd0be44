"""The words of a generated network's library (`seed_demo --scale N`, reports/network.py):
Electronics Watch's own guidance and its translations, put together from the phrases below
for each generated resource. English and French are the interface's languages and the
library's complete ones; German, Spanish, Dutch and Swedish are those of the national
versions of the Contract Conditions and of the affiliates that translate guidance.

Made-up texts in the domain's terms (the Contract Conditions, disclosure, worker-driven
monitoring, remediation, recruitment fees): realistic in length and vocabulary, so that
search, snippets and pages read what a real library holds."""

from __future__ import annotations

LANGUAGES = ["en", "fr", "de", "es", "nl", "sv"]

# The demo vocabulary's topics (learning/demo/library.py TOPICS) in the other languages;
# English and French names are read from the topics themselves.
TOPIC_NAMES = {
    "due-diligence-procurement-planning": {
        "de": "Sorgfaltspflicht in der Beschaffungsplanung",
        "es": "Diligencia debida en la planificación de compras",
        "nl": "Due diligence in de inkoopplanning",
        "sv": "Tillbörlig aktsamhet i upphandlingsplaneringen",
    },
    "supply-chain-mapping": {
        "de": "Kartierung der Lieferkette",
        "es": "Mapeo de la cadena de suministro",
        "nl": "In kaart brengen van de toeleveringsketen",
        "sv": "Kartläggning av leverantörskedjan",
    },
    "contract-management": {
        "de": "Vertragsmanagement",
        "es": "Gestión de contratos",
        "nl": "Contractmanagement",
        "sv": "Avtalsuppföljning",
    },
    "remediation": {
        "de": "Abhilfe",
        "es": "Remediación",
        "nl": "Herstel",
        "sv": "Gottgörelse",
    },
    "forced-labour": {
        "de": "Zwangsarbeit",
        "es": "Trabajo forzoso",
        "nl": "Dwangarbeid",
        "sv": "Tvångsarbete",
    },
    "child-labour": {
        "de": "Kinderarbeit",
        "es": "Trabajo infantil",
        "nl": "Kinderarbeid",
        "sv": "Barnarbete",
    },
    "migrant-workers-recruitment-fees": {
        "de": "Wanderarbeiter und Anwerbegebühren",
        "es": "Trabajadores migrantes y tasas de contratación",
        "nl": "Arbeidsmigranten en wervingskosten",
        "sv": "Migrantarbetare och rekryteringsavgifter",
    },
    "industry-engagement": {
        "de": "Dialog mit der Industrie",
        "es": "Diálogo con la industria",
        "nl": "Dialoog met de industrie",
        "sv": "Dialog med industrin",
    },
    "health-and-safety": {
        "de": "Arbeitsschutz",
        "es": "Salud y seguridad en el trabajo",
        "nl": "Gezondheid en veiligheid op het werk",
        "sv": "Arbetsmiljö",
    },
    "wages-and-hours": {
        "de": "Löhne und Arbeitszeiten",
        "es": "Salarios y jornada laboral",
        "nl": "Lonen en werktijden",
        "sv": "Löner och arbetstid",
    },
    "freedom-of-association": {
        "de": "Vereinigungsfreiheit",
        "es": "Libertad sindical",
        "nl": "Vrijheid van vereniging",
        "sv": "Föreningsfrihet",
    },
    "low-emission-vehicles": {
        "de": "Emissionsarme Fahrzeuge",
        "es": "Vehículos de bajas emisiones",
        "nl": "Emissiearme voertuigen",
        "sv": "Utsläppssnåla fordon",
    },
}

# The stages of the procurement cycle (learning.models.ProcurementStage), as a title says them.
STAGE_PHRASES = {
    "en": {
        "policy": "the policy commitment",
        "planning": "procurement planning",
        "tender": "the tender",
        "contract_management": "contract management",
        "remediation": "remediation",
        "reporting": "reporting",
    },
    "fr": {
        "policy": "l'engagement politique",
        "planning": "la planification des achats",
        "tender": "l'appel d'offres",
        "contract_management": "la gestion du contrat",
        "remediation": "la remédiation",
        "reporting": "le reporting",
    },
    "de": {
        "policy": "die Grundsatzerklärung",
        "planning": "die Beschaffungsplanung",
        "tender": "die Ausschreibung",
        "contract_management": "das Vertragsmanagement",
        "remediation": "die Abhilfe",
        "reporting": "die Berichterstattung",
    },
    "es": {
        "policy": "el compromiso político",
        "planning": "la planificación de compras",
        "tender": "la licitación",
        "contract_management": "la gestión del contrato",
        "remediation": "la remediación",
        "reporting": "la presentación de informes",
    },
    "nl": {
        "policy": "de beleidsverklaring",
        "planning": "de inkoopplanning",
        "tender": "de aanbesteding",
        "contract_management": "het contractmanagement",
        "remediation": "het herstel",
        "reporting": "de rapportage",
    },
    "sv": {
        "policy": "policyåtagandet",
        "planning": "upphandlingsplaneringen",
        "tender": "upphandlingen",
        "contract_management": "avtalsuppföljningen",
        "remediation": "gottgörelsen",
        "reporting": "rapporteringen",
    },
}

# Title patterns per language and kind: {Topic} a topic's name ({topic} within a sentence),
# {stage} a stage's phrase, {n} the resource's number in its kind (so two titles rarely read
# the same).
TITLES = {
    "en": {
        "guidance": [
            "{Topic}: guidance for {stage} (note {n})",
            "How public buyers address {topic} in {stage} (guide {n})",
        ],
        "procurement_tool": [
            "Toolkit {n}: {topic} checklist for {stage}",
            "Template {n}: requesting information on {topic}",
        ],
        "contract_clause": [
            "Contract Conditions, clause {n}: {topic}",
            "Model clause {n} on {topic} for {stage}",
        ],
        "tender_language": [
            "Tender language {n}: {topic} in award criteria",
            "Tender wording {n} on {topic}",
        ],
        "case_study": [
            "Case study {n}: {topic} in {stage}",
            "Case study {n}: what affiliates achieved on {topic}",
        ],
        "webinar_recording": [
            "Webinar recording {n}: {topic}",
            "Webinar {n}: {topic} and {stage}",
        ],
        "research": [
            "Research brief {n}: {topic}",
            "Regional risk assessment {n}: {topic}",
        ],
    },
    "fr": {
        "guidance": [
            "{Topic} : guide pour {stage} (note {n})",
            "Comment les acheteurs publics traitent {topic} dans {stage} (guide {n})",
        ],
        "procurement_tool": [
            "Boîte à outils {n} : liste de contrôle {topic} pour {stage}",
            "Modèle {n} : demander des informations sur {topic}",
        ],
        "contract_clause": [
            "Conditions contractuelles, clause {n} : {topic}",
            "Clause type {n} sur {topic} pour {stage}",
        ],
        "tender_language": [
            "Clauses d'appel d'offres {n} : {topic} dans les critères d'attribution",
            "Rédaction d'appel d'offres {n} sur {topic}",
        ],
        "case_study": [
            "Étude de cas {n} : {topic} dans {stage}",
            "Étude de cas {n} : ce que les affiliés ont obtenu sur {topic}",
        ],
        "webinar_recording": [
            "Enregistrement du webinaire {n} : {topic}",
            "Webinaire {n} : {topic} et {stage}",
        ],
        "research": [
            "Note de recherche {n} : {topic}",
            "Évaluation régionale des risques {n} : {topic}",
        ],
    },
    "de": {
        "guidance": ["{Topic}: Leitfaden für {stage} (Nr. {n})"],
        "procurement_tool": ["Werkzeug {n}: Checkliste {topic} für {stage}"],
        "contract_clause": ["Vertragsbedingungen, Klausel {n}: {topic}"],
        "tender_language": ["Ausschreibungstext {n}: {topic} in den Zuschlagskriterien"],
        "case_study": ["Fallstudie {n}: {topic}"],
        "webinar_recording": ["Webinar-Aufzeichnung {n}: {topic}"],
        "research": ["Forschungsbericht {n}: {topic}"],
    },
    "es": {
        "guidance": ["{Topic}: guía para {stage} (nota {n})"],
        "procurement_tool": ["Herramienta {n}: lista de control de {topic} para {stage}"],
        "contract_clause": ["Condiciones contractuales, cláusula {n}: {topic}"],
        "tender_language": ["Texto de licitación {n}: {topic} en los criterios de adjudicación"],
        "case_study": ["Estudio de caso {n}: {topic}"],
        "webinar_recording": ["Grabación del seminario web {n}: {topic}"],
        "research": ["Informe de investigación {n}: {topic}"],
    },
    "nl": {
        "guidance": ["{Topic}: handreiking voor {stage} (nr. {n})"],
        "procurement_tool": ["Hulpmiddel {n}: checklist {topic} voor {stage}"],
        "contract_clause": ["Contractvoorwaarden, clausule {n}: {topic}"],
        "tender_language": ["Aanbestedingstekst {n}: {topic} in de gunningscriteria"],
        "case_study": ["Casestudy {n}: {topic}"],
        "webinar_recording": ["Webinaropname {n}: {topic}"],
        "research": ["Onderzoeksnotitie {n}: {topic}"],
    },
    "sv": {
        "guidance": ["{Topic}: vägledning för {stage} (nr {n})"],
        "procurement_tool": ["Verktyg {n}: checklista för {topic} i {stage}"],
        "contract_clause": ["Avtalsvillkor, klausul {n}: {topic}"],
        "tender_language": ["Upphandlingstext {n}: {topic} i tilldelningskriterierna"],
        "case_study": ["Fallstudie {n}: {topic}"],
        "webinar_recording": ["Inspelat webbinarium {n}: {topic}"],
        "research": ["Forskningsrapport {n}: {topic}"],
    },
}

SUMMARIES = {
    "en": [
        "What public buyers can ask of their contractors about {topic}, and when.",
        "A short guide for procurement officers: {topic} at the stage of {stage}.",
        "Practical steps, model wording and the evidence to request on {topic}.",
    ],
    "fr": [
        "Ce que les acheteurs publics peuvent demander à leurs titulaires sur {topic}, et quand.",
        "Un guide court pour les acheteurs : {topic} au stade de {stage}.",
        "Étapes pratiques, rédaction type et preuves à demander sur {topic}.",
    ],
    "de": ["Was öffentliche Auftraggeber zu {topic} von ihren Auftragnehmern verlangen können."],
    "es": ["Lo que los compradores públicos pueden pedir a sus contratistas sobre {topic}."],
    "nl": ["Wat publieke inkopers van hun opdrachtnemers kunnen vragen over {topic}."],
    "sv": ["Vad offentliga inköpare kan begära av sina leverantörer om {topic}."],
}

# Sentences of a text; a body takes a heading and several of them.
SENTENCES = {
    "en": [
        "The Contract Conditions oblige the contractor to disclose the production sites of "
        "the goods and of their strategic components within 30 days of the award.",
        "Monitoring is worker-driven: local partners interview workers away from the factory, "
        "in their own language, and protect their identity.",
        "When findings show a breach, the contractor must remedy it and compensate the "
        "workers, and show its due diligence through a formal request to its supplier.",
        "Affiliates linked to the same factory act together: their combined spend is the "
        "collective leverage that brings brands to the table.",
        "Recruitment fees paid by migrant workers must be reimbursed in full: no worker "
        "should pay for a job.",
        "Workers keep their passports and work permits; an employer may hold them only at "
        "the worker's written request, for safekeeping, with free access at any time.",
        "Overtime is voluntary, paid at a premium rate, and weekly hours stay under 60.",
        "Socially responsible trading conditions mean prices and delivery times that make "
        "compliance with the Code of Labour Standards possible.",
        "Escalation goes from informal engagement to contractual measures; sanctions are a "
        "last resort, after the contractor has had the chance to remedy.",
        "Record each request to the contractor, its answer and the date, so that the "
        "contract file shows the due diligence done.",
    ],
    "fr": [
        "Les conditions contractuelles obligent le titulaire à divulguer les sites de "
        "production des biens et de leurs composants stratégiques dans les 30 jours.",
        "Le monitoring est mené par les travailleurs : des partenaires locaux les interrogent "
        "hors de l'usine, dans leur langue, et protègent leur identité.",
        "Lorsque des constats révèlent une violation, le titulaire doit y remédier et "
        "indemniser les travailleurs.",
        "Les affiliés liés à la même usine agissent ensemble : leurs achats cumulés forment "
        "le levier collectif qui amène les marques à la table.",
        "Les frais de recrutement payés par les travailleurs migrants doivent être remboursés "
        "intégralement : aucun travailleur ne doit payer pour un emploi.",
        "Les heures supplémentaires sont volontaires, majorées, et la semaine reste sous "
        "60 heures.",
        "Consignez chaque demande au titulaire, sa réponse et la date, afin que le dossier du "
        "marché montre la diligence raisonnable exercée.",
    ],
    "de": [
        "Die Vertragsbedingungen verpflichten den Auftragnehmer, die Produktionsstätten "
        "innerhalb von 30 Tagen offenzulegen.",
        "Das Monitoring geht von den Beschäftigten aus: lokale Partner befragen sie außerhalb "
        "der Fabrik.",
        "Bei einem Verstoß muss der Auftragnehmer Abhilfe schaffen und die Beschäftigten "
        "entschädigen.",
        "Anwerbegebühren, die Wanderarbeiter gezahlt haben, werden vollständig erstattet.",
    ],
    "es": [
        "Las condiciones contractuales obligan al contratista a revelar los lugares de "
        "producción en un plazo de 30 días.",
        "El monitoreo lo dirigen los trabajadores: socios locales los entrevistan fuera de la "
        "fábrica.",
        "Ante una infracción, el contratista debe remediarla e indemnizar a los trabajadores.",
        "Las tasas de contratación pagadas por los trabajadores migrantes se reembolsan "
        "íntegramente.",
    ],
    "nl": [
        "De contractvoorwaarden verplichten de opdrachtnemer de productielocaties binnen "
        "30 dagen bekend te maken.",
        "De monitoring gaat uit van de werknemers: lokale partners spreken hen buiten de fabriek.",
        "Bij een schending moet de opdrachtnemer die herstellen en de werknemers compenseren.",
        "Wervingskosten die arbeidsmigranten betaalden, worden volledig terugbetaald.",
    ],
    "sv": [
        "Avtalsvillkoren kräver att leverantören redovisar produktionsanläggningarna inom "
        "30 dagar.",
        "Övervakningen utgår från arbetarna: lokala partner intervjuar dem utanför fabriken.",
        "Vid ett brott ska leverantören rätta till det och ersätta arbetarna.",
        "Rekryteringsavgifter som migrantarbetare betalat ska återbetalas i sin helhet.",
    ],
}

CHANGE_NOTES = {
    "en": "Updated for version 2.1 of the Operational Outcomes.",
    "fr": "Mis à jour pour la version 2.1 des résultats opérationnels.",
    "de": "Aktualisiert für Version 2.1 der operativen Ergebnisse.",
    "es": "Actualizado para la versión 2.1 de los resultados operativos.",
    "nl": "Bijgewerkt voor versie 2.1 van de operationele resultaten.",
    "sv": "Uppdaterad för version 2.1 av de operativa resultaten.",
}

LINKS = [
    "https://electronicswatch.org/en/public-buyer-toolkit_2548345",
    "https://electronicswatch.org/en/contract-conditions_2548258",
    "https://electronicswatch.org/en/operational-outcomes_2548398",
    "https://electronicswatch.org/en/worker-driven-monitoring_2548297",
    "https://electronicswatch.org/en/affiliate-action-guide_2548567",
]

# Countries a resource may be about: where the monitored factories and mines are.
COUNTRIES = ["CN", "MY", "TH", "VN", "PH", "ID", "MX", "CZ", "HU", "PL", "TW", "CD", "BO"]
