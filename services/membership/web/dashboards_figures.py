"""The register's dashboard figures as the pages draw them: the API's dashboards (`queries`) turned
into charts (`shared.web.charts`) and rows, with the words of the network (forms, certifications,
the activity report's map buckets). Pure functions of the read models' answers: no query here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.membership.figures import map_bucket
from services.membership.read_models import Dashboard, NetworkDashboard, Region
from shared.web.charts import Bar, BarChart, Gauge

# The forms as the network names them (short: they label bars), in the activity report's order.
FORM_WORDS = {
    "AI": "AI",
    "ACI": "ACI",
    "ETTI": "ETTI",
    "ETT-ESS": "ETT-ESS",
    "EI": "EI",
    "GES": "GES",
    "OSP": "OSP",
    "other": "Autres",
}
FORM_NAMES = {
    "AI": "Association intermédiaire",
    "ACI": "Atelier et chantier d'insertion",
    "ETTI": "Entreprise de travail temporaire d'insertion",
    "ETT-ESS": "Entreprise de travail temporaire de l'économie sociale et solidaire",
    "EI": "Entreprise d'insertion",
    "GES": "Groupe économique solidaire",
    "OSP": "Organisme de services à la personne",
    "other": "Autre forme",
}
SCHEME_WORDS = {"CEDRE": "CEDRE", "CEDRE_ISO_9001": "CEDRE et ISO 9001"}
NOT_CERTIFIED = "Sans certification"
STATUS_WORDS = {"active": "adhérente", "resigned": "démissionnaire", "excluded": "exclue"}

# The activity report's map legend (`figures.map_bucket`'s values), smallest first, each with its
# colour: one blue, lighter to darker, so the order reads without the legend (contrast on white ≥ 3:1
# from the second step; the lightest has a dark outline in the legend).
BUCKETS: tuple[tuple[str, str, str], ...] = (
    ("none", "aucun adhérent", "#d9d9d9"),
    ("1 to 15", "1–15", "#9ecae1"),
    ("15 to 30", "15–30", "#4292c6"),
    ("30 to 60", "30–60", "#2171b5"),
    ("more than 60", "plus de 60", "#08306b"),
)
# A longer region name does not fit left of the bars (Alsace-Champagne-Ardenne-Lorraine): its code
# labels the bar, and the table beside the chart names it in full.
LABEL_LENGTH = 26
BUCKET_WORDS = {key: words for key, words, _ in BUCKETS}
BUCKET_COLOURS = {key: colour for key, _, colour in BUCKETS}


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    members: int
    bucket: str  # the map bucket's words
    colour: str
    overseas: bool


def region_rows(counts: Mapping[str, int], regions: Sequence[Region]) -> list[RegionRow]:
    """Each region with its active members and its bucket, the largest first (then by name)."""
    known = {r.code: r for r in regions}
    rows = []
    for code, members in counts.items():
        region = known.get(code)
        bucket = map_bucket(members)
        rows.append(
            RegionRow(
                code=code,
                name=region.name if region else code,
                members=members,
                bucket=BUCKET_WORDS[bucket],
                colour=BUCKET_COLOURS[bucket],
                overseas=bool(region and region.overseas),
            )
        )
    return sorted(rows, key=lambda r: (-r.members, r.name))


def members_per_region_chart(rows: Sequence[RegionRow]) -> BarChart:
    return BarChart(
        title="Adhérents par région",
        unit="adhérents actifs",
        bars=[Bar(r.name if len(r.name) <= LABEL_LENGTH else r.code, r.members, colour=r.colour) for r in rows],
        caption="couleur selon la tranche de la carte du rapport d'activité",
        slug="adherents-par-region",
    )


def buckets_chart(dashboard: NetworkDashboard) -> BarChart:
    return BarChart(
        title="Régions par tranche",
        unit="régions",
        bars=[
            Bar(words, dashboard.regions_per_bucket.get(key, 0), colour=colour)
            for key, words, colour in reversed(BUCKETS)
            if key != "none" or dashboard.regions_per_bucket.get(key)
        ],
        slug="regions-par-tranche",
    )


def forms_chart(dashboard: Dashboard) -> BarChart:
    return BarChart(
        title="Adhérents par forme principale",
        unit="adhérents actifs",
        bars=[Bar(FORM_WORDS.get(form, form), n) for form, n in _ordered(dashboard.by_form, FORM_WORDS)],
        slug="adherents-par-forme",
    )


def carried_forms_chart(dashboard: Dashboard) -> BarChart:
    return BarChart(
        title="Formes portées (principale ou non)",
        unit="adhérents actifs",
        bars=[Bar(FORM_WORDS.get(form, form), n) for form, n in _ordered(dashboard.by_carried_form, FORM_WORDS)],
        caption="un adhérent qui porte deux formes compte dans chacune",
        slug="formes-portees",
    )


def certifications_chart(dashboard: Dashboard) -> BarChart:
    certified = sum(dashboard.certified.values())
    bars = [Bar(words, dashboard.certified.get(scheme, 0)) for scheme, words in SCHEME_WORDS.items()]
    bars.append(Bar(NOT_CERTIFIED, max(dashboard.active_members - certified, 0), colour="#767676"))
    return BarChart(title="Certifications", unit="adhérents actifs", bars=bars, slug="certifications")


def accord_groupe_gauge(dashboard: Dashboard) -> Gauge:
    return Gauge(
        title="Accord Groupe",
        total=dashboard.active_members,
        parts=[Bar("Dans l'Accord Groupe", dashboard.accord_groupe)],
        rest_label="hors Accord Groupe",
    )


def statuses(dashboard: Dashboard) -> list[tuple[str, int]]:
    return [(STATUS_WORDS.get(s, s), n) for s, n in _ordered(dashboard.by_status, STATUS_WORDS)]


def _ordered(counts: Mapping[str, int], order: Mapping[str, str]) -> list[tuple[str, int]]:
    """The counts in the vocabulary's order, then any key it does not know."""
    known = [(key, counts[key]) for key in order if key in counts]
    return known + sorted((key, n) for key, n in counts.items() if key not in order)
