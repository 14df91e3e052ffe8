"""Jinja2 templates of breach notices; a package only so that they ship with the wheel."""
