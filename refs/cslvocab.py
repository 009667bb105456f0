"""The vocabularies BibLaTeX and CSL each use, side by side: types, roles, languages, strings.

Data only; `refs/csl.py` reads it. The entry types and their aliases are the BibLaTeX
manual's (§2.1), the CSL types and variables CSL 1.0.2's; the localisation keys are the
English strings of BibLaTeX's `english.lbx`, which a field such as `type = {techreport}`
names instead of spelling out.
"""

from __future__ import annotations

from collections.abc import Mapping

# BibLaTeX entry type (BibTeX's included) → CSL type. Unknown types are `document`.
ENTRY_TYPES: Mapping[str, str] = {
    "article": "article-journal",
    "suppperiodical": "article-journal",
    "periodical": "periodical",
    "book": "book",
    "mvbook": "book",
    "bookinbook": "book",
    "inbook": "chapter",
    "suppbook": "chapter",
    "booklet": "pamphlet",
    "collection": "book",
    "mvcollection": "book",
    "incollection": "chapter",
    "suppcollection": "chapter",
    "proceedings": "book",
    "mvproceedings": "book",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "reference": "book",
    "mvreference": "book",
    "inreference": "entry-encyclopedia",
    "manual": "report",
    "misc": "document",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "patent": "patent",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "unpublished": "manuscript",
    "dataset": "dataset",
    "software": "software",
    "standard": "standard",
    "review": "review",
    "artwork": "graphic",
    "image": "graphic",
    "audio": "song",
    "music": "song",
    "movie": "motion_picture",
    "video": "motion_picture",
    "performance": "performance",
    "jurisdiction": "legal_case",
    "legislation": "legislation",
    "legal": "treaty",
    "letter": "personal_communication",
    "commentary": "book",
}

# Types that are parts of something else: only they print a `booktitle` as their container.
CONTAINED_TYPES = frozenset(
    [
        "inbook",
        "bookinbook",
        "suppbook",
        "incollection",
        "suppcollection",
        "inproceedings",
        "conference",
        "inreference",
        "online",
        "misc",
    ]
)

# Entries that describe no work of their own: shared fields (`@xdata`) and BibTeX's
# file-level blocks; they never become a CSL item.
NOT_WORKS = frozenset({"xdata", "set"})

# BibLaTeX roles (`editortype`, `editoratype`…) → CSL name variable.
ROLES: Mapping[str, str] = {
    "editor": "editor",
    "compiler": "compiler",
    "founder": "contributor",
    "continuator": "contributor",
    "redactor": "editor",
    "reviser": "editor",
    "collaborator": "contributor",
    "organizer": "organizer",
    "director": "director",
    "translator": "translator",
    "chair": "chair",
    "curator": "curator",
    "illustrator": "illustrator",
    "narrator": "narrator",
    "performer": "performer",
    "producer": "producer",
    "host": "host",
    "interviewer": "interviewer",
    "composer": "composer",
}

# Name fields that always mean one CSL role.
NAME_FIELDS: Mapping[str, str] = {
    "author": "author",
    "translator": "translator",
    "bookauthor": "container-author",
    "holder": "contributor",
}

# BibLaTeX localisation keys (english.lbx) that a field may give as its value.
LOCALISATION_KEYS: Mapping[str, str] = {
    "techreport": "technical report",
    "resreport": "research report",
    "phdthesis": "PhD thesis",
    "bathesis": "Bachelor’s thesis",
    "mathesis": "Master’s thesis",
    "mastersthesis": "Master’s thesis",
    "candthesis": "Candidate thesis",
    "software": "computer software",
    "datacd": "CD-ROM",
    "audiocd": "audio CD",
    "newseries": "new series",
    "oldseries": "old series",
    "inpress": "in press",
    "forthcoming": "forthcoming",
    "submitted": "submitted",
    "inpreparation": "in preparation",
    "prepublished": "pre-published",
    "patent": "patent",
    "patentde": "German patent",
    "patenteu": "European patent",
    "patentfr": "French patent",
    "patentuk": "British patent",
    "patentus": "U.S. patent",
    "patreq": "patent request",
    "patreqde": "German patent request",
    "patreqeu": "European patent request",
    "patreqfr": "French patent request",
    "patrequk": "British patent request",
    "patrequs": "U.S. patent request",
    "countryde": "Germany",
    "countryeu": "European Union",
    "countryep": "European Union",
    "countryfr": "France",
    "countryuk": "United Kingdom",
    "countryus": "United States of America",
}

