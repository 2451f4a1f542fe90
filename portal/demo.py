"""Demo data for ``manage.py seed_demo``: idempotent, never in production.

The base cast is built here; each space adds its records through its contract's ``demo``
(``seed(cast: DemoCast) -> None``), so the demo portal looks lived-in.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from portal import spaces
from practices.models import Membership, Oversight, Practice, Region

DEMO_PASSWORD = "Vigie-demo-2026!"

PRACTICES = [
    # slug, name, professions, region code, city
    ("cabinet-des-lilas", "Cabinet médical des Lilas", ["medecine_generale"], "11", "Paris"),
    (
        "kine-du-vieux-port",
        "Cabinet de kinésithérapie du Vieux-Port",
        ["kinesitherapeute"],
        "93",
        "Marseille",
    ),
    (
        "msp-des-calanques",
        "Maison de santé des Calanques",
        ["msp", "infirmier", "sage_femme"],
        "93",
        "Cassis",
    ),
]

PEOPLE = [
    # email, first, last, practice slug, role, job
    ("claire.martin@demo.vigie.fr", "Claire", "Martin", "cabinet-des-lilas", "admin", "medecin"),
    (
        "sophie.bernard@demo.vigie.fr",
        "Sophie",
        "Bernard",
        "cabinet-des-lilas",
        "staff",
        "secretaire",
    ),
    ("lucas.petit@demo.vigie.fr", "Lucas", "Petit", "cabinet-des-lilas", "staff", "remplacant"),
    ("marc.durand@demo.vigie.fr", "Marc", "Durand", "kine-du-vieux-port", "admin", "kine"),
    ("ines.moreau@demo.vigie.fr", "Inès", "Moreau", "kine-du-vieux-port", "staff", "assistant"),
    ("lucas.petit@demo.vigie.fr", "Lucas", "Petit", "kine-du-vieux-port", "staff", "remplacant"),
    ("nadia.leroy@demo.vigie.fr", "Nadia", "Leroy", "msp-des-calanques", "admin", "sage_femme"),
    ("julie.garnier@demo.vigie.fr", "Julie", "Garnier", "msp-des-calanques", "staff", "secretaire"),
    ("thomas.roux@demo.vigie.fr", "Thomas", "Roux", "msp-des-calanques", "staff", "infirmier"),
]
DELEGATE = ("paul.fournier@demo.vigie.fr", "Paul", "Fournier")
DELEGATE_PRACTICES = ["kine-du-vieux-port", "msp-des-calanques"]


@dataclass
class DemoCast:
    practices: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    delegate: object = None


def _user(email, first, last):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed() -> DemoCast:
    cast = DemoCast()
    for slug, name, professions, region_code, city in PRACTICES:
        cast.practices[slug], _ = Practice.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "professions": professions,
                "region": Region.objects.get(code=region_code),
                "city": city,
            },
        )
    for email, first, last, slug, role, job in PEOPLE:
        user = cast.users[email] = _user(email, first, last)
        Membership.objects.get_or_create(
            practice=cast.practices[slug], user=user, defaults={"role": role, "job": job}
        )
    cast.delegate = _user(*DELEGATE)
    for slug in DELEGATE_PRACTICES:
        Oversight.objects.get_or_create(
            practice=cast.practices[slug],
            delegate=cast.delegate,
            revoked_at=None,
            defaults={
                "granted_by": cast.practices[slug].memberships.filter(role="admin").first().user
            },
        )
    for space in spaces.SPACES:
        if space.demo is not None:
            space.demo(cast)
    return cast
