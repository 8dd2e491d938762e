"""Engagement letters signed in the portal: the firm's fee agreement per case type (`templates`),
presented to the client with the matter's fields filled in and signed by typing their name after the
ESIGN consent (`letters`), the signed PDF with its signature page (`signed_pdf`)."""
