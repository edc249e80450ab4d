"""Component-class styles as Rich styles, with translucent theme colours blended.

Theme variables such as ``$text-muted`` or ``$boost`` are translucent. Textual's partial Rich
styles drop the alpha (a muted grey comes out white), so Line-API widgets that compose their
own segments blend them over the widget's background here.
"""

from __future__ import annotations

from rich.style import Style
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
