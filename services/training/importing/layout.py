"""The layout of a past call's file: one sheet per kind of record (XLSX), or one CSV whose `fiche`
column names the sheet a row belongs to (the other columns are the union of the sheets' columns;
a row fills only its sheet's). Headers and values are in French: the file is written by staff.

`SHEETS` is the documented column list; `write_template` makes the empty template from it, so the
template and the reader cannot disagree.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

KIND_COLUMN = "fiche"


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = True


@dataclass(frozen=True)
class Sheet:
    name: str
    help: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, help: str, required: bool = True) -> Column:
    return Column(name, help, required)


DATE = "date (AAAA-MM-JJ ou JJ/MM/AAAA)"
EUROS = "montant en euros (1250.50)"

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "appel",
        "les termes de l'appel et les actes de l'équipe nationale sur l'appel (une seule ligne)",
        (
            _c("annee", "année de l'appel (2012)"),
            _c("libelle", "libellé distinguant plusieurs appels d'une année (vide : l'appel de l'année)", False),
            _c("titre", "titre de l'appel"),
            _c("fonds_mutualise", f"fonds mutualisé dont l'enveloppe est tirée, {EUROS}"),
            _c("enveloppe", f"enveloppe initiale, {EUROS}"),
            _c("ouverture", f"ouverture de l'appel, {DATE}"),
            _c("cloture", f"date limite de dépôt, {DATE}"),
            _c("accord_groupe_requis", "oui / non"),
            _c("parcours_insertion_requis", "oui / non"),
            _c("taux_max", "taux de cofinancement maximal (0.50)"),
            _c("taux_prioritaire", "taux de cofinancement des formations prioritaires (0.70)"),
            _c("plafond_stagiaire", f"plafond du cofinancement par stagiaire, {EUROS}"),
            _c("formations_prioritaires", "intitulés des formations prioritaires, séparés par « ; »", False),
            _c("clos_le", f"clôture enregistrée le, {DATE}"),
            _c("publie_le", f"publication des résultats, {DATE} (vide : pas encore publiés)", False),
            _c("agent", "identifiant de l'agent de l'équipe nationale qui a ouvert, clos et publié l'appel"),
        ),
    ),
    Sheet(
        "critere",
        "la grille de notation (une ligne par critère)",
        (
            _c("code", "code du critère (pertinence)"),
            _c("intitule", "intitulé du critère"),
            _c("poids", "poids (entier)"),
        ),
    ),
    Sheet(
        "abondement",
        "les abondements de l'enveloppe (une ligne chacun)",
        (
            _c("montant", EUROS),
            _c("motif", "motif (abondement du partenaire du fonds…)"),
            _c("le", DATE),
            _c("agent", "agent de l'équipe nationale qui l'a enregistré"),
        ),
    ),
    Sheet(
        "candidature",
        "les candidatures reçues (une ligne chacune)",
        (
            _c("ref", "référence de la candidature dans ce fichier (C01) : les autres fiches la nomment"),
            _c("porteur", "entreprise porteuse : identifiant d'adhérent au registre"),
            _c("partenaires", "entreprises partenaires (identifiants d'adhérent séparés par « ; »)", False),
            _c("titre", "titre du projet"),
            _c("resume", "résumé du projet", False),
            _c("demande", f"cofinancement demandé, {EUROS}"),
            _c("redigee_le", f"date du brouillon, {DATE}"),
            _c("deposee_le", f"date de dépôt, {DATE}"),
            _c("agent", "agent de l'équipe nationale qui l'a enregistrée"),
        ),
    ),
    Sheet(
        "formation",
        "les formations de chaque candidature (une ligne par formation, dans l'ordre du dossier)",
        (
            _c("ref", "référence de la candidature"),
            _c("entreprise", "entreprise dont les salariés sont formés (vide : le porteur)", False),
            _c("intitule", "intitulé de la formation"),
            _c("prioritaire", "oui / non : une des formations prioritaires de l'appel"),
            _c("heures", "durée en heures (entier)"),
            _c("stagiaires", "nombre de stagiaires (entier)"),
            _c("cout", f"coût, {EUROS}"),
            _c("parcours_insertion", "oui / non : stagiaires en parcours d'insertion"),
        ),
    ),
    Sheet(
        "note",
        "les notes (une ligne par candidature, évaluateur et critère de la grille)",
        (
            _c("ref", "référence de la candidature"),
            _c("evaluateur", "identifiant de l'évaluateur"),
            _c("critere", "code du critère"),
            _c("note", "note de 0 à 5"),
            _c("commentaire", "commentaire de l'évaluateur", False),
            _c("le", f"date de la notation, {DATE} (la même pour toutes les notes d'un évaluateur)"),
        ),
    ),
    Sheet(
        "decision",
        "les décisions et leur revue à quatre yeux, dans l'ordre où elles ont eu lieu",
        (
            _c("ref", "référence de la candidature"),
            _c("acte", "attribution, rejet (décisions), approbation ou renvoi (revue par une autre personne)"),
            _c("montant", f"montant attribué, {EUROS} (attribution seulement)", False),
            _c("motif", "motif de la décision ou commentaire de la revue (requis : rejet, renvoi)", False),
            _c("par", "agent qui a décidé ou revu"),
            _c("le", DATE),
        ),
    ),
    Sheet(
        "realise",
        "le réalisé déclaré (une ligne par formation réalisée)",
        (
            _c("ref", "référence de la candidature"),
            _c("formation", "numéro de la formation dans la candidature (1 pour la première)"),
            _c("stagiaires", "stagiaires formés (entier)"),
            _c("heures", "heures réalisées (entier)"),
            _c("cout", f"coût réel, {EUROS}"),
            _c("le", f"date de la déclaration, {DATE} (la même pour les formations d'une candidature)"),
        ),
    ),
    Sheet(
        "solde",
        "le solde versé (une ligne par candidature soldée)",
        (
            _c("ref", "référence de la candidature"),
            _c("le", DATE),
            _c("agent", "agent de l'équipe nationale qui a soldé"),
        ),
    ),
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}


def csv_columns() -> list[str]:
    """The CSV's header: `fiche`, then every sheet's columns once, in order of first use."""
    names: list[str] = [KIND_COLUMN]
    for sheet in SHEETS:
        names += [n for n in sheet.names if n not in names]
    return names


def write_template(path: Path) -> None:
    """An empty file of the layout: XLSX (one sheet per record kind, a header row) or CSV."""
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerow(csv_columns())
        return
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        book.create_sheet(sheet.name).append(list(sheet.names))
    help_sheet = book.create_sheet("aide")
    help_sheet.append(["fiche", "colonne", "obligatoire", "contenu"])
    for sheet in SHEETS:
        help_sheet.append([sheet.name, "", "", sheet.help])
        for column in sheet.columns:
            help_sheet.append([sheet.name, column.name, "oui" if column.required else "non", column.help])
    book.save(path)


def columns_markdown() -> str:
    """The documented column list (the note and the README quote it)."""
    lines = []
    for sheet in SHEETS:
        lines.append(f"**{sheet.name}**: {sheet.help}\n")
        lines.append("| colonne | obligatoire | contenu |\n|---|---|---|")
        lines += [f"| `{c.name}` | {'oui' if c.required else 'non'} | {c.help} |" for c in sheet.columns]
        lines.append("")
    return "\n".join(lines)


def write_records(path: Path, records: dict[str, list[dict[str, object]]]) -> None:
    """A file of the layout holding these records (sheet name → rows of column → value): XLSX or
    CSV by the path's suffix. The example file and the tests are written with it."""
    if path.suffix.lower() == ".csv":
        columns = csv_columns()
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, columns)
            writer.writeheader()
            for sheet in SHEETS:
                for record in records.get(sheet.name, []):
                    writer.writerow({KIND_COLUMN: sheet.name, **{k: _text(v) for k, v in record.items()}})
        return
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        rows = book.create_sheet(sheet.name)
        rows.append(list(sheet.names))
        for record in records.get(sheet.name, []):
            rows.append([record.get(n) for n in sheet.names])
    book.save(path)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)
