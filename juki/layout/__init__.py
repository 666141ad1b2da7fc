"""What the bytes mean: layouts (model.py, read and checked by file.py), code tables (codes.py) and the city's
configuration (city.py). Everything else imports layouts from here."""

from juki.layout.file import available_layouts, load_layout
from juki.layout.model import KINDS, PADS, ROLES, TERMINATORS, Field, Kind, Layout, RecordType, layouts_dir

__all__ = ["KINDS", "PADS", "ROLES", "TERMINATORS", "Field", "Kind", "Layout", "RecordType", "available_layouts",
           "layouts_dir", "load_layout"]
