"""Component-class styles as Rich styles, with translucent theme colours blended.

Theme variables such as ``$text-muted`` or ``$boost`` are translucent. Textual's partial Rich
styles drop the alpha (a muted grey comes out white), so Line-API widgets that compose their
own segments blend them over the widget's background here.
"""

from __future__ import annotations

from rich.style import Style
from textual.css.styles import RenderStyles
from textual.dom import DOMNode
from textual.widget import Widget


def component_style(widget: Widget, name: str) -> Style:
    """The style of component class ``name`` of ``widget``, colours made opaque."""
    styles = widget.get_component_styles(name)
    background = widget.colors[2]
    bgcolor = None
    if styles.has_rule("background") and styles.background.a > 0:
        background = background + styles.background
        bgcolor = background.rich_color
    fgcolor = None
    if styles.has_rule("color") and styles.color.a > 0:
        fgcolor = (background + styles.color).rich_color
    return Style(color=fgcolor, bgcolor=bgcolor) + styles.text_style


class LazyComponentStyles(Widget):
    """A widget whose component classes' styles are resolved when first asked for, not at
    every style pass, until :meth:`warm_component_styles`.

    Textual resolves every component class of a widget (a virtual node each, matched against
    the whole stylesheet) at each of its style passes: mount, focus, a theme. The reading
    pane has two dozen and draws none of them until an article is open, so at start-up they
    were half the style passes. Here a pass drops them instead and each is resolved (the same
    way: a virtual node of that class under this widget) the first time it is asked for.
    Once warmed (after start-up), Textual's own way applies: all of them at each pass."""

    _components_warm = False

    def _get_component_classes(self) -> frozenset[str]:  # type: ignore[override]
        # Textual's stylesheet asks the node (at each pass) which classes to resolve.
        return super()._get_component_classes() if self._components_warm else frozenset()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if not self._components_warm and self._component_styles:
            self._component_styles.clear()  # this pass changed what they resolve to
            self.refresh()

    def get_component_styles(self, *names: str) -> RenderStyles:
        if not self._components_warm:
            for name in names:
                if name not in self._component_styles:
                    self._resolve_component(name)
        return super().get_component_styles(*names)

    def _resolve_component(self, name: str) -> None:
        if name not in type(self)._get_component_classes_of_class():
            return  # Textual's KeyError follows
        virtual = DOMNode(classes=name)
        virtual._attach(self)
        self.app.stylesheet.apply(virtual, animate=False)
        self._component_styles[name] = virtual.styles

    @classmethod
    def _get_component_classes_of_class(cls) -> frozenset[str]:
        return DOMNode._get_component_classes.__func__(cls)  # type: ignore[attr-defined,no-any-return]

    def warm_component_styles(self) -> None:
        """From now on, Textual's way: every component class resolved at each style pass
        (now too, so that the first use after start-up waits for nothing)."""
        if self._components_warm:
            return
        self._components_warm = True
        if self.is_attached:
            self.app.stylesheet.apply(self, animate=False)
