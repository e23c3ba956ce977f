"""The conversation-repair cases a mature dialogue framework names, end to end with the real
engine, each with its own behaviour: small talk, "say that again", a digression and the return
to the interrupted question, an unreadable answer ("cannot handle"), and the clarification of
an ambiguous answer. Cancellation with a confirmation, skipping a question and corrections are
in test_repairs.py; handoff to a person in test_handoff.py."""

from __future__ import annotations

import pytest

from .chat import Buyer
from .conftest import RunningStack
from .test_conversation import REFERENCE, _answer_until_summary, _confirm

pytestmark = pytest.mark.e2e

PANELS = "We need 5,000 pcs of 600x600 40W panels"
WHERE = "where should the goods go"


def _last_question(reply: str) -> str:
    return reply.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("aside", "answer"),
    [
        ("thanks!", "You're welcome."),
        ("hello again", "Hello again!"),
        ("are you a bot?", "automated assistant"),
        ("sorry, what?", "Of course, once more:"),
        ("ok bye for now", "I'll keep your request"),
    ],
)
def test_an_aside_during_the_form_is_answered_and_the_question_asked_again(
    running_stack: RunningStack, aside: str, answer: str
) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        question = buyer.reply(PANELS)
        assert WHERE in question.lower(), question
        reply = buyer.reply(aside)
        assert answer in reply, reply
        assert _last_question(reply) == _last_question(question)
        assert "didn't quite understand" not in reply and "doesn't look" not in reply
        summary = _answer_until_summary(buyer, buyer.reply("Hamburg, Germany by 15 March 2027"))
        assert "5,000 pcs x PNL-6060-40W" in summary and "Hamburg" in summary


def test_say_that_again_at_the_summary_shows_it_again(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        summary = _answer_until_summary(buyer, buyer.reply(PANELS + " for Hamburg"))
        again = buyer.reply("can you repeat that?")
        assert "Of course, once more:" in again
        assert "5,000 pcs x PNL-6060-40W" in again and "Shall I send it" in again
        assert [b["payload"] for b in buyer.last_buttons()][:1] == ["/affirm"]
        assert REFERENCE.search(_confirm(buyer))
        assert summary


def test_a_side_question_is_answered_and_the_form_returns_to_its_question(
    running_stack: RunningStack,
) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        question = buyer.reply(PANELS)
        reply = buyer.reply("By the way, what is the IP rating of PNL-6060-40W?")
        assert "IP" in reply
        assert _last_question(reply) == _last_question(question)


def test_an_unreadable_answer_is_asked_again_once_then_the_form_goes_on(
    running_stack: RunningStack,
) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        buyer.reply(PANELS + " for Hamburg by 15 March 2027, CIF, L/C at sight, no samples")
        replies = [buyer.reply("qwfp zxcv") for _ in range(2)]
        assert "discarded" not in " ".join(replies)
        # the second failed ask goes on without the field, offering a person
        assert any(b["payload"] == "/request_human" for b in buyer.last_buttons()), replies
        summary = _answer_until_summary(buyer, replies[-1])  # the next question follows
        assert "5,000 pcs x PNL-6060-40W" in summary


def test_a_count_correction_with_several_products_asks_which_one(
    running_stack: RunningStack,
) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        first = buyer.reply(
            "We need 5,000 T8 1200mm 18W glass tubes and 300 FL-SL-100W floodlights for "
            "Hamburg by 15 March 2027"
        )
        which = buyer.reply("Actually, change the quantity to 2,500 pieces")
        assert "Which product should the 2,500 pcs be for" in which, which
        assert "T8-G-1200-18W (5,000 pcs)" in which and "FL-SL-100W (300 pcs)" in which
        reply = buyer.reply("the floodlights")
        summary = _answer_until_summary(buyer, reply)
        assert "2,500 pcs x FL-SL-100W" in summary and "5,000 pcs x T8-G-1200-18W" in summary
        assert first
