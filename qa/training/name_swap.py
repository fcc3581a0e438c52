"""Variants of a written training sentence with its names replaced by others of the same type
(``kgqa train relation-data --written-variants N``): the relation model learns the wording
("X was founded by Y") rather than the few names we wrote it with. A name that occurs twice
in a sentence gets the same replacement both times. People are a first name and a surname,
organisations a word and a kind of firm, works a title; places are real cities, regions and
countries; years are years. The combinations are made up.
"""

from __future__ import annotations

import random
import re
from typing import Any

from kgqa.kg.pronouns import is_anaphor

FIRST = (
    "Ada Aisha Alan Alejandro Amina Anders Annika Arjun Beatriz Bogdan Carmen Cecile Chen Dara "
    "Dmitri Eamon Elif Emeka Esther Fatima Florian Freya Gideon Hana Hector Ilse Imran Ingrid "
    "Isak Jalen Jana Joaquin Kaito Kamala Katya Kwabena Leila Leon Lorenzo Mads Malia Mateus "
    "Mira Nadia Niamh Nikolai Noor Oluwaseun Orsolya Pedro Petra Rania Ravi Rosa Sanna Soren "
    "Sung Tamar Teodor Thandiwe Ulla Valentina Viktor Wanjiru Yara Yusuf Zeynep Zoltan"
).split()
LAST = (
    "Abara Adler Alvarez Amundsen Bakker Barros Bianchi Brannigan Castellano Chowdhury Costa "
    "Dahl Dufresne Ekwueme Eriksson Farouk Fischer Gallo Grady Haugen Horvath Ibarra Iqbal "
    "Jansen Kaminski Keller Kimura Kovacs Lindahl Lopes Madsen Mahlangu Marchetti Mendez "
    "Moreau Nakagawa Novak Nyberg Obi Okonkwo Olsen Ortega Petrov Quinlan Rahman Reinholt "
    "Rossi Salazar Sandoval Schreiber Sorensen Szabo Tanaka Thorsen Ueda Varga Vidal Wekesa "
    "Winter Yilmaz Zielinski"
).split()
ORG_WORD = (
    "Amberline Ardent Bluefin Brackwater Calder Cobalt Copperleaf Driftwood Ember Falcon "
    "Fernhill Glacier Granite Halcyon Heron Ironbark Juniper Kestrel Larkspur Lodestar Marlin "
    "Meadowbrook Nimbus Northgate Oakmoor Orion Pinecrest Quarry Redwing Riverstone Saltmarsh "
    "Silverpine Stonebridge Summit Tamarind Thistle Upland Vantage Westmark Willow Zephyr"
).split()
ORG_KIND = (
    "Analytics Bank Biotech Brewing Capital Foods Freight Games Group Health Holdings Industries "
    "Insurance Labs Logistics Media Mills Motors Partners Pharma Records Robotics Shipping "
    "Software Studios Systems Textiles Tools"
).split()
ORG_BODY = (
    "Association Council Federation Institute Society Academy Union Alliance Foundation League"
).split()
ORG_FIELD = (
    "Engineers Architects Brewers Composers Pharmacists Shipowners Software Makers Surgeons "
    "Film Historians Chemists Textile Makers"
).split()
PLACE = (
    "Aalborg Accra Adelaide Antwerp Arequipa Asuncion Bilbao Bologna Bratislava Brno Bursa "
    "Calgary Cebu Chennai Cluj Cordoba Coimbra Cork Daegu Dundee Durban Eindhoven Fukuoka "
    "Gdansk Ghent Graz Halifax Hobart Innsbruck Izmir Kaunas Kisumu Krakow Kumasi Lausanne "
    "Leeds Lille Linz Lodz Lyon Malmo Mombasa Nantes Odense Oulu Porto Poznan Puebla Recife "
    "Riga Rosario Salta Seville Tampere Tartu Toulouse Trieste Turku Utrecht Valencia Windhoek "
    "Zaragoza"
).split()
COUNTRY = (
    "Argentina Austria Belgium Brazil Canada Chile Croatia Denmark Estonia Finland France Ghana "
    "Hungary Ireland Italy Japan Kenya Latvia Lithuania Mexico Namibia Nigeria Norway Peru "
    "Poland Portugal Scotland Slovakia Spain Sweden Turkey Wales"
).split()
TITLE_ADJ = "Silent Broken Golden Hollow Last Little Northern Quiet Red Salt Winter Wild".split()
TITLE_NOUN = (
    "Harbour Orchard River Garden Lantern Meadow Mirror Road Season Shore Tide Well".split()
)
PRODUCT = "Arc Atlas Beacon Cirrus Delta Echo Fjord Kite Lumen Nova Pike Quill Sable Tern".split()

_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_BODY_WORDS = tuple(ORG_BODY)


def _person(rng: random.Random, original: str) -> str:
    words = original.split()
    if len(words) == 1:  # a surname alone stays a surname alone
        return rng.choice(LAST)
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _org(rng: random.Random, original: str) -> str:
    if any(w in original for w in _BODY_WORDS) or original.split()[0] in ("Royal", "University"):
        where = rng.choice(COUNTRY) if rng.random() < 0.5 else "National"
        return f"{where} {rng.choice(ORG_BODY)} of {rng.choice(ORG_FIELD)}"
    if len(original.split()) == 1:
        return rng.choice(ORG_WORD)
    return f"{rng.choice(ORG_WORD)} {rng.choice(ORG_KIND)}"


def _place(rng: random.Random, original: str) -> str:
    return rng.choice(COUNTRY if rng.random() < 0.3 else PLACE)


def _work(rng: random.Random, original: str) -> str:
    if original.startswith("The "):
        return f"The {rng.choice(TITLE_ADJ)} {rng.choice(TITLE_NOUN)}"
    if len(original.split()) == 1:
        return rng.choice(PRODUCT)
    return f"{rng.choice(TITLE_ADJ)} {rng.choice(TITLE_NOUN)}"


def _other(rng: random.Random, original: str) -> str:
    return str(rng.randint(1900, 2023)) if _YEAR.match(original) else original


_MAKERS = {"Peop": _person, "Org": _org, "Loc": _place, "Work": _work, "Other": _other}


def swap_names(
    text: str, entities: list[dict[str, Any]], rng: random.Random
) -> tuple[str, list[dict[str, Any]]]:
    """``text`` with each marked entity's name replaced by a made-up one of its type, and the
    entities' character offsets moved with it (same order, same labels)."""
    chosen: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    out, moved, pos = "", [], 0
    for e in sorted(entities, key=lambda e: e["start"]):
        name = text[e["start"] : e["end"]]
        key = (name, e["label"])
        if is_anaphor(name):  # marked as whom it stands for, as ingestion hands it over: kept
            chosen[key] = name
        if key not in chosen:
            make = _MAKERS.get(e["label"], _other)
            new = make(rng, name)
            for _ in range(20):  # two different names stay two names
                if new not in taken or new == name:
                    break
                new = make(rng, name)
            chosen[key] = new
            taken.add(new)
        out += text[pos : e["start"]]
        moved.append({**e, "start": len(out), "end": len(out) + len(chosen[key])})
        out += chosen[key]
        pos = e["end"]
    out += text[pos:]
    order = sorted(range(len(entities)), key=lambda n: entities[n]["start"])
    result: list[dict[str, Any]] = [{}] * len(entities)
    for k, n in enumerate(order):
        result[n] = moved[k]
    return out, result
