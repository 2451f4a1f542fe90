"""The 3-2-1 badge: 3 copies, 2 different media, 1 off site, and a restore test that
worked within the last quarter (seed: "avoir des sauvegardes testées et à jour")."""

from dataclasses import dataclass
from datetime import date, timedelta

from practices.checklists.models import BackupCopy, RestoreTest

QUARTER = timedelta(days=92)


@dataclass
class Badge:
    copies: int
    media: int
    off_site: int
    last_success: date | None
    today: date

    @property
    def criteria(self) -> dict[str, bool]:
        recent = self.last_success is not None and self.today - self.last_success <= QUARTER
        return {
            "copies": self.copies >= 3,
            "media": self.media >= 2,
            "off_site": self.off_site >= 1,
            "tested": recent,
        }

    @property
    def ok(self) -> bool:
        return all(self.criteria.values())


def badge(practice, today: date) -> Badge:
    copies = list(BackupCopy.objects.filter(practice=practice).values("medium", "off_site"))
    last = (
        RestoreTest.objects.filter(practice=practice, success=True)
        .values_list("tested_on", flat=True)
        .first()
    )
    return Badge(
        copies=len(copies),
        media=len({c["medium"] for c in copies}),
        off_site=sum(1 for c in copies if c["off_site"]),
        last_success=last,
        today=today,
    )