# The genre a BibTeX thesis type implies when it has no `type` field.
THESIS_GENRES: Mapping[str, str] = {
    "phdthesis": "phdthesis",
    "mastersthesis": "mathesis",
    "techreport": "techreport",
}

# Babel and polyglossia language names (`langid`, `hyphenation`, `language`) and the
# English names people write in `language`, as BCP 47 tags. citeproc-js title-cases only
# items in English, so a German title keeps its capitals once its language is known.
LANGUAGES: Mapping[str, str] = {
    "english": "en",
    "american": "en-US",
    "usenglish": "en-US",
    "british": "en-GB",
    "ukenglish": "en-GB",
    "canadian": "en-CA",
    "australian": "en-AU",
    "newzealand": "en-NZ",
    "german": "de-DE",
    "ngerman": "de-DE",
    "austrian": "de-AT",
    "naustrian": "de-AT",
    "swissgerman": "de-CH",
    "nswissgerman": "de-CH",
    "french": "fr-FR",
    "francais": "fr-FR",
    "français": "fr-FR",
    "acadian": "fr-CA",
    "canadien": "fr-CA",
    "italian": "it-IT",
    "spanish": "es-ES",
    "catalan": "ca-AD",
    "portuguese": "pt-PT",
    "portuges": "pt-PT",
    "brazil": "pt-BR",
    "brazilian": "pt-BR",
    "dutch": "nl-NL",
    "russian": "ru-RU",
    "ukrainian": "uk-UA",
    "belarusian": "be-BY",
    "polish": "pl-PL",
    "czech": "cs-CZ",
    "slovak": "sk-SK",
    "slovene": "sl-SI",
    "slovenian": "sl-SI",
    "croatian": "hr-HR",
    "serbian": "sr-Latn-RS",
    "serbianc": "sr-Cyrl-RS",
    "bulgarian": "bg-BG",
    "macedonian": "mk-MK",
    "greek": "el-GR",
    "polutonikogreek": "el-GR",
    "latin": "la",
    "swedish": "sv-SE",
    "norsk": "nb-NO",
    "norwegian": "nb-NO",
    "bokmal": "nb-NO",
    "nynorsk": "nn-NO",
    "danish": "da-DK",
    "finnish": "fi-FI",
    "estonian": "et-EE",
    "latvian": "lv-LV",
    "lithuanian": "lt-LT",
    "hungarian": "hu-HU",
    "magyar": "hu-HU",
    "romanian": "ro-RO",
    "turkish": "tr-TR",
    "hebrew": "he-IL",
    "arabic": "ar",
    "persian": "fa-IR",
    "farsi": "fa-IR",
    "chinese": "zh-CN",
    "japanese": "ja-JP",
    "korean": "ko-KR",
    "vietnamese": "vi-VN",
    "icelandic": "is-IS",
    "irish": "ga-IE",
    "welsh": "cy-GB",
    "basque": "eu",
    "galician": "gl-ES",
    "albanian": "sq-AL",
    "armenian": "hy-AM",
    "georgian": "ka-GE",
    "hindi": "hi-IN",
    "thai": "th-TH",
    "indonesian": "id-ID",
    "malay": "ms-MY",
    "esperanto": "eo",
    "afrikaans": "af-ZA",
}

# Fields that hold a URL, a DOI or other verbatim text: never read as LaTeX.
VERBATIM_FIELDS = frozenset(
    [
        "url",
        "urlraw",
        "doi",
        "eprint",
        "file",
        "pdf",
        "verba",
        "verbb",
        "verbc",
    ]
)

# Where an `eprint` of a given `eprinttype` (or arXiv's `archiveprefix`) can be found.
EPRINT_URLS: Mapping[str, str] = {
    "arxiv": "https://arxiv.org/abs/{}",
    "hdl": "https://hdl.handle.net/{}",
    "handle": "https://hdl.handle.net/{}",
    "jstor": "https://www.jstor.org/stable/{}",
    "googlebooks": "https://books.google.com/books?id={}",
    "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/{}",
}
# `eprinttype`s that CSL has a variable of its own for.
EPRINT_VARIABLES: Mapping[str, str] = {"pubmed": "PMID", "pmid": "PMID", "pmcid": "PMCID"}
