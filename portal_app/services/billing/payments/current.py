"""The processor in use: the embedded sandbox, or Stripe, as the settings choose."""
from __future__ import annotations

from portal_app.services.billing.payments.processor import Processor
from portal_app.services.kernel.settings import get_settings


def get_processor() -> Processor:
    if get_settings().payments.is_sandbox:
        from portal_app.services.billing.payments.sandbox import SandboxProcessor

        return SandboxProcessor()
    from portal_app.services.billing.payments.stripe_gateway import StripeProcessor

    return StripeProcessor()
