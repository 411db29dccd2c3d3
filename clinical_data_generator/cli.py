"""The ``cdg`` command line: ``cdg generate``, ``cdg validate``, ``cdg formats``.

Exit codes: 0 success, 1 validation failures, 2 bad usage (the message names the option and the allowed values).
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

import clinical_data_generator as cdg

__all__ = ["main", "run"]

# Python option name -> CLI flag, for error messages.
_FLAGS = {
    "members": "--members",
    "seed": "--seed",
    "as_of": "--as-of",
    "formats": "--format",
    "target": "--out",
    "workers": "--workers",
    "min_age": "--min-age",
    "max_age": "--max-age",
    "states": "--state",
    "conditions": "--condition",
    "product_types": "--product-type",
    "lines_of_business": "--line-of-business",
    "payers": "--payers",
    "tables": "--table",
    "pins": "--pin",
}
_GENERATORS = {
    "member_generator": cdg.MemberGenerator,
    "coverage_generator": cdg.CoverageGenerator,
    "condition_generator": cdg.ConditionGenerator,
    "encounter_generator": cdg.EncounterGenerator,
    "immunization_generator": cdg.ImmunizationGenerator,
    "claim_generator": cdg.ClaimGenerator,
    "inquiry_generator": cdg.InquiryGenerator,
    "lab_generator": cdg.LabGenerator,
    "payer_generator": cdg.PayerGenerator,
    "sponsor_generator": cdg.SponsorGenerator,
    "provider_generator": cdg.ProviderGenerator,
}
_CONFIG_KEYS = {"members", "seed", "as_of", "formats", "out", "workers", "min_age", "max_age",
                "states", "lines_of_business", "dependents", "conditions", "product_types", "payers",
                "tables", "x12", "pins",
                *_GENERATORS}  # fmt: skip


def _usage(message: str) -> NoReturn:
    raise click.UsageError(message)


def _load_config(path: str | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        with Path(path).open("rb") as handle:
            config = tomllib.load(handle)
    except OSError as exc:
        _usage(f"--config: cannot read {path!r}: {exc.strerror or exc}")
    except tomllib.TOMLDecodeError as exc:
        _usage(f"--config: {path!r} is not valid TOML: {exc}")
    unknown = sorted(set(config) - _CONFIG_KEYS)
    if unknown:
        _usage(f"--config: unknown key(s) {unknown}; allowed keys are {sorted(_CONFIG_KEYS)}")
    return config


def _generator(name: str, settings: object) -> Any:
    if not isinstance(settings, Mapping):
        _usage(f"--config: [{name}] must be a table of options")
    cls = _GENERATORS[name]
    try:
        return cls(**settings)
    except cdg.InvalidArgumentError as exc:
        _usage(f"--config: [{name}] {exc}")
    except TypeError:
        allowed = sorted(a.name for a in cls.__attrs_attrs__)  # type: ignore[attr-defined]
        _usage(f"--config: [{name}] has unknown option(s) {sorted(settings)}; allowed: {allowed}")


def _pins(table: object, flags: Sequence[str]) -> dict[str, dict[str, object]]:
    """``[pins]`` from the config file merged with ``--pin TABLE.COLUMN=VALUE`` flags."""
    from .generators._pins import parse_pin

    if table is not None and not isinstance(table, Mapping):
        _usage("--config: [pins] must be a table of {table = {column = value}}")
    pins: dict[str, dict[str, object]] = {k: dict(v) for k, v in (table or {}).items()}
    for text in flags:
        name, column, value = parse_pin(text)
        pins.setdefault(name, {})[column] = value
    return pins


def _x12_formats(formats: list[str], settings: object) -> list[Any]:
    """X12 formats configured by the ``[x12]`` table of the config file (X12Options)."""
    if settings is None:
        return formats
    if not isinstance(settings, Mapping):
        _usage("--config: [x12] must be a table of X12Options fields")
    try:
        options = cdg.X12Options(**settings)
    except cdg.InvalidArgumentError as exc:
        _usage(f"--config: [x12] {exc}")
    except TypeError:
        allowed = sorted(a.name for a in cdg.X12Options.__attrs_attrs__)
        _usage(f"--config: [x12] has unknown option(s) {sorted(settings)}; allowed: {allowed}")
    return [cdg.X12Format(f, options=options) if f.startswith("x12-") else f for f in formats]


def _progress(total: int, enabled: bool) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    if not enabled:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TextColumn("blocks"),
        TimeRemainingColumn(), console=Console(stderr=True), transient=True,
    )  # fmt: skip
    task = progress.add_task("blocks", total=total)
    progress.start()
    return (lambda _: progress.advance(task)), progress.stop


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(cdg.__version__, prog_name="cdg")
def main() -> None:
    """Generate seeded synthetic US healthcare test data (clinical-data-generator)."""


@main.command()
@click.option(
    "--members", type=int, help="Members to generate, subscribers and dependents together."
)
@click.option(
    "--seed", type=int, help="Seed; the same seed and options give the same bytes.  [default: 0]"
)
@click.option("--as-of", "as_of", help="Reference date YYYY-MM-DD.  [default: 2026-01-01]")
@click.option(
    "--format", "formats", multiple=True, help="Output format (repeatable); see `cdg formats`."
)
@click.option("--out", help="Output folder or fsspec URL (e.g. out/ or memory://x).")
@click.option(
    "--workers", type=int, help="Worker processes; output does not depend on it.  [default: 1]"
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="TOML file mirroring these options.",
)
@click.option("--min-age", type=int, help="Youngest member age (0-105).")
@click.option("--max-age", type=int, help="Oldest member age (0-105).")
@click.option(
    "--state", "states", multiple=True, help="Restrict addresses to a state (repeatable)."
)
@click.option("--line-of-business", "lines_of_business", multiple=True,
              help="commercial, individual, medicare or medicaid (repeatable).")  # fmt: skip
@click.option(
    "--dependents/--no-dependents", default=None, help="Cover spouses and children.  [default: on]"
)
@click.option("--product-type", "product_types", multiple=True,
              help="HMO, PPO, EPO, POS or HDHP plans only (repeatable).")  # fmt: skip
@click.option("--condition", "conditions", multiple=True,
              help="Cohort: only members with this chronic condition, e.g. diabetes (repeatable).")  # fmt: skip
@click.option("--payers", type=int, help="Number of fictional payers (1-50).  [default: 4]")
@click.option("--table", "tables", multiple=True, help="Only this table (repeatable); default all.")
@click.option("--pin", "pin", multiple=True, metavar="TABLE.COLUMN=VALUE",
              help="Set a column to VALUE on every row, for edge-case tests (repeatable).")  # fmt: skip
@click.option("--quiet", is_flag=True, help="No progress bar.")
def generate(config_path: str | None, quiet: bool, **flags: Any) -> None:
    """Generate a population and write it in one or more formats.

    Example: cdg generate --members 100000 --seed 7 --format csv --format parquet --out out/
    """
    config = _load_config(config_path)
    options: dict[str, Any] = dict(config)
    for key, value in flags.items():
        if value is None or value == ():
            continue
        options[key] = list(value) if isinstance(value, tuple) else value
    if "members" not in options:
        _usage("--members is required: an integer from 1 to 1,000,000,000")
    formats = options.pop("formats", None)
    if not formats:
        _usage(f"--format is required: one or more of {sorted(cdg.FORMATS)}")
    out = options.pop("out", None)
    if not out:
        _usage("--out is required: a folder path or fsspec URL")
    workers = options.pop("workers", 1)
    tables = options.pop("tables", None)
    formats = _x12_formats(formats, options.pop("x12", None))
    try:
        options["pins"] = _pins(options.pop("pins", None), options.pop("pin", ()))
        population = _population(options)
        on_block, stop = _progress(population.block_count, not quiet and sys.stderr.isatty())
        try:
            manifest = population.write(
                out, formats=formats, workers=workers, on_block=on_block, tables=tables
            )
        finally:
            stop()
    except cdg.InvalidArgumentError as exc:
        flag = _FLAGS.get(exc.argument, exc.argument)
        _usage(f"{flag}: {exc.value!r} is not allowed: expected {exc.allowed}")
    except cdg.OutputError as exc:
        _usage(f"--out: {exc}")
    if not quiet:
        tables = manifest["tables"]
        assert isinstance(tables, Mapping)
        summary = ", ".join(f"{name} {count:,}" for name, count in tables.items())
        click.echo(f"wrote {len(manifest['files'])} files to {out} ({summary})", err=True)  # type: ignore[arg-type]


def _population(options: dict[str, Any]) -> cdg.Population:
    generators = {
        name: _generator(name, options.pop(name)) for name in list(options) if name in _GENERATORS
    }
    member_keys = ("min_age", "max_age", "states", "lines_of_business", "dependents", "conditions",
                   "product_types")  # fmt: skip
    member_options = {k: options.pop(k) for k in member_keys if k in options}
    if member_options:
        if "member_generator" in generators:
            _usage(
                "--config: give member options either at top level or in [member_generator], not both"
            )
        generators["member_generator"] = cdg.MemberGenerator(**member_options)
    if "payers" in options:
        if "payer_generator" in generators:
            _usage(
                "--config: give payers either at top level / --payers or in [payer_generator], not both"
            )
        generators["payer_generator"] = cdg.PayerGenerator(count=options.pop("payers"))
    return cdg.Population(
        options.pop("members"),
        seed=options.pop("seed", 0),
        as_of=options.pop("as_of", None),
        pins=options.pop("pins", None) or None,
        **generators,
    )


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--max-errors", default=20, show_default=True, type=click.IntRange(1, 100000),
              help="Errors shown per file.")  # fmt: skip
def validate(paths: tuple[str, ...], max_errors: int) -> None:
    """Validate X12 and FHIR files (or folders of them); exit 1 when anything is invalid.

    Each file is reported with the checks that ran on it, e.g. pyx12 and our envelope checks
    for X12, fhir.resources and reference checks for FHIR.
    """
    from .validation import validate_paths

    try:
        reports = validate_paths(paths)
    except cdg.ClinicalDataError as exc:
        _usage(str(exc))
    if not reports:
        _usage(f"PATHS: no files found in {', '.join(paths)}")
    failed = 0
    for report in reports:
        status = "ok  " if report.ok else "FAIL"
        checks = ", ".join(report.checks) or "none"
        click.echo(f"{status} {report.path} [{report.kind}] checks: {checks}")
        for note in report.notes:
            click.echo(f"     note: {note}")
        for error in report.errors[:max_errors]:
            click.echo(f"     error: {error}")
        if len(report.errors) > max_errors:
            click.echo(f"     ... {len(report.errors) - max_errors} more errors")
        failed += not report.ok
    click.echo(f"{len(reports)} files checked, {failed} with errors")
    if failed:
        raise click.exceptions.Exit(1)


@main.command()
def formats() -> None:
    """List the output format names, one line each."""
    width = max(len(name) for name in cdg.FORMATS)
    for name, summary in sorted(cdg.FORMATS.items()):
        click.echo(f"{name.ljust(width)}  {summary}")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code instead of exiting (for tests and embedding)."""
    try:
        result = main.main(
            args=list(argv) if argv is not None else None, prog_name="cdg", standalone_mode=False
        )
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        return 1
    return result if isinstance(result, int) else 0
