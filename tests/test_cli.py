"""The ``cdg`` command as users run it: in a subprocess, with real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import clinical_data_generator as cdg
from clinical_data_generator import cli


def cdg_run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clinical_data_generator", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300, check=False,
    )  # fmt: skip


def test_generate_writes_the_documented_layout(tmp_path: Path) -> None:
    """`cdg generate` writes manifest.json and one folder per format with one file per table."""
    out = tmp_path / "out"
    result = cdg_run(
        "generate",
        "--members",
        "2500",
        "--seed",
        "7",
        "--format",
        "csv",
        "--format",
        "parquet",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["seed"] == 7 and manifest["options"]["members"] == 2500
    assert manifest["tables"]["members"] == 2500
    assert manifest["version"] == cdg.__version__
    for entry in manifest["files"]:
        path = out / entry["path"]
        assert path.stat().st_size == entry["size"]
    members = pacsv.read_csv(out / "csv" / "members.csv")
    assert members.num_rows == 2500
    assert (
        pq.read_table(out / "parquet" / "coverages.parquet").num_rows
        == manifest["tables"]["coverages"]
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".cdg-partial")]
    assert "\x1b[" not in result.stderr, "no progress bar when stderr is not a terminal"


def test_cli_matches_python_api(tmp_path: Path) -> None:
    """The CLI and cdg.Population(...).write give the same bytes for the same options."""
    cli_out, api_out = tmp_path / "cli", tmp_path / "api"
    args = ["generate", "--members", "700", "--seed", "3", "--as-of", "2025-02-28", "--state", "CA",
            "--format", "ndjson", "--out", str(cli_out), "--quiet"]  # fmt: skip
    assert cdg_run(*args).returncode == 0
    cdg.Population(
        700, seed=3, as_of="2025-02-28", member_generator=cdg.MemberGenerator(states=["CA"])
    ).write(api_out, formats=["ndjson"])
    assert (cli_out / "manifest.json").read_bytes() == (api_out / "manifest.json").read_bytes()


def test_config_file_mirrors_python_options(tmp_path: Path) -> None:
    """--config TOML sets options, generator tables included; flags override it."""
    config = tmp_path / "run.toml"
    config.write_text(
        'members = 400\nseed = 5\nformats = ["csv"]\nmin_age = 65\nlines_of_business = ["medicare"]\n'
        "[coverage_generator]\nhistory_years = 2\n"
    )
    out = tmp_path / "out"
    result = cdg_run(
        "generate", "--config", str(config), "--seed", "6", "--out", str(out), "--quiet"
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["seed"] == 6
    assert manifest["options"]["coverage_generator"]["history_years"] == 2
    lobs = set(pacsv.read_csv(out / "csv" / "members.csv").column("line_of_business").to_pylist())
    assert lobs == {"medicare"}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["--members", "-5"],
            "--members: -5 is not allowed: expected an integer from 1 to 1,000,000,000",
        ),
        (["--members", "2000000000"], "--members: 2000000000 is not allowed"),
        (
            ["--members", "10", "--format", "xml"],
            "--format: 'xml' is not allowed: expected one of ['csv'",
        ),
        (
            ["--members", "10", "--as-of", "2026-02-30"],
            "--as-of: '2026-02-30' is not allowed: expected a date written YYYY-MM-DD",
        ),
        (
            ["--members", "10", "--workers", "0"],
            "--workers: 0 is not allowed: expected an integer from 1 to 256",
        ),
        (["--members", "10", "--state", "ZZ"], "--state: ['ZZ'] is not allowed"),
        (
            ["--members", "10", "--min-age", "50", "--max-age", "40"],
            "--max-age: 40 is not allowed: expected at least min_age (50)",
        ),
        (
            ["--members", "10", "--payers", "0"],
            "--payers: 0 is not allowed: expected an integer from 1 to 50",
        ),
        (["--members", "ten"], "'ten' is not a valid integer"),
        ([], "--members is required"),
    ],
)
def test_bad_input_exits_2_naming_the_option(tmp_path: Path, args: list[str], needle: str) -> None:
    """Bad values exit with code 2 and a message naming the option and the allowed values."""
    base = ["generate", *args]
    if "--format" not in args:
        base += ["--format", "csv"]
    result = cdg_run(*base, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_unwritable_target_exits_2(tmp_path: Path) -> None:
    """An output path that is a file is refused with code 2 and nothing is written."""
    target = tmp_path / "a-file"
    target.write_text("x")
    result = cdg_run("generate", "--members", "10", "--format", "csv", "--out", str(target))
    assert result.returncode == 2
    assert "--out" in result.stderr and "is a file" in result.stderr
    assert target.read_text() == "x"


def test_bad_config_key_is_named(tmp_path: Path) -> None:
    """An unknown key in --config is reported with the allowed keys."""
    config = tmp_path / "bad.toml"
    config.write_text("members = 10\nmembres = 3\n")
    result = cdg_run(
        "generate", "--config", str(config), "--format", "csv", "--out", str(tmp_path / "o")
    )
    assert result.returncode == 2 and "unknown key(s) ['membres']" in result.stderr


def test_formats_lists_every_format() -> None:
    """`cdg formats` prints one line per registered format."""
    result = cdg_run("formats")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == sorted(cdg.FORMATS)


def test_console_script_is_installed() -> None:
    """The `cdg` entry point runs (installed by pip install -e .)."""
    import shutil

    exe = shutil.which("cdg")
    assert exe, "the cdg console script is not on PATH"
    result = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and cdg.__version__ in result.stdout


def test_progress_bar_on_a_terminal_and_quiet_turns_it_off(tmp_path: Path) -> None:
    """On a TTY stderr a progress bar is drawn; --quiet suppresses it."""
    import os
    import pty

    def stderr_on_tty(*extra: str) -> str:
        master, slave = pty.openpty()
        args = [
            "generate",
            "--members",
            "40000",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "o"),
            *extra,
        ]
        proc = subprocess.Popen(
            [sys.executable, "-m", "clinical_data_generator", *args],
            stdout=subprocess.DEVNULL, stderr=slave, env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
        )  # fmt: skip
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=300)
        os.close(master)
        assert proc.returncode == 0
        return b"".join(chunks).decode(errors="replace")

    shown = stderr_on_tty()
    assert "generating" in shown and "blocks" in shown
    assert "generating" not in stderr_on_tty("--quiet")


def test_table_option_limits_the_output(tmp_path: Path) -> None:
    """`--table members` writes only the members table."""
    out = tmp_path / "out"
    result = cdg_run(
        "generate", "--members", "50", "--format", "csv", "--table", "members", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (out / "csv").iterdir()) == ["members.csv"]
    bad = cdg_run(
        "generate", "--members", "50", "--format", "csv", "--table", "claim", "--out", str(out)
    )
    assert bad.returncode == 2
    assert "--table: ['claim'] is not allowed" in bad.stderr


def test_x12_config_table_sets_the_envelope(tmp_path: Path) -> None:
    """An [x12] table in --config configures every x12-* format and is kept in the manifest."""
    config = tmp_path / "x12.toml"
    config.write_text('[x12]\nsender_id = "MYCLEARINGHOUSE"\nusage_indicator = "P"\n')
    out = tmp_path / "out"
    code = cli.run(["generate", "--members", "40", "--seed", "2", "--format", "x12-837p",
                    "--config", str(config), "--out", str(out), "--quiet"])  # fmt: skip
    assert code == 0
    first = sorted((out / "x12-837p").glob("*.x12"))[0].read_text()
    assert first.startswith("ISA*") and "*ZZ*MYCLEARINGHOUSE*" in first[:110]
    assert first[102] == "P"  # ISA15 usage indicator
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format_options"]["x12-837p"]["sender_id"] == "MYCLEARINGHOUSE"
    bad = tmp_path / "bad.toml"
    bad.write_text("[x12]\nbogus = 1\n")
    result = cdg_run("generate", "--members", "5", "--format", "x12-837p", "--config", str(bad),
                     "--out", str(tmp_path / "x"))  # fmt: skip
    assert result.returncode == 2 and "[x12] has unknown option(s) ['bogus']" in result.stderr
