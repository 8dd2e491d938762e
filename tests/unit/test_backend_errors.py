"""An error inside an event handler reaches the browser as one plain sentence, never a trace."""
from __future__ import annotations

import json


def test_backend_error_toast_hides_the_exception():
    from portal_app.portal_app import backend_error

    spec = backend_error(RuntimeError("password_hash=$argon2id$ at /srv/portal/secret.py line 3"))
    rendered = json.dumps(spec.args if hasattr(spec, "args") else str(spec), default=str)
    assert "argon2id" not in rendered and "secret.py" not in rendered and "Traceback" not in rendered
    assert "Something went wrong on our side" in rendered
