"""The Stripe Payment Element as a Reflex component: a small local JSX wrapper (stripe_payment.jsx)
around @stripe/react-stripe-js, npm versions pinned. Rendered only when the portal runs on Stripe;
the sandbox shows its own card form instead."""
from __future__ import annotations

from typing import Any

import reflex as rx

_JSX = rx.asset("stripe_payment.jsx", shared=True)


class StripePayment(rx.NoSSRComponent):
    library = _JSX.importable_path
    tag = "StripePayment"
    lib_dependencies = ["@stripe/stripe-js@10.2.1", "@stripe/react-stripe-js@7.0.1"]

    publishable_key: rx.Var[str]
    client_secret: rx.Var[str]
    customer_session_client_secret: rx.Var[str]
    return_url: rx.Var[str]
    submit_label: rx.Var[str]
    busy_label: rx.Var[str]
    on_result: rx.EventHandler[rx.event.passthrough_event_spec(dict[str, Any])]


stripe_payment = StripePayment.create
