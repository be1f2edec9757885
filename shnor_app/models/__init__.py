"""All models, imported here so that Alembic and the app see one metadata."""
from .audit import AuditAction, AuditEntry  # noqa: F401
from .base import LabelledEnum, utcnow  # noqa: F401
from .files import Attachment  # noqa: F401
from .registry import (  # noqa: F401
    Municipality, OrderKind, OrgKind, Organization, QualificationCategory, Region,
    SchoolStatus, SchoolStatusRecord, StaffMember,
)
from .users import LoginAttempt, Role, User  # noqa: F401
from .roadmaps import (  # noqa: F401
    ItemExecutor, ItemReport, ItemStatus, Roadmap, RoadmapItem, RoadmapLevel, RoadmapSection,
)
from .recommendations import (  # noqa: F401
    NOT_CLOSED_STATUSES, OPEN_STATUSES, Recommendation, RecommendationStatus,
)
from .courses import (  # noqa: F401
    ActivityKind, Course, CourseFormat, CourseTopic, DeficitKind, DevelopmentPlan, Enrollment,
    EnrollmentStatus, PlanActivity, PlanDeficit, PlanKind, ProviderKind,
)
