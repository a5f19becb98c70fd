"""Shared fixtures: paths to the reference data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"reference data not found at {DATA}: clone the repository beside shared/")
    return DATA


@pytest.fixture(scope="session")
def ukraine():
    import detente

    return detente.load("ukraine-2025-11")


HOSTILE = ("<script>alert(1)</script> [bold red]x[/bold red] [/] :100: "
           "[link=file:///etc/passwd]click[/link] \x1b[31mRED\x1b[0m \x1b]0;owned\x07 end")
"""Issue 19: HTML, Rich markup, an emoji code, a terminal hyperlink and raw escape sequences
(colour, window title) in one piece of user text."""


def hostile_dict(text: str = HOSTILE) -> dict:
    """The bundled scenario's canonical data with every text field (ids included) holding
    ``text`` (each kept unique by its original value)."""
    import detente

    data = detente.load("ukraine-2025-11").to_dict()
    actor = {a["id"]: f"{a['id']} {text}" for a in data["actors"]}
    issue = {i["id"]: f"{i['id']} {text}" for i in data["issues"]}
    # the CSV format separates a stance's sources with ';', so source ids go without it
    source = {s["id"]: f"{s['id']} {text}".replace(";", ",") for s in data["sources"]}
    data["name"], data["title"], data["description"] = text, text, text
    for s in data["sources"]:
        s.update(id=source[s["id"]], title=text, publisher=text, note=text)
    for a in data["actors"]:
        a.update(id=actor[a["id"]], name=text, description=text)
        if "bloc" in a:
            a["bloc"] = text
    for i in data["issues"]:
        i.update(id=issue[i["id"]], name=text, description=text)
        i["anchors"] = {v: f"{v} {text}" for v in i.get("anchors", {})}
        i["options"] = {f"{name} {text}": v for name, v in i.get("options", {}).items()}
    for st in data["stances"]:
        st.update(actor=actor[st["actor"]], issue=issue[st["issue"]], evidence=text)
        st["sources"] = [source[s] for s in st.get("sources", [])]
        for line in st.get("red_lines", []):
            line.update(evidence=text, sources=[source[s] for s in line.get("sources", [])])
    _hostile_structure(data, text, actor, issue, source)
    return data


def _hostile_structure(data: dict, text: str, actor: dict, issue: dict, source: dict) -> None:
    """The same for the scenario structure (control, vetoes, linkages, blocs, pressures)."""
    for i in data["issues"]:
        for key in ("controlled_by", "vetoes"):
            if key in i:
                i[key] = [actor[a] for a in i[key]]
        if "no_agreement" in i:
            i["no_agreement"] = text
    for link in data.get("linkages", []):
        link.update(actor=actor[link["actor"]], evidence=text,
                    sources=[source[s] for s in link.get("sources", [])])
        for part in ("offer", "requires"):
            link[part]["issue"] = issue[link[part]["issue"]]
    for bloc in data.get("blocs", []):
        members = [a for a in data["actors"] if a.get("bloc") == text]
        bloc.update(id=f"{bloc['id']} {text}", name=text, coordinator=text, description=text,
                    sources=[source[s] for s in bloc.get("sources", [])])
        for a in members:
            a["bloc"] = bloc["id"]
    for key in ("pressures", "shocks"):
        for item in data.get(key, []):
            item.update(name=text, description=text,
                        sources=[source[s] for s in item.get("sources", [])])
    _hostile_proposals(data, text, actor, issue, source)


def _hostile_proposals(data: dict, text: str, actor: dict, issue: dict, source: dict) -> None:
    """The same for the proposals (issue 20): ids they name renamed, free text ``text``."""
    options = {i["id"]: list(i.get("options", {})) for i in data["issues"]}

    def option(issue_id: str, name: str) -> str:  # options were renamed to "<name> <text>"
        return next((o for o in options[issue_id] if o == f"{name} {text}"), name)

    for p in data.get("proposals", []):
        p.update(proposer=actor[p["proposer"]], title=text, evidence=text, assumptions=text,
                 sources=[source[s] for s in p.get("sources", [])],
                 open=[issue[i] for i in p.get("open", [])],
                 package={issue[i]: option(issue[i], v) if isinstance(v, str) else v
                          for i, v in p["package"].items()})
        for phase in p.get("phases", []):
            phase.update(name=f"{phase['name']} {text}",  # names stay unique
                         issues=[issue[i] for i in phase["issues"]])


@pytest.fixture(scope="session")
def hostile():
    from detente.scenario import Scenario

    return Scenario.from_dict(hostile_dict())
