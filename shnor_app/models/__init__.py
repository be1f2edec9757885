"""All models, imported here so that Alembic and the app see one metadata."""
from .audit import AuditAction, AuditEntry  # noqa: F401
from .base import LabelledEnum, utcnow  # noqa: F401
from .files import Attachment, AttachmentChunk, CachedDocument, StagedUpload  # noqa: F401
from .registry import (  # noqa: F401
    Municipality, OrderKind, OrgKind, Organization, QualificationCategory, Region,
    SchoolStatus, SchoolStatusRecord, StaffMember,
)
from .users import LoginAttempt, RecoveryCode, Role, User  # noqa: F401
from .roadmaps import (  # noqa: F401
    ItemExecutor, ItemReport, ItemStatus, Roadmap, RoadmapItem, RoadmapLevel, RoadmapSection,
    RoadmapState,
)
from .recommendations import (  # noqa: F401
    NOT_CLOSED_STATUSES, OPEN_STATUSES, Recommendation, RecommendationStatus,
)
from .partnerships import (  # noqa: F401
    EventKind, EventVenue, JointEvent, JointEventParticipant, PartnerKind, Partnership,
    PartnershipPerson, PartnershipSide, PartnershipStatus, Practice, PracticeLink,
    PracticeProblem, SchoolTerm,
)
from .monitoring import (  # noqa: F401
    AssessmentResult, IdentificationApproval, Indicator, IndicatorScoring, MarkScale, Procedure,
    RiskFactor, RiskLevel, SchoolRisk,
)
from .interviews import (  # noqa: F401
    AgendaDecision, AgendaItem, AgendaSpeech, CommissionMember, CommissionRole, InterviewSeries,
    Meeting, MeetingKind, MeetingParticipant, MeetingStatus, ParticipantRole, ProtocolAmendment,
    ProtocolCounter,
)
from .mentoring import MentoringPair, MentoringStep, PairKind, PairStatus  # noqa: F401
from .visits import Visit, VisitKind, VisitLesson, VisitVisitor  # noqa: F401
from .courses import (  # noqa: F401
    ActivityKind, Course, CourseFormat, CourseTopic, DeficitKind, DevelopmentPlan, Enrollment,
    EnrollmentStatus, PlanActivity, PlanDeficit, PlanKind, ProviderKind,
)
from .reports import IssuedReport, ReportKind  # noqa: F401
from .notifications import NotificationSettings, OutboxMessage, OutboxStatus  # noqa: F401
from .cache import TableGeneration  # noqa: F401
