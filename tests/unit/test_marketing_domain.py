"""The pure rules of marketing: a campaign's terms from the register, the words every message
carries (PECR reg 23, the soft opt-in's refusal, RFC 8058, STOP), the unsubscribe token that
cannot be made or altered without its key, and reading a list to import."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.adapters.register_file import load_register_file
from dataward.domain.errors import InvalidValue
from dataward.domain.marketing.campaign import CampaignDraft, plan_campaign, split_template
from dataward.domain.marketing.contact_list import MOST_ROWS, read_list
from dataward.domain.marketing.eligibility import Basis
from dataward.domain.marketing.message import Wording, compose
from dataward.domain.marketing.tokens import MAX_TOKEN_CHARS, Unsubscriber, make_token, read_token

REGISTER = load_register_file().register
KEY = b"k" * 32
URL = "https://privacy.example.com/u/abc"


def _draft(**kw: object) -> CampaignDraft:
    values: dict[str, object] = {
        "name": "News",
        "purpose": "direct_marketing",
        "channel": "email",
        "sender": "akixi",
        "template": "Subject: Hello\n\nWords.\n",
        "product": "call_reporting",
    }
    values.update(kw)
    return CampaignDraft(**values)  # type: ignore[arg-type]


def test_a_campaign_takes_only_what_the_register_allows() -> None:
    terms, subject, body = plan_campaign(REGISTER, _draft())
    assert (terms.purpose.key, terms.sender.key, terms.consent_channel) == (
        "direct_marketing", "akixi", "email",
    )  # fmt: skip
    assert (subject, body) == ("Hello", "Words.\n")
    mondago, _, _ = plan_campaign(
        REGISTER, _draft(purpose="mondago_marketing", sender="mondago", product=None)
    )
    assert mondago.consent_channel == "third_party"  # the consent that names Mondago
    for wrong, field in [
        ({"purpose": "analytics"}, "purpose"),  # not marketing
        ({"purpose": "no_such_purpose"}, "purpose"),
        ({"sender": "mondago"}, "sender"),  # not who sends our marketing
        ({"sender": "someone"}, "sender"),
        ({"channel": "fax"}, "channel"),
        ({"product": "a_mondago_thing"}, "product"),
        ({"template": "Subject: \n\nWords"}, "template"),
        ({"template": ""}, "template"),
        ({"template": "x\x1b[2Jy"}, "template"),
        ({"name": "  "}, "name"),
        ({"channel": "sms", "template": "x" * 500}, "template"),
    ]:
        with pytest.raises(InvalidValue) as refused:
            plan_campaign(REGISTER, _draft(**wrong))
        assert refused.value.field == field, wrong


def test_a_subject_line_is_one_line() -> None:
    assert split_template("Subject: A\r\n\r\nB", "name") == ("A", "B")
    assert split_template("No subject line\nB", "name") == ("name", "No subject line\nB")


@pytest.mark.parametrize("basis", list(Basis))
def test_every_email_names_its_sender_and_carries_both_rfc_8058_headers(basis: Basis) -> None:
    sender = REGISTER.marketing_sender("akixi")
    made = compose(sender, Wording("email", "Hi", "Words.\n", basis), URL)
    headers = dict(made.headers)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith(f"<{URL}>, <mailto:{sender.email}")
    assert sender.legal_name in made.body
    assert sender.address.one_line() in made.body
    assert URL in made.body  # the refusal offered in every message, as the soft opt-in needs
    assert made.sender == f"{sender.name} <{sender.email}>"


def test_a_text_message_ends_with_stop_and_a_letter_with_the_way_out() -> None:
    sender = REGISTER.marketing_sender("akixi")
    sms = compose(sender, Wording("sms", "Hi", "Words.", Basis.CONSENT), URL)
    assert sms.body.endswith(f"{sender.name}: reply STOP to opt out, or {URL}")
    assert sms.headers == ()
    post = compose(sender, Wording("post", "Hi", "Words.", Basis.LEGITIMATE_INTERESTS), URL)
    assert sender.email in post.body
    assert URL in post.body


def test_a_token_names_its_person_and_sender_and_nothing_else_opens_it() -> None:
    who = Unsubscriber(uuid.uuid4(), "akixi")
    token = make_token(KEY, who)
    assert read_token(KEY, token) == who
    assert len(token) <= MAX_TOKEN_CHARS
    assert read_token(b"x" * 32, token) is None  # another key
    for i in range(len(token)):  # every single character changed
        flipped = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        assert read_token(KEY, flipped) is None
    other = make_token(KEY, Unsubscriber(who.subject_id, "mondago"))
    assert read_token(KEY, other) == Unsubscriber(who.subject_id, "mondago")
    assert other != token


@given(st.text(max_size=300))
def test_no_text_is_taken_for_a_token(text: str) -> None:
    assert read_token(KEY, text) is None


def test_a_list_is_read_whole_or_refused_by_its_line_and_field() -> None:
    listed = read_list("Email,Phone,Name\na@example.org,,A\n,07700 900123,\n\n")
    assert [c.line for c in listed] == [2, 3]
    with pytest.raises(InvalidValue) as refused:
        read_list("email\na@example.org\nnot-an-address\n")
    assert refused.value.field == "list, line 3, field email"
    assert "not-an-address" not in str(refused.value)
    with pytest.raises(InvalidValue):
        read_list("email\n" + "a@example.org\n" * (MOST_ROWS + 1))
