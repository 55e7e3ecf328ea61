"""Parties of a call as PBXs write them: who called, whether the number was withheld, which
extension is an agent. Shared by every parser so each reads a withheld caller and an agent's
extension the same way. Pure: no I/O.
"""

from __future__ import annotations

from dataward.domain.calls.telephony import Presentation, RawParty

__all__ = ["agent_id_from_interface", "caller_party", "looks_like_extension"]

_RESTRICTED_WORDS = frozenset({"anonymous", "restricted", "private", "withheld"})
_UNAVAILABLE_WORDS = frozenset({"unavailable", "unknown"})
_TRUNK_TECHNOLOGIES = frozenset({"DAHDI", "ZAP", "MISDN", "DGV"})
_LONGEST_EXTENSION = 6  # a run of 7 or more digits is a phone number, never an agent id
_NON_DIGITS_TO_SPACE = {c: " " for c in range(128) if not chr(c).isdigit()}


def caller_party(
    number: str, name: str | None = None, *, empty: Presentation = Presentation.UNAVAILABLE
) -> RawParty:
    """The calling party from a caller-ID number (and name) as a PBX wrote it.

    Words PBXs write instead of a withheld number (anonymous, restricted, private, withheld),
    in the number or, when there is no number, in the name, give `RESTRICTED`; "unavailable" or
    "unknown" give `UNAVAILABLE`; an empty number gives `empty`. A withheld party keeps neither
    number nor name.
    """
    if number and ("0" <= number[0] <= "9" or number[0] == "+"):
        return RawParty(number, Presentation.ALLOWED, name)
    number = number.strip()
    word = (number or name or "").strip().lower()
    if word in _RESTRICTED_WORDS:
        return RawParty(None, Presentation.RESTRICTED)
    if word in _UNAVAILABLE_WORDS:
        return RawParty(None, Presentation.UNAVAILABLE)
    if not number:
        return RawParty(None, empty, name)
    return RawParty(number, Presentation.ALLOWED, name)


def looks_like_extension(text: str) -> bool:
    """An extension or endpoint name (`301`, `client2`), never a phone number.

    At most 6 digits, or letters, digits and `._-` starting with a letter with no run of 7+
    digits; a leading `+` or a longer digit run is a number, so it is not an agent id. ASCII
    only: `٣٠١` is not extension 301.
    """
    if not text or len(text) > 32 or not text.isascii():
        return False
    if text.isdigit():
        return len(text) <= _LONGEST_EXTENSION
    if not text[0].isalpha():
        return False
    if not text.replace("-", "").replace(".", "").replace("_", "").isalnum():
        return False
    runs = text.translate(_NON_DIGITS_TO_SPACE).split()
    return all(len(run) <= _LONGEST_EXTENSION for run in runs)


def agent_id_from_interface(interface: str) -> str | None:
    """The agent's extension from a queue member interface or a channel's peer.

    `SIP/8007` -> `8007`; `Local/2004@from-internal/n` -> `2004`; `PJSIP/client2` ->
    `client2`; a bare `7140` stays itself. Analogue trunks (DAHDI) and anything that is not
    an extension (a phone number, a person's name) give None.
    """
    peer = interface
    slash = peer.find("/")
    if slash >= 0:
        if peer[:slash].upper() in _TRUNK_TECHNOLOGIES:
            return None
        peer = peer[slash + 1 :]
    peer = peer.split("@", 1)[0].split(";", 1)[0]
    return peer if looks_like_extension(peer) else None
