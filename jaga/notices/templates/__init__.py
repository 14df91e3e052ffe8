"""Jinja2 templates of the generated documents; a package only so that they ship with the wheel."""
