"""Demo data of the guidance library (idempotent): the topic vocabulary and 22 resources of
every kind in English and French, written through the services like real work. The
Electronics Watch Contract Conditions' disclosure clause has two English versions; one
procurement tool is a small PDF made with WeasyPrint at seed time; one resource stays a draft."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from core.pdf import render_pdf
from core.uploads import clean_document

from ..models import Resource, ResourceVersion, Topic
from ..services import library as services

TOPICS = [
    (
        "due-diligence-procurement-planning",
        "Due diligence in procurement planning",
        "Diligence raisonnable dans la planification des achats",
    ),
    (
        "supply-chain-mapping",
        "Supply-chain mapping",
        "Cartographie de la chaîne d'approvisionnement",
    ),
    ("contract-management", "Contract management", "Gestion des contrats"),
    ("remediation", "Remediation", "Remédiation"),
    ("forced-labour", "Forced labour", "Travail forcé"),
    ("child-labour", "Child labour", "Travail des enfants"),
    (
        "migrant-workers-recruitment-fees",
        "Migrant workers and recruitment fees",
        "Travailleurs migrants et frais de recrutement",
    ),
    ("industry-engagement", "Industry engagement", "Dialogue avec l'industrie"),
    ("health-and-safety", "Occupational health and safety", "Santé et sécurité au travail"),
    ("wages-and-hours", "Wages and working hours", "Salaires et temps de travail"),
    ("freedom-of-association", "Freedom of association", "Liberté syndicale"),
    ("low-emission-vehicles", "Low-emission vehicles", "Véhicules à faibles émissions"),
]

TEXT, LINK, FILE = (
    ResourceVersion.Format.TEXT,
    ResourceVersion.Format.LINK,
    ResourceVersion.Format.FILE,
)

# The clause whose wording changed: version 1, then version 2 with a change note.
CLAUSE_V1 = (
    "**Clause 5. Disclosure of production sites**\n\n"
    "Within 30 days of the award of the Contract, the Contractor shall disclose to the "
    "Contracting Authority the names and addresses of the factories where the Goods are "
    "assembled."
)
CLAUSE_V2 = (
    "**Clause 5. Disclosure of production sites**\n\n"
    "Within 30 days of the award of the Contract, and again within 30 days of any change, the "
    "Contractor shall disclose to the Contracting Authority and to Electronics Watch the legal "
    "names and complete physical addresses of the production sites where the Goods are "
    "assembled and where their strategic components are manufactured."
)

# (kind, topics, stages, countries, English, French); each text is (title, summary, format,
# content), content being Markdown for a text and an address for a link.
RESOURCES = [
    (
        "contract_clause",
        ["contract-management", "supply-chain-mapping"],
        ["tender", "contract_management"],
        [],
        (
            "Electronics Watch Contract Conditions: disclosure of production sites",
            "The clause that obliges the contractor to name the factories behind the goods.",
            TEXT,
            CLAUSE_V1,
        ),
        (
            "Conditions contractuelles d'Electronics Watch : divulgation des sites de production",
            "La clause qui oblige le titulaire à nommer les usines qui fabriquent les biens.",
            TEXT,
            "**Clause 5. Divulgation des sites de production**\n\nDans les 30 jours suivant "
            "l'attribution du marché, le Titulaire communique au Pouvoir adjudicateur et à "
            "Electronics Watch les dénominations légales et les adresses complètes des sites de "
            "production où les Biens sont assemblés et où leurs composants stratégiques sont "
            "fabriqués.",
        ),
    ),
    (
        "contract_clause",
        ["remediation", "contract-management"],
        ["contract_management", "remediation"],
        [],
        (
            "Electronics Watch Contract Conditions: remediation of breaches",
            "What the contractor must do when monitoring finds a breach of the Code.",
            TEXT,
            "**Clause 8. Remediation**\n\nWhere a breach of the Code of Labour Standards is "
            "found at a production site, the Contractor shall, in cooperation with Electronics "
            "Watch, agree a remediation plan with time-bound actions, ensure that affected "
            "workers are compensated, and report on its implementation. Failure to remedy is a "
            "breach of the Contract.",
        ),
        (
            "Conditions contractuelles d'Electronics Watch : remédiation des manquements",
            "Ce que le titulaire doit faire lorsque le monitoring constate un manquement au Code.",
            TEXT,
            "**Clause 8. Remédiation**\n\nEn cas de défaillance constatée sur un site de "
            "production au regard du Code des normes du travail, le Titulaire convient avec "
            "Electronics Watch d'un plan de remédiation assorti d'actions datées, veille à "
            "l'indemnisation des travailleurs concernés et rend compte de sa mise en œuvre. "
            "L'absence de remédiation constitue un manquement au marché.",
        ),
    ),
    (
        "contract_clause",
        ["forced-labour", "migrant-workers-recruitment-fees"],
        ["tender", "contract_management"],
        ["MY", "TH"],
        (
            "Model clause: no recruitment fees paid by workers",
            "Applies the Employer Pays Principle to the production sites of the contract.",
            TEXT,
            "The Contractor shall ensure that no worker at a production site has paid a fee or "
            "related cost for their recruitment, and that any fee paid is reimbursed in full. "
            "Identity documents shall remain in the workers' possession.",
        ),
        (
            "Clause type : aucun frais de recrutement à la charge des travailleurs",
            "Applique le principe de « l'employeur paie » aux sites de production du marché.",
            TEXT,
            "Le Titulaire veille à ce qu'aucun travailleur d'un site de production n'ait payé de "
            "frais ou de coûts liés à son recrutement, et à ce que tout frais payé soit remboursé "
            "intégralement. Les documents d'identité restent en possession des travailleurs.",
        ),
    ),
    (
        "contract_clause",
        ["contract-management", "industry-engagement"],
        ["contract_management"],
        ["FR"],
        (
            "Contract Conditions, national version for France",
            "The Electronics Watch Contract Conditions adapted to French public procurement law.",
            LINK,
            "https://electronicswatch.org/en/contract-conditions_2548258",
        ),
        (
            "Conditions contractuelles, version nationale française",
            "Les conditions contractuelles d'Electronics Watch adaptées au droit français de la "
            "commande publique.",
            LINK,
            "https://electronicswatch.org/en/contract-conditions_2548258",
        ),
    ),
    (
        "guidance",
        ["due-diligence-procurement-planning"],
        ["policy", "planning"],
        [],
        (
            "Human-rights due diligence in procurement planning",
            "How to assess risks to workers before writing a tender for ICT hardware.",
            TEXT,
            "## Before the tender\n\n1. Map what you buy and from which product categories.\n"
            "2. Check the known risks for those products: forced labour, excessive overtime, "
            "unsafe chemicals.\n3. Decide which contract conditions and which evidence you will "
            "ask for.\n\nDue diligence is a continuous process, not a one-off check.",
        ),
        (
            "Diligence raisonnable en matière de droits humains dans la planification des achats",
            "Comment évaluer les risques pour les travailleurs avant de rédiger un appel "
            "d'offres pour du matériel informatique.",
            TEXT,
            "## Avant l'appel d'offres\n\n1. Recensez ce que vous achetez et les catégories de "
            "produits.\n2. Vérifiez les risques connus : travail forcé, heures supplémentaires "
            "excessives, produits chimiques dangereux.\n3. Choisissez les conditions "
            "contractuelles et les preuves que vous demanderez.",
        ),
    ),
    (
        "guidance",
        ["supply-chain-mapping"],
        ["contract_management"],
        [],
        (
            "Supply-chain mapping for public buyers",
            "Using contractors' disclosures to know the factories behind your contracts.",
            TEXT,
            "Ask the contractor for the legal names and complete addresses of the production "
            "sites where your product models are assembled, and where their strategic "
            "components are made. Check the list against the factories already known to "
            "Electronics Watch.",
        ),
        (
            "Cartographie de la chaîne d'approvisionnement pour les acheteurs publics",
            "Utiliser les divulgations des titulaires pour connaître les usines derrière vos "
            "marchés.",
            TEXT,
            "Demandez au titulaire les dénominations légales et les adresses complètes des sites "
            "de production où vos modèles sont assemblés et où leurs composants stratégiques "
            "sont fabriqués.",
        ),
    ),
    (
        "guidance",
        ["contract-management", "industry-engagement"],
        ["contract_management"],
        [],
        (
            "Contract management: engaging your contractor on findings",
            "Informal engagement first, contractual escalation next, sanctions last.",
            TEXT,
            "When findings are published at a factory in your supply chain, write to your "
            "contractor, ask for its due diligence and a formal request to its supplier, and "
            "join the remediation case with the other affiliates buying from that factory.",
        ),
        (
            "Gestion des contrats : dialoguer avec votre titulaire sur les constats",
            "D'abord le dialogue informel, puis l'escalade contractuelle, et les sanctions en "
            "dernier recours.",
            TEXT,
            "Lorsque des constats sont publiés pour une usine de votre chaîne "
            "d'approvisionnement, écrivez à votre titulaire, demandez-lui sa diligence "
            "raisonnable et rejoignez le dossier de remédiation avec les autres affiliés.",
        ),
    ),
    (
        "guidance",
        ["child-labour"],
        ["planning", "contract_management"],
        [],
        (
            "Child labour and young workers: what public buyers should know",
            "Minimum ages, hazardous work and what to ask of contractors.",
            TEXT,
            "ILO Convention 138 sets the minimum age for work at the end of compulsory "
            "schooling and never below 15; hazardous work is forbidden under 18. Student "
            "interns on production lines must not work overtime or nights.",
        ),
        (
            "Travail des enfants et jeunes travailleurs : ce que les acheteurs publics doivent "
            "savoir",
            "Âges minimaux, travaux dangereux et ce qu'il faut demander aux titulaires.",
            TEXT,
            "La Convention 138 de l'OIT fixe l'âge minimum d'admission à l'emploi à la fin de "
            "la scolarité obligatoire et jamais en dessous de 15 ans ; les travaux dangereux "
            "sont interdits avant 18 ans.",
        ),
    ),
    (
        "procurement_tool",
        ["supply-chain-mapping"],
        ["contract_management"],
        [],
        (
            "Factory Disclosure Form: instructions for contractors",
            "A one-page guide to filling in the disclosure of production sites.",
            FILE,
            "Factory Disclosure Form — instructions",
        ),
        (
            "Formulaire de divulgation des usines : instructions aux titulaires",
            "Un guide d'une page pour remplir la divulgation des sites de production.",
            TEXT,
            "Indiquez pour chaque modèle le site d'assemblage, son adresse complète et la marque. "
            "Ajoutez les sites des composants stratégiques lorsque vous les connaissez.",
        ),
    ),
    (
        "procurement_tool",
        ["due-diligence-procurement-planning", "supply-chain-mapping"],
        ["planning"],
        [],
        (
            "Affiliate Product Form",
            "List the product models you bought in the last 12 months.",
            TEXT,
            "| Product category | Brand | Model | Quantity |\n|---|---|---|---|\n"
            "| Laptops | | | |\n| Monitors | | | |",
        ),
        (
            "Formulaire des produits de l'affilié",
            "Listez les modèles achetés au cours des 12 derniers mois.",
            TEXT,
            "| Catégorie | Marque | Modèle | Quantité |\n|---|---|---|---|\n"
            "| Ordinateurs portables | | | |\n| Écrans | | | |",
        ),
    ),
    (
        "procurement_tool",
        ["contract-management"],
        ["contract_management"],
        [],
        (
            "Supplier letter template",
            "A letter to send your contractor when findings concern its supply chain.",
            TEXT,
            "Dear contractor,\n\nElectronics Watch has published findings at a factory that "
            "makes goods supplied under our contract. We ask you to inform us within 30 days "
            "of the steps you are taking.",
        ),
        (
            "Modèle de lettre au fournisseur",
            "Une lettre à envoyer à votre titulaire lorsque des constats concernent sa chaîne "
            "d'approvisionnement.",
            TEXT,
            "Madame, Monsieur,\n\nElectronics Watch a publié des constats concernant une usine "
            "qui fabrique des biens livrés au titre de notre marché. Nous vous demandons de nous "
            "informer sous 30 jours des mesures que vous prenez.",
        ),
    ),
    (
        "tender_language",
        ["due-diligence-procurement-planning"],
        ["tender"],
        [],
        (
            "Tender language: award criteria for supply-chain transparency",
            "Wording that rewards bidders who can disclose their production sites.",
            TEXT,
            "Bidders will be scored on the completeness of the production-site information "
            "they commit to disclose, including strategic components.",
        ),
        (
            "Clauses d'appel d'offres : critères d'attribution pour la transparence",
            "Une rédaction qui valorise les soumissionnaires capables de divulguer leurs sites.",
            TEXT,
            "Les offres seront notées selon l'exhaustivité des informations sur les sites de "
            "production que le soumissionnaire s'engage à divulguer.",
        ),
    ),
    (
        "tender_language",
        ["contract-management"],
        ["tender"],
        [],
        (
            "Tender language: selection criteria and the Contract Conditions",
            "How to announce the Electronics Watch Contract Conditions in the tender notice.",
            TEXT,
            "The contract will include the Electronics Watch Contract Conditions. Bidders "
            "confirm that they will comply with them if awarded the contract.",
        ),
        (
            "Clauses d'appel d'offres : critères de sélection et conditions contractuelles",
            "Comment annoncer les conditions contractuelles d'Electronics Watch dans l'avis.",
            TEXT,
            "Le marché comprendra les conditions contractuelles d'Electronics Watch. Les "
            "soumissionnaires confirment qu'ils les respecteront s'ils sont retenus.",
        ),
    ),
    (
        "tender_language",
        ["low-emission-vehicles"],
        ["tender"],
        [],
        (
            "Tender language for low-emission vehicles",
            "Disclosure of battery supply chains in tenders for buses and vans.",
            TEXT,
            "For M1, M2, M3 and N1 vehicles, the contractor shall disclose the sites where the "
            "battery cells and their materials are produced, where known.",
        ),
        (
            "Clauses d'appel d'offres pour les véhicules à faibles émissions",
            "Divulgation des chaînes d'approvisionnement des batteries.",
            TEXT,
            "Pour les véhicules M1, M2, M3 et N1, le titulaire divulgue les sites de production "
            "des cellules de batterie et de leurs matériaux, lorsqu'ils sont connus.",
        ),
    ),
    (
        "case_study",
        ["migrant-workers-recruitment-fees", "remediation", "forced-labour"],
        ["remediation"],
        ["TH"],
        (
            "Case study: recruitment fees reimbursed to migrant workers in Thailand",
            "How affiliates' combined leverage led brands to reimburse fees and return passports.",
            TEXT,
            "Monitoring found withheld passports and illegal recruitment fees. A brand "
            "remediation plan returned the documents and started compensation; follow-up "
            "monitoring found that fees had recurred, and the case was reopened.",
        ),
        (
            "Étude de cas : remboursement des frais de recrutement en Thaïlande",
            "Comment le levier commun des affiliés a conduit les marques à rembourser les frais.",
            TEXT,
            "Le monitoring a constaté des passeports confisqués et des frais de recrutement "
            "illégaux. Un plan de remédiation a permis de restituer les documents et d'engager "
            "l'indemnisation.",
        ),
    ),
    (
        "case_study",
        ["health-and-safety"],
        ["contract_management", "remediation"],
        ["CN"],
        (
            "Case study: chemical exposure at a components factory",
            "From a worker's grievance to a chemical inventory and protective equipment.",
            TEXT,
            "Workers reported dizziness after handling solvents. The contractor obtained a "
            "chemical inventory from its supplier, and the factory introduced ventilation and "
            "training.",
        ),
        (
            "Étude de cas : exposition chimique dans une usine de composants",
            "D'une plainte d'un travailleur à un inventaire chimique et des équipements de "
            "protection.",
            TEXT,
            "Des travailleurs ont signalé des vertiges après avoir manipulé des solvants. "
            "L'usine a installé une ventilation et organisé des formations.",
        ),
    ),
    (
        "case_study",
        ["industry-engagement", "freedom-of-association"],
        ["contract_management"],
        ["CZ"],
        (
            "Case study: dialogue with a brand on union representation",
            "Affiliates in three countries asked one brand for the same corrective action.",
            TEXT,
            "After findings on obstacles to union representation, affiliates wrote to their "
            "contractors together, and the brand agreed to a meeting with worker "
            "representatives.",
        ),
        (
            "Étude de cas : dialogue avec une marque sur la représentation syndicale",
            "Des affiliés de trois pays ont demandé la même mesure corrective à une marque.",
            TEXT,
            "Après des constats sur des obstacles à la représentation syndicale, les affiliés "
            "ont écrit ensemble à leurs titulaires.",
        ),
    ),
    (
        "webinar_recording",
        ["supply-chain-mapping"],
        ["contract_management"],
        [],
        (
            "Webinar recording: getting the disclosure you need",
            "A one-hour session for procurement officers on disclosure requests.",
            LINK,
            "https://electronicswatch.org/en/public-buyer-toolkit_2548345",
        ),
        (
            "Enregistrement du webinaire : obtenir la divulgation nécessaire",
            "Une session d'une heure pour les acheteurs sur les demandes de divulgation.",
            LINK,
            "https://electronicswatch.org/en/public-buyer-toolkit_2548345",
        ),
    ),
    (
        "webinar_recording",
        ["forced-labour", "migrant-workers-recruitment-fees"],
        ["planning"],
        ["MY"],
        (
            "Webinar recording: forced-labour risks in electronics",
            "The ILO indicators and what monitors look for in Malaysia.",
            LINK,
            "https://electronicswatch.org/en/monitoring-focus-on-migrant-worker-recruitment-and-"
            "forced-labour-risks_2554783",
        ),
        (
            "Enregistrement du webinaire : risques de travail forcé dans l'électronique",
            "Les indicateurs de l'OIT et ce que les moniteurs recherchent en Malaisie.",
            LINK,
            "https://electronicswatch.org/en/monitoring-focus-on-migrant-worker-recruitment-and-"
            "forced-labour-risks_2554783",
        ),
    ),
    (
        "research",
        ["migrant-workers-recruitment-fees"],
        ["planning"],
        ["MY", "TH", "NP", "MM"],
        (
            "Migrant-worker recruitment corridors into Malaysia and Thailand",
            "Fees, documents and overtime from Bangladesh, Indonesia, Myanmar and Nepal.",
            TEXT,
            "Workers recruited from Nepal and Myanmar reported paying between one and six months "
            "of wages in fees. Benchmark: zero fees, documents held by workers, under 60 hours a "
            "week, decent housing.",
        ),
        (
            "Corridors de recrutement des travailleurs migrants vers la Malaisie et la Thaïlande",
            "Frais, documents et heures supplémentaires.",
            TEXT,
            "Les travailleurs recrutés au Népal et au Myanmar ont déclaré avoir payé entre un et "
            "six mois de salaire en frais de recrutement.",
        ),
    ),
    (
        "research",
        ["wages-and-hours"],
        ["planning"],
        ["HU"],
        (
            "Regional risk assessment: electronics factories in Hungary",
            "Agency work, wages and working hours in the assembly plants.",
            LINK,
            "https://electronicswatch.org/en/electronics-watch-releases-regional-risk-assessment-"
            "on-hungary_2615946",
        ),
        (
            "Évaluation régionale des risques : usines d'électronique en Hongrie",
            "Travail intérimaire, salaires et temps de travail dans les usines d'assemblage.",
            LINK,
            "https://electronicswatch.org/en/electronics-watch-releases-regional-risk-assessment-"
            "on-hungary_2615946",
        ),
    ),
    (
        "research",
        ["low-emission-vehicles", "child-labour"],
        ["planning"],
        ["CD", "BO"],
        (
            "Risks in battery minerals: cobalt and tin",
            "What monitoring in the Democratic Republic of the Congo and Bolivia looks at.",
            TEXT,
            "Artisanal cobalt mining carries risks of child labour and unsafe work; the "
            "low-emission vehicle programme starts monitoring at mines and refiners.",
        ),
        (
            "Risques liés aux minerais des batteries : cobalt et étain",
            "Ce qu'examine le monitoring en République démocratique du Congo et en Bolivie.",
            TEXT,
            "L'extraction artisanale du cobalt présente des risques de travail des enfants et de "
            "travail dangereux.",
        ),
    ),
]


def _pdf(title: str):
    html = (
        f'<html lang="en"><body><h1>{escape(title)}</h1>'
        "<p>List every production site with its legal name, "
        "complete address, brand and product models. Send the form within 30 days of the "
        "award.</p></body></html>"
    )
    upload = SimpleUploadedFile("factory-disclosure-instructions.pdf", render_pdf(html))
    return clean_document(upload)


def _text(language: str, entry) -> services.VersionText:
    title, summary, format_, content = entry
    fields = {"body": content} if format_ == TEXT else {}
    if format_ == LINK:
        fields = {"link": content}
    if format_ == FILE:
        fields = {"file": _pdf(content)}
    return services.VersionText(
        language=language, title=title, summary=summary, format=format_, **fields
    )


def seed(*, users, **context) -> dict:
    topics = {}
    for slug, name_en, name_fr in TOPICS:
        topics[slug], _created = Topic.objects.get_or_create(
            slug=slug, defaults={"name_en": name_en, "name_fr": name_fr}
        )
    if Resource.objects.exists():
        return {"library_topics": topics}
    staff = users["staff@ewatch.example"]
    resources = []
    for kind, topic_slugs, stages, countries, english, french in RESOURCES:
        resource = services.resource_create(
            kind=kind,
            text=_text("en", english),
            topics=[topics[slug] for slug in topic_slugs],
            stages=stages,
            countries=countries,
            by=staff,
        )
        services.version_add(resource=resource, text=_text("fr", french), by=staff)
        resources.append(resource)
    clause = resources[0]
    services.version_add(
        resource=clause,
        text=services.VersionText(
            language="en",
            title="Electronics Watch Contract Conditions: disclosure of production sites",
            summary="The clause that obliges the contractor to name the factories behind the "
            "goods and their strategic components.",
            format=TEXT,
            body=CLAUSE_V2,
            change_note="Version 2 of the Contract Conditions: strategic components, legal "
            "names and complete addresses, updates on any change, disclosure also to "
            "Electronics Watch.",
        ),
        by=staff,
    )
    # Everything is published but the last one, which staff are still writing.
    for resource in resources[:-1]:
        services.resource_publish(resource=resource, by=staff)
    return {"library_topics": topics, "library_resources": resources}
