# ruff: noqa: E501 - one phrase table row per line reads best
"""What the assistant says, in English, Chinese, Spanish and German."""

from __future__ import annotations

LANGUAGES = ("en", "zh", "es", "de")

LABELS: dict[str, dict[str, str]] = {
    "ip_rating": {
        "en": "IP rating",
        "zh": "防护等级",
        "es": "grado de protección IP",
        "de": "Schutzart",
    },
    "ik_rating": {
        "en": "IK impact rating",
        "zh": "IK 抗冲击等级",
        "es": "grado IK",
        "de": "IK-Stoßfestigkeit",
    },
    "luminous_flux_lm": {
        "en": "luminous flux",
        "zh": "光通量",
        "es": "flujo luminoso",
        "de": "Lichtstrom",
    },
    "efficacy_lm_w": {"en": "efficacy", "zh": "光效", "es": "eficacia", "de": "Lichtausbeute"},
    "cri": {"en": "CRI", "zh": "显色指数", "es": "IRC", "de": "Farbwiedergabeindex (CRI)"},
    "cct_options": {
        "en": "colour temperature options",
        "zh": "可选色温",
        "es": "temperaturas de color",
        "de": "Farbtemperaturen",
    },
    "power_w": {"en": "power", "zh": "功率", "es": "potencia", "de": "Leistung"},
    "input_voltage": {
        "en": "input voltage",
        "zh": "输入电压",
        "es": "tensión de entrada",
        "de": "Eingangsspannung",
    },
    "dimming": {
        "en": "dimming options",
        "zh": "调光方式",
        "es": "opciones de regulación",
        "de": "Dimmoptionen",
    },
    "flicker": {
        "en": "flicker performance",
        "zh": "频闪表现",
        "es": "parpadeo",
        "de": "Flimmerverhalten",
    },
    "lifetime_h": {
        "en": "rated lifetime",
        "zh": "额定寿命",
        "es": "vida útil",
        "de": "Lebensdauer",
    },
    "warranty_years": {"en": "warranty", "zh": "质保期", "es": "garantía", "de": "Garantie"},
    "dimensions_mm": {"en": "dimensions", "zh": "尺寸", "es": "dimensiones", "de": "Abmessungen"},
    "weight_kg": {"en": "weight", "zh": "重量", "es": "peso", "de": "Gewicht"},
    "operating_temp": {
        "en": "operating temperature",
        "zh": "工作温度",
        "es": "temperatura de funcionamiento",
        "de": "Betriebstemperatur",
    },
    "hs_code": {"en": "HS code", "zh": "HS 编码", "es": "código HS", "de": "HS-Code"},
    "moq": {"en": "MOQ", "zh": "最小起订量", "es": "pedido mínimo", "de": "Mindestbestellmenge"},
    "sample_lead_time_days": {
        "en": "sample lead time",
        "zh": "样品交期",
        "es": "plazo de muestras",
        "de": "Musterlieferzeit",
    },
    "lead_time_days": {
        "en": "production lead time",
        "zh": "生产交期",
        "es": "plazo de entrega",
        "de": "Lieferzeit",
    },
    "certifications": {
        "en": "certifications",
        "zh": "认证",
        "es": "certificaciones",
        "de": "Zertifizierungen",
    },
    "beam_angle_deg": {
        "en": "beam angle",
        "zh": "光束角",
        "es": "ángulo de haz",
        "de": "Abstrahlwinkel",
    },
    "packaging": {"en": "packaging", "zh": "包装", "es": "embalaje", "de": "Verpackung"},
}

UNITS: dict[str, dict[str, str]] = {
    "years": {"en": "years", "zh": "年", "es": "años", "de": "Jahre"},
    "days": {"en": "days", "zh": "天", "es": "días", "de": "Tage"},
    "hours": {"en": "hours", "zh": "小时", "es": "horas", "de": "Stunden"},
}

