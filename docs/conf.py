"""Sphinx configuration for the clinical-data-generator documentation.

Build with warnings as errors::

    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import sys
from pathlib import Path

import clinical_data_generator

# Local extensions (docs/_ext/table_docs.py renders the table reference from the models).
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "clinical-data-generator"
author = "clinical-data-generator developers"
copyright = "clinical-data-generator developers"
release = clinical_data_generator.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "table_docs",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

# MyST: ``{eval-rst}`` blocks, ``:::`` fences and heading anchors for in-page links.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Google-style docstrings only.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"
autodoc_class_signature = "mixed"

nitpicky = False

html_theme = "alabaster"
html_title = f"clinical-data-generator {release}"
html_theme_options = {
    "description": "Seeded synthetic US healthcare test data",
    "fixed_sidebar": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}


def _attrs_factory_defaults(app, what, name, obj, options, signature, return_annotation):
    """Show ``member_generator=MemberGenerator()`` instead of attrs' ``=NOTHING`` for factories."""
    import attrs

    if what != "class" or not signature or not attrs.has(obj):
        return None
    for field in attrs.fields(obj):
        default = field.default
        if isinstance(default, attrs.Factory) and not default.takes_self:
            shown = f"{getattr(default.factory, '__name__', 'factory')}()"
            signature = signature.replace(f"{field.name}=NOTHING", f"{field.name}={shown}")
    return signature, return_annotation


def setup(app):
    """Local tweaks that need Sphinx events."""
    app.connect("autodoc-process-signature", _attrs_factory_defaults)
