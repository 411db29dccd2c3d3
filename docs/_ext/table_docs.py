"""Render the table reference and the format list from the package itself.

Two directives, used in ``reference/tables.md`` and ``reference/formats.md``:

``cdg-tables``
    One section per model in :data:`clinical_data_generator.models.MODELS` (in the order the
    tables are written) with the model's summary and a table of column, Arrow type, nullable
    and meaning. Everything comes from the attrs field metadata through
    :func:`~clinical_data_generator.models.arrow_schema` and
    :func:`~clinical_data_generator.models.column_docs`, so the reference cannot drift from the
    code.

``cdg-formats``
    A table of the registered format names (:data:`clinical_data_generator.FORMATS`) with
    their one-line summary and file extension.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _text_cell(text: str, *, literal: bool = False) -> nodes.entry:
    entry = nodes.entry()
    para = nodes.paragraph()
    para += nodes.literal(text, text) if literal else nodes.Text(text)
    entry += para
    return entry


def _meaning_cell(text: str) -> nodes.entry:
    entry = nodes.entry()
    para = nodes.paragraph()
    para.extend(_inline(text))
    entry += para
    return entry


def _table(
    headers: Sequence[str], widths: Sequence[int], rows: list[list[nodes.entry]]
) -> nodes.table:
    table = nodes.table(classes=["cdg-generated"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    header_row = nodes.row()
    for title in headers:
        header_row += _text_cell(title)
    head += header_row
    group += head
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += cell
        body += row
    group += body
    return table


def _class_ref(model: type) -> addnodes.pending_xref:
    """A cross-reference to the model's class in the API reference."""
    target = f"clinical_data_generator.{model.__name__}"
    ref = addnodes.pending_xref(
        "", refdomain="py", reftype="class", reftarget=target, refexplicit=False, refwarn=False
    )
    ref += nodes.literal(target, target, classes=["xref", "py", "py-class"])
    return ref


def _summary(model: type) -> str:
    doc = inspect.getdoc(model) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ").strip()


def _inline(text: str) -> list[nodes.Node]:
    """Plain text with reST-style ``literal`` spans (as in docstrings) turned into literals."""
    parts = text.split("``")
    return [
        nodes.literal(part, part) if odd else nodes.Text(part)
        for odd, part in ((i % 2 == 1, p) for i, p in enumerate(parts))
        if part
    ]


class TablesDirective(SphinxDirective):
    """``cdg-tables``: a section per table with its columns, generated from the models."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from clinical_data_generator.models import MODELS, arrow_schema, column_docs

        # Rebuild this page whenever the models change.
        for model in MODELS.values():
            source = inspect.getsourcefile(model)
            if source:
                self.env.note_dependency(source)

        out: list[nodes.Node] = []
        for table_name, model in MODELS.items():
            schema = arrow_schema(model)
            docs = column_docs(model)
            section_id = nodes.make_id(f"table-{table_name}")
            section = nodes.section(ids=[section_id], names=[f"table-{table_name}"])
            section += nodes.title(table_name, table_name)
            intro = nodes.paragraph()
            intro.extend(_inline(f"{_summary(model)} Record model: "))
            intro += _class_ref(model)
            intro += nodes.Text(f"; {len(schema)} columns.")
            section += intro
            rows = [
                [
                    _text_cell(field.name, literal=True),
                    _text_cell(str(field.type), literal=True),
                    _text_cell("yes" if field.nullable else "no"),
                    _meaning_cell(docs[field.name]),
                ]
                for field in schema
            ]
            section += _table(
                ("Column", "Arrow type", "Nullable", "Meaning"), (22, 16, 8, 54), rows
            )
            self.state.document.note_explicit_target(section)
            out.append(section)
        return out


class FormatsDirective(SphinxDirective):
    """``cdg-formats``: the registered output formats with summary and file extension."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        import clinical_data_generator as cdg
        from clinical_data_generator.serializers import get_serializer

        def files(name: str) -> str:
            serializer = get_serializer(name)
            if serializer.kind == "documents":
                return str(getattr(serializer, "layout", f"{name}/*"))
            return f"{name}/<table>{serializer.extension}"

        rows = [
            [_text_cell(name, literal=True), _text_cell(files(name), literal=True),
             _text_cell(summary)]
            for name, summary in sorted(cdg.FORMATS.items())
        ]  # fmt: skip
        return [_table(("Format", "Files", "Summary"), (14, 30, 56), rows)]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives."""
    app.add_directive("cdg-tables", TablesDirective)
    app.add_directive("cdg-formats", FormatsDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
