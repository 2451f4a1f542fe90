from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """14 digits with a valid Luhn key (La Poste's SIRETs, 356000000xxxxx, sum to 5)."""
    digits = value.replace(" ", "")
    if len(digits) != 14 or not digits.isdigit():
        raise ValidationError(_("Le SIRET compte 14 chiffres."), code="siret_length")
    la_poste = digits.startswith("356000000") and sum(map(int, digits)) % 5 == 0
    if not (luhn_ok(digits) or la_poste):
        raise ValidationError(
            _("Ce SIRET n'est pas valide (clé de contrôle incorrecte). Vérifiez chaque chiffre."),
            code="siret_key",
        )


def validate_finess(value: str) -> None:
    """9 characters: digits, with 2A/2B for Corsica. The key is not checked (unconfirmed)."""
    finess = value.replace(" ", "").upper()
    numeric = finess[:2].replace("2A", "20").replace("2B", "20") + finess[2:]
    if len(finess) != 9 or not numeric.isdigit():
        raise ValidationError(
            _("Le numéro FINESS compte 9 chiffres (2A ou 2B pour la Corse)."),
            code="finess_format",
        )
