"""Course topics, courses and enrollments."""
from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import (
    Course, CourseFormat, CourseTopic, Enrollment, EnrollmentStatus, ProviderKind, utcnow,
)
from shnor_app.services.courses import ensure_default_topics

_seq = itertools.count(1)
LOW_TOPIC = "Работа со слабоуспевающими и неуспевающими обучающимися"


def course_topic(name: str = "Предметная методика") -> CourseTopic:
    """One of the default topics (created on first use)."""
    ensure_default_topics()
    return db.session.scalar(select(CourseTopic).where(CourseTopic.name == name))


def make_course(region, *, title=None, hours=36, low=False, municipality=None,
                start=date(2020, 1, 1), end=None, provider="ИРО Энской области",
                provider_org=None, capacity=None, **kw) -> Course:
    c = Course(title=title or f"Курс {next(_seq)}", hours=hours,
               topic_id=course_topic(LOW_TOPIC if low else "Предметная методика").id,
               format=CourseFormat.DISTANCE, start_date=start, end_date=end,
               provider_kind=ProviderKind.INSTITUTE, provider_name=provider,
               provider_org_id=provider_org.id if provider_org else None,
               region_id=region.id, municipality_id=municipality.id if municipality else None,
               capacity=capacity, **kw)
    db.session.add(c)
    db.session.commit()
    return c


def make_enrollment(course, member, status="COMPLETED", completed_on=None, certificate=None,
                    deleted=False) -> Enrollment:
    e = Enrollment(course_id=course.id, staff_member_id=member.id,
                   organization_id=member.organization_id, status=EnrollmentStatus[status],
                   completed_on=completed_on, certificate_number=certificate,
                   provider_key=course.provider_key, deleted_at=utcnow() if deleted else None)
    db.session.add(e)
    db.session.commit()
    return e
