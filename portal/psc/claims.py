"""What Vigie reads from a Pro Santé Connect identity (the userinfo claims).

The key is ``SubjectNameID``, the professional's national identifier (RPPS or ADELI based);
``sub`` is another opaque value and is never used. PSC gives no e-mail in its test
identities: none is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from practices.models import Job

# codeProfession of SubjectRefPro.exercices (ANS nomenclature TRE_G15 "ProfessionSante")
# to Vigie's jobs. Source: ANS nomenclatures des objets de santé (NOS), TRE_G15, checked
# 4 December 2026 — à valider against the current NOS release before production.
PROFESSION_TO_JOB = {
    "10": Job.DOCTOR,  # Médecin
    "40": Job.DENTIST,  # Chirurgien-dentiste
    "50": Job.MIDWIFE,  # Sage-femme
    "60": Job.NURSE,  # Infirmier
    "69": Job.NURSE,  # Infirmier psychiatrique
    "70": Job.PHYSIO,  # Masseur-kinésithérapeute
}

# Kept on the linked account (allauth's SocialAccount.extra_data): nothing else of the
# answer (structures, addresses) is stored.
KEPT = ("SubjectNameID", "given_name", "family_name", "codeProfession")


class MissingIdentifier(ValueError):
    """The answer carries no SubjectNameID."""


@dataclass(frozen=True)
class Identity:
    national_id: str
    first_name: str
    last_name: str
    profession_code: str

    @property
    def job(self) -> str:
        return PROFESSION_TO_JOB.get(self.profession_code, Job.OTHER)


def profession_code(userinfo: dict) -> str:
    """The first exercice's codeProfession ('' when absent)."""
    ref = userinfo.get("SubjectRefPro") or {}
    exercices = ref.get("exercices") if isinstance(ref, dict) else None
    for exercice in exercices or []:
        if isinstance(exercice, dict) and exercice.get("codeProfession"):
            return str(exercice["codeProfession"])
    return ""


def identity(userinfo: dict) -> Identity:
    national_id = str(userinfo.get("SubjectNameID") or "").strip()
    if not national_id:
        raise MissingIdentifier("SubjectNameID")
    return Identity(
        national_id=national_id,
        first_name=str(userinfo.get("given_name") or "").strip(),
        last_name=str(userinfo.get("family_name") or "").strip(),
        profession_code=profession_code(userinfo) or str(userinfo.get("codeProfession") or ""),
    )


def kept(userinfo: dict) -> dict:
    """The few claims stored with the link (data minimisation)."""
    who = identity(userinfo)
    return {
        "SubjectNameID": who.national_id,
        "given_name": who.first_name,
        "family_name": who.last_name,
        "codeProfession": who.profession_code,
    }
