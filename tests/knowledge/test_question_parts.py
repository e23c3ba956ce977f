import itertools

from hypothesis import given
from hypothesis import strategies as st

from knowledge.attributes import attribute_spans
from knowledge.question_parts import asked_parts, unanswered_parts


def _unanswered(message: str) -> list[str]:
    return unanswered_parts(message, [(a, b) for a, b, _ in attribute_spans(message)])


def test_each_question_of_a_message_is_a_part() -> None:
    message = "T8-AB-1200-15W: is it rated for damp locations, which CCTs can I get, and how many?"
    assert [message[a:b] for a, b in asked_parts(message)] == [
        "is it rated for damp locations",
        "which CCTs can I get",
        "how many",
    ]


def test_the_part_nothing_names_is_unanswered_in_every_language() -> None:
    assert _unanswered("Which CCTs can I get, and can I get it in black?") == [
        "can I get it in black"
    ]
    assert _unanswered("SL-M-30W 的抗冲击是IK几？角度能调多少？") == ["角度能调多少"]
    assert _unanswered("¿Cuánto pesa y hasta qué porcentaje regula?") == [
        "hasta qué porcentaje regula"
    ]
    assert _unanswered("Wie schwer ist er, und gibt es ihn in Schwarz?") == [
        "gibt es ihn in Schwarz"
    ]


def test_statements_and_answered_parts_are_not_unanswered() -> None:
    assert _unanswered("What is the IP rating of HB-UFO-150W?") == []
    assert _unanswered("Our client is a glass factory. What is the weight?") == []
    assert _unanswered("Wie viele Stück sind im Karton und wie groß ist der Karton?") == []


@given(st.text(max_size=200))
def test_parts_are_ordered_disjoint_spans_of_the_message(message: str) -> None:
    spans = asked_parts(message)
    assert all(0 <= a < b <= len(message) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
    parts = unanswered_parts(message, [])
    assert parts == [message[a:b] for a, b in spans]
    assert unanswered_parts(message, [(0, len(message))]) == []
