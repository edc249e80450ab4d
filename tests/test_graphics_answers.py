"""The terminal is asked about pictures in one exchange (issue 17: asking in turn waited 0.1 s
for each question a terminal ignores, Kitty's in tmux): every question is written at once and
the answers are read up to the device attributes, which every terminal answers last."""

from __future__ import annotations

import os
import pty
import threading
from collections.abc import Iterator

import pytest

from tui_reader.ui import graphics


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # tmux: no Kitty answer, no Sixel, a cell size
        ("\x1b[6;32;16t\x1b[?1;2c", (False, False, (16, 32))),
        # Kitty: its graphics answer, then the attributes (no 4)
        ("\x1b_Gi=31;OK\x1b\\\x1b[6;40;20t\x1b[?62;22c", (False, True, (20, 40))),
        # xterm -ti vt340: Sixel, an error for the Kitty query it does not know (none here)
        ("\x1b[?63;1;2;4;6;9;15;22c", (True, False, None)),
        # a Kitty error answer is not "OK"
        ("\x1b_Gi=7;ENOTSUPPORTED:no\x1b\\\x1b[?62c", (False, False, None)),
        # nothing at all, or noise
        ("", (False, False, None)),
        ("x\x1b[6;0;0t", (False, False, None)),
    ],
)
def test_answers_are_read_from_one_reply(
    answers: str, expected: tuple[bool, bool, tuple[int, int] | None]
) -> None:
    assert graphics.parse_answers(answers) == expected


class FakeTerminal:
    """The far side of a pty: reads what the program asks and answers as told, only once
    the device-attributes question (the last) has arrived."""

    def __init__(self, reply: str) -> None:
        self.master, self.slave = pty.openpty()
        self.reply = reply
        self.asked = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while b"\x1b[c" not in self.asked:
            data = os.read(self.master, 1024)
            if not data:
                return
            self.asked += data
        os.write(self.master, self.reply.encode())


@pytest.fixture
def terminal() -> Iterator[list[FakeTerminal]]:
    made: list[FakeTerminal] = []
    yield made
    for fake in made:
        os.close(fake.slave)
        os.close(fake.master)


def test_every_question_goes_out_before_any_answer_is_awaited(
    terminal: list[FakeTerminal],
) -> None:
    # The terminal answers nothing until it has the last question: asked one at a time
    # (answer awaited before the next question), nothing would come back.
    fake = FakeTerminal("\x1b_Gi=1;OK\x1b\\\x1b[6;30;15t\x1b[?62;4c")
    terminal.append(fake)
    answer = graphics.exchange(fake.slave, fake.slave, wait=5.0)
    assert graphics.parse_answers(answer) == (True, True, (15, 30))
    asked = fake.asked.decode()
    assert asked.startswith("\x1b_G") and asked.endswith("\x1b[16t\x1b[c")


def test_the_cell_size_is_not_asked_when_the_window_says_it(terminal: list[FakeTerminal]) -> None:
    fake = FakeTerminal("\x1b[?1;2c")
    terminal.append(fake)
    answer = graphics.exchange(fake.slave, fake.slave, cell_size=False, wait=5.0)
    assert graphics.parse_answers(answer) == (False, False, None)
    assert b"\x1b[16t" not in fake.asked


def test_a_terminal_that_answers_nothing_ends_the_exchange(terminal: list[FakeTerminal]) -> None:
    fake = FakeTerminal("")
    terminal.append(fake)
    assert graphics.exchange(fake.slave, fake.slave, wait=0.05) == ""


class ChattyTerminal(FakeTerminal):
    """A terminal that, once asked, sends bytes without end and never the attributes' answer
    (a paste, a key held down, a broken emulator)."""

    def _serve(self) -> None:
        while b"\x1b[c" not in self.asked:
            self.asked += os.read(self.master, 1024)
        try:
            while True:
                os.write(self.master, b"x" * 512)
        except OSError:  # the test closed the pty
            return


def test_a_terminal_that_never_stops_talking_ends_the_exchange(
    terminal: list[FakeTerminal],
) -> None:
    fake = ChattyTerminal("")
    terminal.append(fake)
    got: list[str] = []
    asking = threading.Thread(
        target=lambda: got.append(graphics.exchange(fake.slave, fake.slave, wait=0.5)),
        daemon=True,
    )
    asking.start()
    asking.join(10)
    assert not asking.is_alive(), "the exchange went on reading"
    assert got and len(got[0]) <= graphics.ANSWER_BYTES
    assert graphics.parse_answers(got[0]) == (False, False, None)
