"""Reflex configuration. Everything the firm configures lives in PORTAL_* variables
(see .env.example and portal_app/services/kernel/settings.py); this file only wires Reflex."""
import reflex as rx

from portal_app.components.theme_css import PortalRadixThemes
from portal_app.services.kernel.origins import allowed_origins
from portal_app.services.kernel.settings import get_settings


def _origins() -> list[str]:
    """From PORTAL_PUBLIC_URL, which, when unset, follows the port (`make run PORT=3100`)."""
    cfg = get_settings()
    return allowed_origins(cfg.public_url, cfg.is_production)


config = rx.Config(
    app_name="portal_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=_origins(),
    # Radix Themes: only the components, colours and rules the pages use (issue 15)
    plugins=[PortalRadixThemes(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # Brotli sidecars first, gzip beside them (issue 15): every browser a client has sends `br`, and
    # the backend serves the best sidecar the request accepts; nginx's gzip_static takes the .gz.
    frontend_compression_formats=["brotli", "gzip"],
    # Left at 0 on purpose: Reflex would believe X-Forwarded-For from any peer. The client's address
    # comes from portal_app/client_address.py, which believes it only from PORTAL_TRUSTED_PROXIES.
    trusted_proxy_hops=0,
)
