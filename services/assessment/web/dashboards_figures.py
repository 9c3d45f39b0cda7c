"""le Cap's dashboard figures as the pages draw them: the API's `Dashboard` (`figures.dashboard`)
turned into charts (`shared.web.charts`) with French words. Pure functions: no query here."""

from __future__ import annotations

from services.assessment.read_models import Dashboard
from shared.web.charts import Bar, BarChart
from shared.web.filters import french_number

LEVEL_MAXIMUM = 4.0  # le Cap's levels run from 0 to 4
OVERALL = "all"


def stages_chart(dashboard: Dashboard) -> BarChart:
    return BarChart(
        title="Évaluations par étape",
        unit="évaluations",
        bars=[
            Bar("Commencées", dashboard.started),
            Bar("En cours de réponse", dashboard.in_progress),
            Bar("Soumises", dashboard.submitted),
            Bar("En relecture", dashboard.under_review),
            Bar("Relues", dashboard.reviewed),
            Bar("Validées", dashboard.validated),
        ],
        caption="« soumises », « relues » et « validées » : les évaluations qui ont franchi l'étape ; "
        "« en cours de réponse » et « en relecture » : celles qui y sont aujourd'hui",
        slug="etapes",
    )


def themes_chart(dashboard: Dashboard) -> BarChart:
    return BarChart(
        title="Niveau moyen par thème",
        unit="niveau moyen (0 à 4)",
        bars=[
            Bar(theme_label(t.code, t.title), t.score or 0.0, shown=french_number(t.score, 2)) for t in dashboard.themes
        ],
        maximum=LEVEL_MAXIMUM,
        caption="dernière évaluation validée de chaque adhérent actif",
        slug="niveaux-par-theme",
    )


def services_chart(dashboard: Dashboard) -> BarChart:
    return BarChart(
        title="Services de la fédération les plus demandés",
        unit="actions des plans",
        bars=[Bar(s.service_label, s.actions) for s in dashboard.services],
        caption="actions des plans de progrès (hors abandonnées) qui font appel à chaque service",
        slug="services",
    )


def theme_label(code: str, title: str) -> str:
    return "Ensemble" if code == OVERALL else f"{code}. {title}"