TEMPLATES: dict[str, dict[str, str]] = {
    "spec": {
        "en": "The {sku}'s {label} is {value}",
        "zh": "{sku} 的{label}为 {value}",
        "es": "{label} del {sku}: {value}",
        "de": "{label} des {sku}: {value}",
    },
    "spec_missing": {
        "en": "our product record for the {sku} does not state the {label}",
        "zh": "{sku} 的产品记录中没有注明{label}",
        "es": "la ficha del {sku} no indica {label}",
        "de": "der Produktdatensatz des {sku} nennt keine Angabe zu {label}",
    },
    "record_source": {
        "en": "product record {sku}",
        "zh": "产品记录 {sku}",
        "es": "ficha de producto {sku}",
        "de": "Produktdatensatz {sku}",
    },
    "market_source": {
        "en": "market requirements {code}",
        "zh": "市场准入要求 {code}",
        "es": "requisitos del mercado {code}",
        "de": "Marktanforderungen {code}",
    },
    "cite": {
        "en": " (source: {sources}).",
        "zh": "（来源：{sources}）。",
        "es": " (fuente: {sources}).",
        "de": " (Quelle: {sources}).",
    },
    "has_certs": {
        "en": "The {sku} has {certs}",
        "zh": "{sku} 具备 {certs} 认证",
        "es": "El {sku} tiene {certs}",
        "de": "Der {sku} hat {certs}",
    },
    "no_certs": {
        "en": "The {sku} holds no certifications in our records",
        "zh": "记录中 {sku} 没有任何认证",
        "es": "El {sku} no tiene certificaciones en nuestros registros",
        "de": "Der {sku} hat laut unseren Unterlagen keine Zertifizierungen",
    },
    "also_need": {
        "en": "for {market} you also need {missing}",
        "zh": "销往{market}还需要 {missing}",
        "es": "para {market} también necesita {missing}",
        "de": "für {market} brauchen Sie zusätzlich {missing}",
    },
    "covers": {
        "en": "that covers what {market} requires ({required})",
        "zh": "已满足{market}的强制要求（{required}）",
        "es": "eso cubre lo que exige {market} ({required})",
        "de": "das deckt ab, was {market} verlangt ({required})",
    },
    "nothing_required": {
        "en": "{market} has no certification on our list that is strictly required",
        "zh": "{market}没有我们清单中的强制认证",
        "es": "{market} no exige ninguna certificación de nuestra lista",
        "de": "{market} schreibt keine Zertifizierung aus unserer Liste vor",
    },
    "alternative": {
        "en": "{alternative} is accepted there instead of {required}",
        "zh": "当地接受 {alternative} 代替 {required}",
        "es": "allí se acepta {alternative} en lugar de {required}",
        "de": "dort wird {alternative} anstelle von {required} akzeptiert",
    },
    "recommended": {
        "en": "buyers there often also ask for {codes}",
        "zh": "当地买家通常还会要求 {codes}",
        "es": "los compradores allí suelen pedir también {codes}",
        "de": "Käufer dort verlangen oft zusätzlich {codes}",
    },
    "market_rules": {
        "en": "For {market} the required certifications are {required}",
        "zh": "{market}的强制认证为 {required}",
        "es": "Para {market} las certificaciones obligatorias son {required}",
        "de": "Für {market} sind folgende Zertifizierungen vorgeschrieben: {required}",
    },
    "cert_yes": {
        "en": "yes, it has {codes}",
        "zh": "有，具备 {codes}",
        "es": "sí, tiene {codes}",
        "de": "ja, er hat {codes}",
    },
    "cert_no": {
        "en": "it does not have {codes}",
        "zh": "没有 {codes}",
        "es": "no tiene {codes}",
        "de": "er hat kein {codes}",
    },
    "from_docs": {
        "en": "From our documentation: {excerpt}",
        "zh": "根据我们的资料：{excerpt}",
        "es": "Según nuestra documentación: {excerpt}",
        "de": "Laut unserer Dokumentation: {excerpt}",
    },
    "dont_know": {
        "en": "I don't know that from our documentation. I can ask a sales engineer to check and get back to you.",
        "zh": "我们的资料里没有这方面的信息。我可以请销售工程师核实后回复您。",
        "es": "No lo sé según nuestra documentación. Puedo pedir a un ingeniero de ventas que lo compruebe y le responda.",
        "de": "Das weiß ich aus unserer Dokumentation nicht. Ich kann einen Vertriebsingenieur bitten, es zu prüfen und sich bei Ihnen zu melden.",
    },
}

JOINERS = {"en": "; ", "zh": "；", "es": "; ", "de": "; "}


def language_of(language: str) -> str:
    code = language.lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else "en"


def say(key: str, language: str, **values: str) -> str:
    return TEMPLATES[key][language_of(language)].format(**values)


def label(attribute: str, language: str) -> str:
    return LABELS[attribute][language_of(language)]


def unit(name: str, language: str) -> str:
    return UNITS[name][language_of(language)]


def cite(sources: list[str], language: str) -> str:
    return say("cite", language, sources="; ".join(sources))


def join(parts: list[str], language: str) -> str:
    return JOINERS[language_of(language)].join(part for part in parts if part)
