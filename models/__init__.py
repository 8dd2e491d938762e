"""SQLModel tables only. Importing this package registers every table on SQLModel.metadata."""
from sqlmodel import SQLModel

from models.accounting import Journal, TrustReconciliation
from models.audit import AuditEvent, AuditHead
from models.automation import (
    ApiUsage,
    JobRun,
    JobState,
    NotificationPreference,
    ReceiptStatusEvent,
    ReminderDigest,
    ReminderItem,
    TrackedReceipt,
)
from models.base import UTCDateTime, new_id, utcnow
from models.billing import Invoice, InvoiceLine, LedgerEntry, Payment, ProviderEvent
from models.billing_config import BillingSchedule, BillingSettings, FeeScheduleItem, InvoiceTemplate
from models.conversations import (
    Message,
    MessageAttachment,
    MessageThread,
    SupportRequest,
    SupportTopic,
    ThreadRead,
)
from models.checklists import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    DocumentRequest,
    IntakeForm,
    IntakeResponse,
    MatterProgress,
)
from models.documents import Document, DocumentVersion
from models.engagement import EngagementLetter, EngagementTemplate
from models.identity import AuthSession, Invitation, LoginThrottle, Role, TaskLink, User
from models.second_factor import KnownDevice, RecoveryCode, SecondFactor, SignInChallenge
from models.matters import CaseType, Matter, MatterMember, MatterNumber
from models.messaging import OutboxMessage, WebhookDelivery, WebhookEndpoint
from models.onboarding import Onboarding
from models.parties import Client, Organization
from models.records import LegalHold, MatterTag, RetentionPolicy, RetentionReview
from models.processing import PaymentCustomer, SandboxIntent, SandboxPaymentMethod
from models.webhook_attempts import WebhookAttempt
from models.workflow import Deadline, Task

metadata = SQLModel.metadata

__all__ = [
    "metadata", "UTCDateTime", "new_id", "utcnow",
    "AuthSession", "Invitation", "LoginThrottle", "Role", "TaskLink", "User",
    "KnownDevice", "RecoveryCode", "SecondFactor", "SignInChallenge",
    "Client", "Organization", "CaseType", "Matter", "MatterMember", "MatterNumber",
    "ChecklistTemplate", "ChecklistTemplateItem", "DocumentRequest", "IntakeForm", "IntakeResponse", "MatterProgress",
    "Document", "DocumentVersion", "Deadline", "Task",
    "Invoice", "InvoiceLine", "LedgerEntry", "Payment", "ProviderEvent",
    "OutboxMessage", "WebhookDelivery", "WebhookEndpoint", "AuditEvent", "AuditHead",
    "BillingSchedule", "BillingSettings", "FeeScheduleItem", "InvoiceTemplate", "Journal", "TrustReconciliation",
    "PaymentCustomer", "SandboxIntent", "SandboxPaymentMethod", "WebhookAttempt",
    "ApiUsage", "JobRun", "JobState", "NotificationPreference", "ReceiptStatusEvent", "ReminderDigest",
    "ReminderItem", "TrackedReceipt",
    "LegalHold", "MatterTag", "RetentionPolicy", "RetentionReview",
    # issue 12: secure messages and support requests
    "Message", "MessageAttachment", "MessageThread", "SupportRequest", "SupportTopic", "ThreadRead",
    # issue 12: engagement letters signed in the portal
    "EngagementLetter", "EngagementTemplate",
    "Onboarding",  # issue 12 item 6
]
