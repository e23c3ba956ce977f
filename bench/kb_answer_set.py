# ruff: noqa: E501  (questions in six languages, one per line)
"""Writes knowledge/demo/answer_questions.yaml: labelled questions whose *answer* is scored.

    .venv/bin/python bench/kb_answer_set.py

Kinds, each in en/zh/es/de/fr/pt: absent (an attribute no record gives: the honest don't-know),
multipart (two attributes of one product, or one present and one absent), range (a category's
values), market (a product into a market: the verdict's deciding code or national scheme),
recommendation ("do you make X", "X for a need"), context (a follow-up that needs the earlier
message). Expected strings are taken from the records; a number matches in any spelling.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "knowledge" / "demo"
OUT = DEMO / "answer_questions.yaml"

ABSENT = {  # attribute -> question per language ({sku})
    "salt_spray": {
        "en": "How many hours of salt spray does the {sku} pass?",
        "zh": "{sku} 的盐雾测试能做多少小时？",
        "es": "¿Cuántas horas de niebla salina aguanta el {sku}?",
        "de": "Wie viele Stunden Salzsprühnebel hält der {sku} aus?",
        "fr": "Combien d'heures de brouillard salin le {sku} tient-il ?",
        "pt": "Quantas horas de névoa salina o {sku} aguenta?",
    },
    "coating_thickness": {
        "en": "What is the coating thickness of the {sku} housing?",
        "zh": "{sku} 外壳的涂层厚度是多少？",
        "es": "¿Qué espesor de recubrimiento tiene el {sku}?",
        "de": "Welche Schichtdicke hat die Beschichtung des {sku}?",
        "fr": "Quelle est l'épaisseur du revêtement du {sku} ?",
        "pt": "Qual é a espessura do revestimento do {sku}?",
    },
    "glass_transmittance": {
        "en": "What's the glass transmittance of the {sku}?",
        "zh": "{sku} 的透光率是多少？",
        "es": "¿Cuál es la transmitancia del vidrio del {sku}?",
        "de": "Wie hoch ist die Lichtdurchlässigkeit des Glases beim {sku}?",
        "fr": "Quelle est la transmission lumineuse du verre du {sku} ?",
        "pt": "Qual é a transmitância do vidro do {sku}?",
    },
    "wind_area": {
        "en": "What is the wind area of the {sku}?",
        "zh": "{sku} 的迎风面积是多少？",
        "es": "¿Cuál es la superficie expuesta al viento del {sku}?",
        "de": "Wie groß ist die Windangriffsfläche des {sku}?",
        "fr": "Quelle est la surface au vent du {sku} ?",
        "pt": "Qual é a área exposta ao vento do {sku}?",
    },
    "power_factor": {
        "en": "What is the power factor of the {sku}?",
        "zh": "{sku} 的功率因数是多少？",
        "es": "¿Cuál es el factor de potencia del {sku}?",
        "de": "Wie hoch ist der Leistungsfaktor des {sku}?",
        "fr": "Quel est le facteur de puissance du {sku} ?",
        "pt": "Qual é o fator de potência do {sku}?",
    },
}
ABSENT_SKUS = ["FL-SL-100W", "SL-M-100W", "HB-UFO-200W"]
MULTIPART = {
    "en": "MOQ and lead time of {sku}?",
    "zh": "{sku} 的起订量和交期是多少？",
    "es": "¿Pedido mínimo y plazo de entrega del {sku}?",
    "de": "Mindestbestellmenge und Lieferzeit für {sku}?",
    "fr": "Quantité minimale et délai de livraison du {sku} ?",
    "pt": "Quantidade mínima e prazo de entrega do {sku}?",
}
MULTIPART_SKUS = ["HB-UFO-150W", "PNL-6060-40W", "SL-M-60W", "T8-G-1200-18W"]
HALF = {  # one part the record gives, one it does not
    "en": "What is the IP rating and the salt spray rating of {sku}?",
    "zh": "{sku} 的防护等级和盐雾等级是多少？",
    "es": "¿Grado de protección IP y niebla salina del {sku}?",
    "de": "Schutzart und Salzsprühnebel-Beständigkeit des {sku}?",
    "fr": "Indice de protection et tenue au brouillard salin du {sku} ?",
    "pt": "Grau de proteção e névoa salina do {sku}?",
}
DRIVER = {
    "en": "Which driver is in the {sku}?",
    "zh": "{sku} 用的是什么驱动？",
    "es": "¿Qué driver lleva el {sku}?",
    "de": "Welcher Treiber ist im {sku} verbaut?",
    "fr": "Quel driver équipe le {sku} ?",
    "pt": "Qual driver vem no {sku}?",
}
RANGE = {  # (attribute field, question) per category
    ("street_light", "warranty_years"): {
        "en": "How many years warranty on the street lighting range?",
        "zh": "路灯系列的质保是几年？",
        "es": "¿Cuántos años de garantía tienen las farolas?",
        "de": "Wie viele Jahre Garantie gebt ihr auf Straßenleuchten?",
        "fr": "Combien d'années de garantie sur les lampadaires ?",
        "pt": "Quantos anos de garantia na linha de iluminação pública?",
    },
    ("high_bay", "lead_time_days"): {
        "en": "What is the lead time for your high bays?",
        "zh": "工矿灯的交期是多久？",
        "es": "¿Cuál es el plazo de entrega de las campanas industriales?",
        "de": "Lieferzeit für Hallenstrahler?",
        "fr": "Quel est le délai de livraison des cloches industrielles ?",
        "pt": "Qual é o prazo de entrega das luminárias industriais?",
    },
    ("panel", "moq"): {
        "en": "What is the MOQ on your LED panels?",
        "zh": "面板灯的最小起订量是多少？",
        "es": "¿Cuál es el pedido mínimo de los paneles LED?",
        "de": "Welche Mindestbestellmenge gilt für LED-Panels?",
        "fr": "Quelle est la quantité minimale pour les dalles LED ?",
        "pt": "Qual é a quantidade mínima dos painéis LED?",
    },
}
MARKET = {
    "en": "Can we import the {sku} into {market}, what approval do we need?",
    "zh": "{sku} 可以进口到{market}吗？需要什么认证？",
    "es": "¿Podemos importar el {sku} a {market}? ¿Qué homologación necesitamos?",
    "de": "Können wir den {sku} nach {market} importieren, welche Zulassung brauchen wir?",
    "fr": "Peut-on importer le {sku} en {market} ? Quelle homologation faut-il ?",
    "pt": "Podemos importar o {sku} para {market}? Que homologação precisamos?",
}
MARKET_NAMES = {
    "SA": {"en": "Saudi Arabia", "zh": "沙特阿拉伯", "es": "Arabia Saudita", "de": "Saudi-Arabien",
           "fr": "Arabie saoudite", "pt": "Arábia Saudita"},
    "BR": {"en": "Brazil", "zh": "巴西", "es": "Brasil", "de": "Brasilien", "fr": "Brésil",
           "pt": "Brasil"},
    "IN": {"en": "India", "zh": "印度", "es": "India", "de": "Indien", "fr": "Inde", "pt": "Índia"},
    "US": {"en": "the USA", "zh": "美国", "es": "Estados Unidos", "de": "die USA",
           "fr": "États-Unis", "pt": "Estados Unidos"},
}  # fmt: skip
MARKET_CASES = [  # sku, market, what the verdict must name
    ("FL-SL-30W-EC", "SA", ["SASO", "SABER"]),
    ("T8-G-1200-18W", "BR", ["INMETRO"]),
    ("HB-UFO-150W", "IN", ["BIS"]),
    ("PNL-6060-40W", "US", ["UL", "FCC"]),
]
LINE = {
    "high_bay": {"en": "Do you make high bays?", "zh": "你们生产工矿灯吗？",
                 "es": "¿Fabrican campanas industriales?", "de": "Stellen Sie Hallenstrahler her?",
                 "fr": "Vous fabriquez des cloches industrielles ?",
                 "pt": "Vocês fabricam luminárias industriais?"},
    "street_light": {"en": "Do you sell street lights?", "zh": "你们有路灯吗？",
                     "es": "¿Venden farolas?", "de": "Verkaufen Sie Straßenleuchten?",
                     "fr": "Vous vendez des lampadaires ?", "pt": "Vocês vendem iluminação pública?"},
    "panel": {"en": "Do you have LED panels?", "zh": "你们有面板灯吗？",
              "es": "¿Tienen paneles LED?", "de": "Haben Sie LED-Panels?",
              "fr": "Vous avez des dalles LED ?", "pt": "Vocês têm painéis LED?"},
}  # fmt: skip
NEED = {
    "en": "I need a floodlight for tennis courts with interchangeable optics",
    "zh": "我需要一款用于网球场、可更换透镜的投光灯",
    "es": "Necesito un proyector para pistas de tenis con ópticas intercambiables",
    "de": "Ich suche einen Fluter für Tennisplätze mit wechselbarer Optik",
    "fr": "Je cherche un projecteur pour courts de tennis avec optiques interchangeables",
    "pt": "Preciso de um refletor para quadras de tênis com ópticas intercambiáveis",
}
CONTEXT = {  # (earlier message, follow-up, expected sku, expected field)
    "en": ("Do you make high bays?", "What is the warranty of the 150W one?"),
    "zh": ("你们生产工矿灯吗？", "150W那款的质保是多久？"),
    "es": ("¿Fabrican campanas industriales?", "¿Qué garantía tiene la de 150W?"),
    "de": ("Stellen Sie Hallenstrahler her?", "Wie lange ist die Garantie beim 150W?"),
    "fr": ("Vous fabriquez des cloches industrielles ?", "Quelle est la garantie du 150W ?"),
    "pt": ("Vocês fabricam luminárias industriais?", "Qual é a garantia da de 150W?"),
}
CONTEXT_SKU = {
    "en": ("Tell me about the PNL-6060-40W", "And its lead time?"),
    "zh": ("介绍一下 PNL-6060-40W", "它的交期呢？"),
    "es": ("Háblame del PNL-6060-40W", "¿Y su plazo de entrega?"),
    "de": ("Erzählen Sie mir vom PNL-6060-40W", "Und die Lieferzeit?"),
    "fr": ("Parlez-moi du PNL-6060-40W", "Et son délai de livraison ?"),
    "pt": ("Fale-me do PNL-6060-40W", "E o prazo de entrega?"),
}
CERT_CONTEXT = {
    "en": ("Do you make high bays?", "What certifications does the 150W one have, can I sell it in Australia?"),
    "zh": ("你们生产工矿灯吗？", "150W那款有什么认证，可以卖到澳大利亚吗？"),
    "es": ("¿Fabrican campanas industriales?", "¿Qué certificaciones tiene la de 150W? ¿Puedo venderla en Australia?"),
    "de": ("Stellen Sie Hallenstrahler her?", "Welche Zertifizierungen hat der 150W, kann ich ihn in Australien verkaufen?"),
    "fr": ("Vous fabriquez des cloches industrielles ?", "Quelles certifications a le 150W, puis-je le vendre en Australie ?"),
    "pt": ("Vocês fabricam luminárias industriais?", "Que certificações tem a de 150W, posso vendê-la na Austrália?"),
}  # fmt: skip
LANGS = ("en", "zh", "es", "de", "fr", "pt")


def build() -> list[dict]:
    products = {
        p["sku"]: p for p in yaml.safe_load((DEMO / "products.yaml").read_text())["products"]
    }
    items: list[dict] = []

    def add(kind: str, lang: str, q: str, expect: dict, context: list[str] | None = None) -> None:
        item = {"q": q, "lang": lang, "kind": kind, "expect": expect}
        if context:
            item["context"] = context
        items.append(item)

    for lang in LANGS:
        for questions in ABSENT.values():
            for sku in ABSENT_SKUS:
                add(
                    "absent", lang, questions[lang].format(sku=sku), {"dont_know": True, "sku": sku}
                )
        for sku in MULTIPART_SKUS:
            p = products[sku]
            add(
                "multipart",
                lang,
                MULTIPART[lang].format(sku=sku),
                {"contains": [str(p["moq"]), str(p["lead_time_days"])]},
            )
            add(
                "multipart",
                lang,
                HALF[lang].format(sku=sku),
                {"contains": [p["ip_rating"]], "missing": True},
            )
        for sku in ("HB-UFO-150W", "HB-UFO-100W", "PNL-6060-40W"):
            add(
                "multipart",
                lang,
                DRIVER[lang].format(sku=sku),
                {
                    "contains": [
                        products[sku]["drivers_included"].split(",")[0].split("(")[-1].split()[0]
                    ]
                },
            )
        for (category, field), questions in RANGE.items():
            values = sorted({str(p[field]) for p in products.values() if p["category"] == category})
            add("range", lang, questions[lang], {"contains": values})
        for sku, market, names in MARKET_CASES:
            add(
                "market",
                lang,
                MARKET[lang].format(sku=sku, market=MARKET_NAMES[market][lang]),
                {"contains": names},
            )
        for category, questions in LINE.items():
            skus = [s for s, p in products.items() if p["category"] == category][:3]
            add("recommendation", lang, questions[lang], {"contains": skus})
        add("recommendation", lang, NEED[lang], {"contains": ["FL-SP-400W"]})
        earlier, follow = CONTEXT[lang]
        add("context", lang, follow, {"contains": ["HB-UFO-150W", "5"]}, [earlier])
        earlier, follow = CONTEXT_SKU[lang]
        lead = str(products["PNL-6060-40W"]["lead_time_days"])
        add("context", lang, follow, {"contains": ["PNL-6060-40W", lead]}, [earlier])
        earlier, follow = CERT_CONTEXT[lang]
        add("context", lang, follow, {"contains": ["HB-UFO-150W", "SAA", "UL"]}, [earlier])
    return items


def main() -> int:
    items = build()
    header = (
        "# Labelled questions whose answer is scored by bench/kb_bench.py (written by\n"
        "# bench/kb_answer_set.py; edit that, not this). expect: contains = strings the answer\n"
        "# must have (numbers in any spelling); dont_know = the honest 'our data does not give\n"
        "# it'; missing = one part has no data (the answer says so and is not confident).\n"
    )
    body = yaml.safe_dump({"questions": items}, allow_unicode=True, sort_keys=False, width=100)
    OUT.write_text(header + body, encoding="utf-8")
    print(f"{len(items)} questions -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
