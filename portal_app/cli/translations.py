"""`translations status`: each language's coverage by area (a language is offered to clients only when
it is complete); `translations extract`: the POT template Babel extracts from the code and the content
files, for Poedit or Weblate."""
from __future__ import annotations


def cmd_status(_args) -> int:
    from portal_app.services.kernel import i18n, translations

    offered = i18n.offered_locales()
    for code in i18n.available_locales():
        lang = i18n.language(code)
        rows = translations.coverage(code)
        client = rows[0]  # what a client reads: decides whether the language is offered
        done, total = sum(r.done for r in rows[1:]), sum(r.total for r in rows[1:])
        state = "offered" if code in offered else "NOT offered (incomplete)"
        print(f"{code:8} {lang.name}: client-facing {client.percent:5.1f}% ({client.done}/{client.total}), "
              f"all {100.0 * done / total:5.1f}% ({done}/{total}), {state}")
        for r in rows:
            review = f"  {r.needs_review} need review" if r.needs_review else ""
            print(f"    {r.area:16} {r.percent:5.1f}%  {r.done}/{r.total}{review}")
    return 0


def cmd_extract(args) -> int:
    from babel.messages.pofile import write_po

    from portal_app.services.kernel import translations

    pot = translations.extract_template()
    with open(args.out, "wb") as fh:
        write_po(fh, pot, width=0, sort_output=True)
    print(f"{len(pot)} messages written to {args.out}")
    return 0


def add_commands(groups) -> None:
    sub = groups.add_parser("translations").add_subparsers(dest="command", required=True)
    sub.add_parser("status", help="coverage of each language by area").set_defaults(fn=cmd_status)
    extract = sub.add_parser("extract", help="the POT template from the code and the content files")
    extract.add_argument("--out", default="messages.pot")
    extract.set_defaults(fn=cmd_extract)
