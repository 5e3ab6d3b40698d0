"""The table of country spellings (`engine/model/data/countries.json`), derived from pycountry's ISO 3166 data.

Spellings: the alpha-2 and alpha-3 codes, and the short, official and common names in English and in French
(pycountry's ISO 3166 data and translations), folded (`fold_country`), with and without accents; each leads to the
ISO 3166 English short name. A spelling that would name two countries is left out. The table is written once, when
pycountry changes (`python -m engine.model.country_table`); reading profiles uses the written table, and a test derives
it again and compares.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.model.profile import COUNTRY_TABLE, fold_country, without_accents


def derive_country_names() -> dict[str, str]:
    """Every folded spelling to its country, in the order pycountry lists the countries (suggestions for a misspelt
    country break ties by that order)."""
    import gettext

    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    names: dict[str, str] = {}
    ambiguous: set[str] = set()
    for country in pycountry.countries:
        english = [n for n in (country.name, getattr(country, "official_name", None),
                               getattr(country, "common_name", None)) if n]
        for spelling in (country.alpha_2, country.alpha_3, *english, *(french.gettext(n) for n in english)):
            folded = fold_country(spelling)
            for key in (folded, without_accents(folded)):
                if names.setdefault(key, country.name) != country.name:
                    ambiguous.add(key)
    return {key: country for key, country in names.items() if key not in ambiguous}


def table_text() -> str:
    return json.dumps(derive_country_names(), indent=0, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    (Path(__file__).parent / "data" / COUNTRY_TABLE).write_text(table_text(), encoding="utf-8")
