# ruff: noqa: RUF001 - labels use the en dash (U+2013) of the printed slip, on purpose.
"""The words printed on receipts, in French and English, until they move into the catalogs.

Keys are the English message ids the gettext catalogs will use and values their fr-CA text,
so moving them is mechanical: each pair becomes a `msgid`/`msgstr` of
`fr_CA/LC_MESSAGES/rush.po` (and the key its own `msgstr` in `en`), and `french(key)` /
`text(locale, key)` become `gettext("fr-CA", key)` / `gettext(locale, key)`.
"""

from __future__ import annotations

from typing import Final

from rush.i18n import SUPPORTED_LOCALES

FRENCH: Final[dict[str, str]] = {
    # Relevé 24
    "RL-24 slip – Childcare expenses": "Relevé 24 – Frais de garde d'enfants",
    "Tax year": "Année",
    "Slip number": "Numéro du relevé",
    "Childcare services provider": "Fournisseur des services de garde",
    "Quebec enterprise number (NEQ) or business number": "NEQ ou numéro d'entreprise",
    "Individual who paid the childcare expenses": "Particulier qui a payé les frais de garde",
    "Social insurance number": "Numéro d'assurance sociale",
    "Child": "Enfant",
    "Date of birth": "Date de naissance",
    "Periods of care": "Périodes de garde",
    "From {start} to {end}": "Du {start} au {end}",
    "Box B – Number of days of care": "Case B – Nombre de jours de garde",
    "Box C – Childcare expenses paid": "Case C – Frais de garde payés",
    "Box D – Childcare expenses not eligible for the tax credit": (
        "Case D – Frais de garde ne donnant pas droit au crédit d'impôt"
    ),
    "Box E – Childcare expenses eligible for the tax credit": (
        "Case E – Frais de garde donnant droit au crédit d'impôt"
    ),
    "Document produced by the municipality for your tax returns": (
        "Document produit par la municipalité pour vos déclarations"
    ),
    "This document is not an official Revenu Québec form.": (
        "Ce document n'est pas un formulaire officiel de Revenu Québec."
    ),
    # Payment receipt
    "{label}: {value}": "{label} : {value}",
    "Payment receipt": "Reçu de paiement",
    "Receipt date": "Date du reçu",
    "Order number": "Numéro de commande",
    "Family": "Famille",
    "Registrations": "Inscriptions",
    "Person": "Personne",
    "Program": "Activité",
    "Group": "Groupe",
    "Amount": "Montant",
    "Order total": "Total de la commande",
    "Payments received": "Paiements reçus",
    "Instalment": "Versement",
    "Paid on": "Date du paiement",
    "Total paid": "Total payé",
    "Cancelled registrations": "Inscriptions annulées",
    "Refunds": "Remboursements",
    "Refund": "Remboursement",
    "Refunded on": "Remboursé le",
    "Total refunded": "Total remboursé",
    "Net paid": "Net payé",
    "Balance due": "Solde à payer",
    "Keep this receipt for your records.": "Conservez ce reçu pour vos dossiers.",
}


def supported(locale: str) -> str:
    """`locale` itself when receipts can be written in it; anything else is refused."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"locale {locale!r} is not one of {SUPPORTED_LOCALES}")
    return locale


def french(message: str) -> str:
    """The fr-CA text of `message`, the official wording of every receipt."""
    return FRENCH[message]


def text(locale: str, message: str) -> str:
    """`message` (an English message id) in `locale`."""
    return french(message) if supported(locale) == "fr-CA" else message
