"""Reports people read: a small HTML page (facts, then tables), with counts and record numbers only.

One renderer for every job (validate, nightly, consistency, reconcile), so every report looks the same and
none can grow a column of personal values by accident: callers pass counts, codes and rule texts.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from juki import storage

_STYLE = """body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #bbb;padding:.3em .7em;text-align:left}td.n{text-align:right}th{background:#eee}
.ok{color:#070}.bad{color:#b00}"""


@dataclass
class Section:
    heading: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""


@dataclass
class Report:
    title: str
    verdict: str
    ok: bool
    facts: list[tuple[str, object]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def html(self) -> str:
        esc = html.escape
        out = [f"<!doctype html><html lang='ja'><meta charset='utf-8'><title>{esc(self.title)}</title>",
               f"<style>{_STYLE}</style><h1>{esc(self.title)}</h1>",
               f"<p class='{'ok' if self.ok else 'bad'}'><b>{esc(self.verdict)}</b></p><table>"]
        out += [f"<tr><th>{esc(k)}</th><td>{esc(_fmt(v))}</td></tr>" for k, v in self.facts]
        out.append("</table>")
        for s in self.sections:
            out.append(f"<h2>{esc(s.heading)}</h2>")
            if s.note:
                out.append(f"<p>{esc(s.note)}</p>")
            if not s.rows:
                out.append("<p>none</p>")
                continue
            out.append("<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in s.columns) + "</tr>")
            for row in s.rows:
                cells = "".join(f"<td class='n'>{esc(_fmt(v))}</td>" if isinstance(v, int | float)
                                else f"<td>{esc(_fmt(v))}</td>" for v in row)
                out.append(f"<tr>{cells}</tr>")
            out.append("</table>")
        return "\n".join(out) + "\n</html>\n"

    def write(self, location) -> str:
        with storage.atomic_output(location) as sink:
            sink.write(self.html().encode("utf-8"))
        return sink.sha256


def _fmt(v) -> str:
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.2f}"
    return "" if v is None else str(v)
