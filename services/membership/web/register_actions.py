"""The forms that change a member, one per command of `api/member_commands.py`, each with the same
use case and the same values as its API handler, and its effective date (today in Paris unless typed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from services.membership.domain.member import Certification, CertificationScope, Scheme
from services.membership.read_models import MemberRecord
from services.membership.web.home import dues_rows
from services.membership.web.register_common import SCHEME_WORDS, SCOPE_WORDS, Values, forms_of
from services.membership.web.register_forms import Field, MemberForm
from shared.as_of import today_in_paris
from shared.eventstore import CommandResult
from shared.personal import PersonalDetails
from shared.values import check_money

Call = Callable[[Any, int], CommandResult]

EFFECTIVE = Field("date_effet", "Date d'effet", "date", hint="La date à laquelle le changement prend effet.")
REASON = Field("motif", "Motif", "textarea", hint="Pourquoi ce changement est enregistré (2 000 caractères au plus).")
YEAR = Field("annee", "Année de cotisation", "number")
AMOUNT = Field("montant", "Montant en euros", hint="Par exemple 1200 ou 1200,50.")


def _today(**values: Any) -> Callable[[MemberRecord], dict[str, Any]]:
    def prefill(record: MemberRecord) -> dict[str, Any]:
        return {"date_effet": today_in_paris().isoformat(), **values}

    return prefill


def _id(record: MemberRecord) -> UUID:
    return UUID(record.member_id)


def _effective(values: Values) -> date:
    return values.day("date_effet", "la date d'effet")


# --- details, forms, region ----------------------------------------------------------------------


def _details_now(record: MemberRecord) -> dict[str, Any]:
    contact = record.contact or {}
    return {
        "nom": record.name,
        "ville": record.city,
        "contact_nom": contact.get("name", ""),
        "contact_courriel": contact.get("email", ""),
        "contact_telephone": contact.get("phone") or "",
        "date_effet": today_in_paris().isoformat(),
    }


def contact_of(values: Values) -> PersonalDetails:
    return PersonalDetails(
        name=values.required("contact_nom", "Indiquez le nom de la personne à contacter."),
        email=values.required("contact_courriel", "Indiquez l'adresse électronique du contact."),
        phone=values.required("contact_telephone", "Indiquez le numéro de téléphone du contact."),
    )


def _details(values: Values, record: MemberRecord) -> Call:
    name = values.required("nom", "Indiquez le nom de l'entreprise.")
    city = values.required("ville", "Indiquez la ville du siège.")
    contact, day = contact_of(values), _effective(values)
    return lambda app, version: app.change_details(
        _id(record), name=name, contact=contact, city=city, effective_on=day, expected_version=version
    )


DETAILS = MemberForm(
    slug="coordonnees",
    title="Changer le nom, le contact ou la ville",
    intro="Les trois valeurs telles qu'elles devront se lire à partir de la date d'effet.",
    fields=(
        Field("nom", "Nom de l'entreprise", autocomplete="organization"),
        Field("ville", "Ville du siège", autocomplete="address-level2"),
        Field("contact_nom", "Nom du contact", autocomplete="name"),
        Field("contact_courriel", "Courriel du contact", "email", autocomplete="email"),
        Field("contact_telephone", "Téléphone du contact", "tel", autocomplete="tel"),
        EFFECTIVE,
    ),
    prefill=_details_now,
    send=_details,
    command="change_details",
    notice="Le nom, le contact et la ville sont enregistrés.",
    button="Enregistrer",
)


def _forms(values: Values, record: MemberRecord) -> Call:
    forms, reason, day = forms_of(values), values.text("motif"), _effective(values)
    return lambda app, version: app.change_forms(
        _id(record), forms=forms, effective_on=day, reason=reason, expected_version=version
    )


FORMS = MemberForm(
    slug="formes",
    title="Changer les formes",
    intro="Les formes du membre à partir de la date d'effet (ou la correction de formes mal saisies).",
    fields=(Field("forme_principale", "Forme principale", "forms"), REASON, EFFECTIVE),
    prefill=lambda r: {
        "forme_principale": r.forms[0] if r.forms else "",
        "formes": list(r.forms[1:]),
        "date_effet": today_in_paris().isoformat(),
    },
    send=_forms,
    command="change_forms",
    notice="Les formes sont enregistrées.",
    button="Enregistrer les formes",
)


def _region(values: Values, record: MemberRecord) -> Call:
    region = values.required("region", "Choisissez la région.")
    reason, day = values.text("motif"), _effective(values)
    return lambda app, version: app.move_to_region(
        _id(record), region=region, effective_on=day, reason=reason, expected_version=version
    )


REGION = MemberForm(
    slug="region",
    title="Changer de région",
    intro="Le membre rejoint une région active à la date d'effet.",
    fields=(Field("region", "Nouvelle région", "select", options="regions"), REASON, EFFECTIVE),
    prefill=lambda r: {"region": r.region, "date_effet": today_in_paris().isoformat()},
    send=_region,
    command="move_to_region",
    notice="Le changement de région est enregistré.",
    button="Enregistrer la région",
)

# --- certification -------------------------------------------------------------------------------


def _certification_now(record: MemberRecord) -> dict[str, Any]:
    current = record.certification or {}
    today = today_in_paris()
    try:
        expires = today.replace(year=today.year + 3)
    except ValueError:  # 29 February
        expires = today.replace(year=today.year + 3, day=28)
    return {
        "certification": current.get("scheme", Scheme.CEDRE.value),
        "portee": current.get("scope", CertificationScope.INDIVIDUAL.value),
        "groupe": current.get("group_id") or "",
        "date_effet": today.isoformat(),
        "expire_le": expires.isoformat(),
    }


def _certify(values: Values, record: MemberRecord) -> Call:
    certification = Certification(
        scheme=values.required("certification", "Choisissez la certification."),
        scope=values.text("portee") or CertificationScope.INDIVIDUAL.value,
        obtained_on=values.day("date_effet", "la date d'obtention"),
        expires_on=values.day("expire_le", "la date d'expiration"),
        group_id=values.text("groupe") or None,
    )
    return lambda app, version: app.certify(_id(record), certification=certification, expected_version=version)


CERTIFY = MemberForm(
    slug="certification",
    title="Enregistrer une certification",
    intro="Le certificat CEDRE obtenu par le membre ; il prend effet à sa date d'obtention.",
    fields=(
        Field("certification", "Certification", "radios", options="schemes"),
        Field("portee", "Portée", "radios", options="scopes"),
        Field(
            "groupe",
            "Identifiant du certificat collectif",
            hint="Obligatoire pour une certification collective : le certificat partagé par plusieurs membres.",
            required=False,
        ),
        Field("date_effet", "Date d'obtention", "date", hint="La certification prend effet à cette date."),
        Field(
            "expire_le", "Date d'expiration", "date", hint="Postérieure à la date d'obtention (trois ans en général)."
        ),
    ),
    prefill=_certification_now,
    send=_certify,
    command="certify",
    notice="La certification est enregistrée.",
    button="Enregistrer la certification",
    choices=lambda r: {"schemes": list(SCHEME_WORDS.items()), "scopes": list(SCOPE_WORDS.items())},
)


def _lose(values: Values, record: MemberRecord) -> Call:
    reason, day = values.text("motif"), _effective(values)
    return lambda app, version: app.lose_certification(
        _id(record), effective_on=day, reason=reason, expected_version=version
    )


LOSE = MemberForm(
    slug="certification/perte",
    title="Enregistrer la perte de la certification",
    intro="Le membre ne détient plus son certificat à partir de la date d'effet.",
    fields=(REASON, EFFECTIVE),
    prefill=_today(),
    send=_lose,
    command="lose_certification",
    notice="La perte de la certification est enregistrée.",
    button="Enregistrer la perte",
    warning=True,
)

# --- dues ----------------------------------------------------------------------------------------


def _last_called(record: MemberRecord) -> str:
    rows = dues_rows(record.dues or {})
    return f"{rows[0]['called']:.2f}".replace(".", ",") if rows else ""


def _first_due(record: MemberRecord) -> dict[str, Any]:
    """The oldest year with something left to pay, and what is left."""
    for row in reversed(dues_rows(record.dues or {})):
        if row["due"] > 0:
            return {"annee": row["year"], "montant": f"{row['due']:.2f}".replace(".", ",")}
    return {"annee": str(today_in_paris().year), "montant": ""}


def _dues(use_case: str) -> Callable[[Values, MemberRecord], Call]:
    def send(values: Values, record: MemberRecord) -> Call:
        year, text, day = values.year("annee"), values.amount("montant"), _effective(values)
        # As the API's handler: a spelling that is not money is refused beside the field (InvalidInput).
        amount = check_money(text, "amount") if text else Decimal(0)
        return lambda app, version: getattr(app, use_case)(
            _id(record), year=year, amount=amount, effective_on=day, expected_version=version
        )

    return send


DUES_CALLED = MemberForm(
    slug="cotisations/appel",
    title="Enregistrer l'appel de cotisation",
    intro="Le montant de la cotisation appelée auprès du membre pour une année (une fois par année).",
    fields=(YEAR, AMOUNT, EFFECTIVE),
    prefill=lambda r: {
        "annee": str(today_in_paris().year),
        "montant": _last_called(r),
        "date_effet": today_in_paris().isoformat(),
    },
    send=_dues("call_dues"),
    command="call_dues",
    notice="L'appel de cotisation est enregistré.",
    button="Enregistrer l'appel",
)

DUES_PAID = MemberForm(
    slug="cotisations/paiement",
    title="Enregistrer un paiement de cotisation",
    intro="Un paiement de la cotisation d'une année ; les paiements d'une année ne dépassent jamais l'appel.",
    fields=(YEAR, AMOUNT, Field("date_effet", "Date du paiement", "date")),
    prefill=lambda r: {**_first_due(r), "date_effet": today_in_paris().isoformat()},
    send=_dues("pay_dues"),
    command="pay_dues",
    notice="Le paiement est enregistré.",
    button="Enregistrer le paiement",
)

# --- Accord Groupe, resignation, exclusion, reinstatement ---------------------------------------


def _accord(values: Values, record: MemberRecord) -> Call:
    day = _effective(values)
    leaving = values.text("sens") == "sortie"
    if leaving:
        return lambda app, version: app.leave_accord_groupe(_id(record), effective_on=day, expected_version=version)
    return lambda app, version: app.join_accord_groupe(_id(record), effective_on=day, expected_version=version)


ACCORD_GROUPE = MemberForm(
    slug="accord-groupe",
    title="Accord Groupe COORACE – AGEFOS PME",
    intro="L'entrée du membre dans l'Accord Groupe, ou sa sortie, à la date d'effet.",
    fields=(EFFECTIVE,),
    prefill=lambda r: {
        "date_effet": today_in_paris().isoformat(),
        "sens": "sortie" if r.accord_groupe_since else "entree",
    },
    send=_accord,
    command="accord_groupe",
    notice="L'Accord Groupe est à jour.",
    button="Enregistrer",
)


def _status_change(use_case: str) -> Callable[[Values, MemberRecord], Call]:
    def send(values: Values, record: MemberRecord) -> Call:
        reason, day = values.text("motif"), _effective(values)
        return lambda app, version: getattr(app, use_case)(
            _id(record), effective_on=day, reason=reason, expected_version=version
        )

    return send


RESIGN = MemberForm(
    slug="demission",
    title="Enregistrer la démission",
    intro="Le membre quitte la fédération à la date d'effet.",
    fields=(REASON, EFFECTIVE),
    prefill=_today(),
    send=_status_change("resign"),
    command="resign",
    notice="La démission est enregistrée.",
    button="Enregistrer la démission",
    warning=True,
)

EXCLUDE = MemberForm(
    slug="exclusion",
    title="Enregistrer l'exclusion",
    intro="L'exclusion du membre décidée par le conseil d'administration, avec son motif, à la date d'effet.",
    fields=(REASON, EFFECTIVE),
    prefill=_today(),
    send=_status_change("exclude"),
    command="exclude",
    notice="L'exclusion est enregistrée.",
    button="Enregistrer l'exclusion",
    warning=True,
)

REINSTATE = MemberForm(
    slug="reintegration",
    title="Réintégrer le membre",
    intro="Un membre démissionnaire ou exclu redevient adhérent à la date d'effet.",
    fields=(REASON, EFFECTIVE),
    prefill=_today(),
    send=_status_change("reinstate"),
    command="reinstate",
    notice="La réintégration est enregistrée.",
    button="Réintégrer",
)

MEMBER_FORMS = (
    DETAILS,
    FORMS,
    REGION,
    CERTIFY,
    LOSE,
    DUES_CALLED,
    DUES_PAID,
    ACCORD_GROUPE,
    RESIGN,
    EXCLUDE,
    REINSTATE,
)
