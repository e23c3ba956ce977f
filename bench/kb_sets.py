"""The knowledge benchmark's question sets: which files of ``knowledge/demo`` hold them.

Held-out sets were each written from the demo data by someone who had not read the code they
measure, in the order they were written; a missing file is skipped.
"""

from __future__ import annotations

LABELLED_SEARCH = "questions.yaml"  # written together with the search
LABELLED_ANSWERS = "answer_questions.yaml"  # written by bench/kb_answer_set.py
# Held-out sets: (file, title)
SEARCH_SETS = (
    ("questions_heldout.yaml", "held-out questions (not used to tune the search; see the file)"),
    (
        "questions_heldout_second.yaml",
        "second held-out search questions (written before any change made for them)",
    ),
    (
        "questions_heldout_third.yaml",
        "third held-out search questions (written before any change made for them)",
    ),
    (
        "questions_heldout_fourth.yaml",
        "fourth held-out search questions (written before any change made for them)",
    ),
    (
        "questions_heldout_fifth.yaml",
        "fifth held-out search questions (written before any change made for them)",
    ),
    (
        "questions_heldout_sixth.yaml",
        "sixth held-out search questions (written before any change made for them)",
    ),
    (
        "questions_heldout_seventh.yaml",
        "seventh held-out search questions (written before any change made for them)",
    ),
)
ANSWER_SETS = (
    (
        "answer_questions_heldout.yaml",
        "held-out answer questions (written without reading the answer code)",
    ),
    (
        "answer_questions_fresh.yaml",
        "fresh held-out answer questions (second set, written before any fix for it)",
    ),
    (
        "answer_questions_third.yaml",
        "third held-out answer questions (written before any change made for them)",
    ),
    (
        "answer_questions_fourth.yaml",
        "fourth held-out answer questions (written before any change made for them)",
    ),
    (
        "answer_questions_fifth.yaml",
        "fifth held-out answer questions (written before any change made for them)",
    ),
    (
        "answer_questions_sixth.yaml",
        "sixth held-out answer questions (written before any change made for them)",
    ),
    (
        "answer_questions_seventh.yaml",
        "seventh held-out answer questions (written before any change made for them)",
    ),
    (
        "answer_questions_eighth.yaml",
        "eighth held-out answer questions (written before any change made for them)",
    ),
    (
        "answer_questions_ninth.yaml",
        "ninth held-out answer questions (written before any change made for them)",
    ),
)
