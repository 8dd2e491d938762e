// The embedded Stripe Payment Element, wrapped for Reflex (portal_app/components/stripe_element.py).
// Stripe.js is loaded only when this renders (the "pure" entry point has no import side effect).
// The browser only confirms the PaymentIntent the server created; the verified webhook marks it paid.
import React, { useMemo, useState } from "react";
import { loadStripe } from "@stripe/stripe-js/pure";
import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";

const stripes = {};

function ConfirmForm({ returnUrl, submitLabel, busyLabel, onResult }) {
  const stripe = useStripe();
  const elements = useElements();
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    if (!stripe || !elements || busy) return;
    setBusy(true);
    const { error, paymentIntent } = await stripe.confirmPayment({
      elements, confirmParams: { return_url: returnUrl }, redirect: "if_required",
    });
    setBusy(false);
    onResult?.({
      status: paymentIntent?.status ?? "",
      id: paymentIntent?.id ?? "",
      error: error ? (error.message ?? "") : "",
      code: error?.code ?? "",
    });
  };
  return (
    <form onSubmit={submit} id="stripe-payment-form">
      <PaymentElement options={{ layout: "tabs" }} />
      <button type="submit" disabled={!stripe || busy} id="stripe-pay"
        style={{ marginTop: 16, width: "100%", padding: "14px", fontSize: "17px", fontWeight: 600,
                 borderRadius: 8, border: "none", background: "var(--accent-9)", color: "white" }}>
        {busy ? busyLabel : submitLabel}
      </button>
    </form>
  );
}

export function StripePayment({ publishableKey, clientSecret, customerSessionClientSecret, returnUrl,
                                submitLabel = "Pay", busyLabel = "…", onResult }) {
  const stripePromise = useMemo(
    () => (stripes[publishableKey] ??= loadStripe(publishableKey)), [publishableKey]);
  if (!publishableKey || !clientSecret) return null;
  const options = { clientSecret, appearance: { theme: "stripe" } };
  if (customerSessionClientSecret) options.customerSessionClientSecret = customerSessionClientSecret;
  return (
    <Elements key={clientSecret} stripe={stripePromise} options={options}>
      <ConfirmForm returnUrl={returnUrl} submitLabel={submitLabel} busyLabel={busyLabel} onResult={onResult} />
    </Elements>
  );
}
