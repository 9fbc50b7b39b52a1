"""Centres and the districts each serves, loaded from content/reference/ into the database, and
the invented demo staff that let `make run` show routing without any set-up."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.casework import Centre, District, StaffUser
from referral.oncall import OnCallShift


async def sync(session: AsyncSession, reference_dir: Path) -> int:
    """Insert or update every centre and district from the YAML files (flushes)."""
    centres = yaml.safe_load((reference_dir / "centres.yml").read_text(encoding="utf-8")) or []
    districts = yaml.safe_load((reference_dir / "districts.yml").read_text(encoding="utf-8")) or []
    # Two reads, not one per row: every process that starts runs this.
    known_centres = {c.id: c for c in await session.scalars(select(Centre))}
    known_districts = {d.name: d for d in await session.scalars(select(District))}
    for c in centres:
        centre = known_centres.get(c["id"]) or Centre(id=c["id"])
        centre.name_en, centre.name_bn = c["name"]["en"], c["name"]["bn"]
        centre.phone_key = c.get("phone")
        session.add(centre)
    await session.flush()
    for d in districts:
        district = known_districts.get(d["name"]) or District(name=d["name"])
        district.name_bn, district.division, district.centre_id = d["bn"], d["division"], d["centre"]
        session.add(district)
    await session.flush()
    return len(districts)


async def ensure_demo_staff(session: AsyncSession) -> int:
    """One invented organizer per centre, only when there are no staff at all (development)."""
    if await session.scalar(select(func.count()).select_from(StaffUser)):
        return 0
    centres = (await session.scalars(select(Centre).order_by(Centre.id))).all()
    people = [StaffUser(name=f"Demo organizer, {centre.name_en} (invented)", role="organizer",
                        centre_id=centre.id, active=True, failed_logins=0, language="bn")
              for centre in centres]
    session.add_all(people)
    await session.flush()
    # Urgent cases with no district need somebody on call at any hour: the first demo
    # organizer covers the national rota, so that path works on `make run` too.
    if people:
        session.add(OnCallShift(user_id=people[0].id, centre_id=None, days="0123456",
                                start="00:00", end="00:00"))
        await session.flush()
    return len(centres)
