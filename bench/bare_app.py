"""The start-up reference of bench/ui_bench.py: a bare Textual app, a label and a footer,
launched as its own process in a terminal as the reader is."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Label


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("bare-app-ready")
        yield Footer()


if __name__ == "__main__":
    Bare().run()
