"""The HTML part of every mail, rendered from its plain text and branded with the firm's name,
logo and colour. Works for any template (including ones added later): paragraphs are separated by
blank lines, a paragraph of "- " lines becomes a list, a paragraph that is only a link becomes a
button, and other links become clickable. Everything else is escaped."""
from __future__ import annotations

import html
import re

from portal_app.services.kernel.i18n import t
from portal_app.services.kernel.settings import get_settings

URL = re.compile(r"https?://[^\s<>\"']+")
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
BULLETS = ("- ", "• ", "* ")
FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"


def _linkify(escaped: str, colour: str) -> str:
    return URL.sub(lambda m: f'<a href="{m.group(0)}" style="color:{colour}">{m.group(0)}</a>', escaped)


def _paragraph(block: str, colour: str) -> str:
    lines = [line.rstrip() for line in block.strip("\n").split("\n")]
    if len(lines) == 1 and URL.fullmatch(lines[0].strip()):
        url = html.escape(lines[0].strip(), quote=True)
        return (f'<p style="margin:24px 0"><a href="{url}" style="background:{colour};color:#ffffff;'
                f'padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block;'
                f'font-weight:600">{html.escape(t("mail.open_link"))}</a></p>'
                f'<p style="font-size:12px;color:#666666;word-break:break-all">{url}</p>')
    if len(lines) > 1 and all(line.lstrip().startswith(BULLETS) for line in lines[1:]):
        heading = "" if lines[0].lstrip().startswith(BULLETS) else lines.pop(0)
        items = "".join(f'<li style="margin:4px 0">{_linkify(html.escape(line.lstrip()[2:]), colour)}</li>'
                        for line in lines)
        title = f'<p style="margin:16px 0 4px;font-weight:600">{html.escape(heading)}</p>' if heading else ""
        return f'{title}<ul style="padding-left:20px;margin:4px 0 12px">{items}</ul>'
    body = "<br>".join(_linkify(html.escape(line), colour) for line in lines)
    return f'<p style="margin:12px 0;line-height:1.5">{body}</p>'


def _logo_url(logo: str, public_url: str) -> str:
    if logo.startswith(("http://", "https://")):
        return logo
    return f"{public_url}/{logo.lstrip('/')}" if logo else ""


def render(subject: str, text: str, locale: str = "en") -> str:
    cfg = get_settings()
    colour = cfg.firm_color if HEX_COLOUR.match(cfg.firm_color or "") else "#1f4e8c"
    name = html.escape(cfg.firm_name)
    logo = _logo_url(cfg.firm_logo, cfg.public_url)
    logo_img = (f'<img src="{html.escape(logo, quote=True)}" alt="" width="32" height="32" '
                f'style="vertical-align:middle;margin-right:10px;border:0">') if logo else ""
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    body = "".join(_paragraph(block, colour) for block in blocks)
    footer = html.escape(t("mail.footer", locale, firm_name=cfg.firm_name))
    return (
        f'<!DOCTYPE html><html lang="{html.escape(locale)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(subject)}</title>'
        f'</head><body style="margin:0;padding:0;background:#f4f5f7;{FONT}">'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" '
        f'style="padding:16px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="max-width:600px;background:#ffffff;border-radius:8px;overflow:hidden">'
        f'<tr><td style="background:{colour};padding:14px 20px;color:#ffffff;font-size:18px;font-weight:700">'
        f'{logo_img}{name}</td></tr>'
        f'<tr><td style="padding:8px 24px 16px;color:#1a1a1a;font-size:15px">{body}</td></tr>'
        f'<tr><td style="padding:12px 24px;border-top:1px solid #e5e7eb;color:#6b7280;font-size:12px">{footer}'
        f'</td></tr></table></td></tr></table></body></html>'
    )
