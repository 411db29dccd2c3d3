"""fhir-bundle: household transaction Bundles whose references all resolve inside the Bundle."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

import clinical_data_generator as cdg
from clinical_data_generator.errors import InvalidArgumentError
from clinical_data_generator.serializers.fhir import (
    MIN_BUNDLE_ENTRIES,
    BundleOptions,
    FHIRBundleFormat,
)

from .support import SHARED, read_bundles, read_ndjson, references


@pytest.fixture(scope="module")
def bundles(exported: Path) -> dict[str, dict[str, Any]]:
    return read_bundles(exported / "fhir-bundle")


def _bundle_problems(name: str, bundle: dict[str, Any], *, transaction: bool) -> list[str]:
    """Our Bundle rules: urn:uuid fullUrls, requests, resolvable references."""
    problems = []
    entries = bundle["entry"]
    full = Counter(e["fullUrl"] for e in entries)
    problems += [f"{name}: repeated fullUrl {u}" for u, n in full.items() if n > 1]
    for e in entries:
        r = e["resource"]
        if e["fullUrl"] != f"urn:uuid:{r['id']}":
            problems.append(f"{name}: fullUrl {e['fullUrl']} is not urn:uuid:{r['id']}")
        if transaction:
            method, url = e["request"]["method"], e["request"]["url"]
            if r["resourceType"] in SHARED:
                ok = method == "PUT" and url == f"{r['resourceType']}/{r['id']}"
            else:
                ok = (method, url) in {("POST", r["resourceType"]),
                                       ("PUT", f"{r['resourceType']}/{r['id']}")}  # fmt: skip
            if not ok:
                problems.append(f"{name}: {method} {url} for {r['resourceType']}")
        elif "request" in e:
            problems.append(f"{name}: collection entry with a request")
        for ref in references(r):
            if ref not in full:
                problems.append(f"{name}: {r['resourceType']}/{r['id']} -> {ref} unresolved")
    return problems


def test_household_bundles_follow_transaction_rules(bundles: dict[str, dict[str, Any]]) -> None:
    """Each Bundle is a transaction with urn:uuid fullUrls, POST/PUT requests, references inside it."""
    problems = []
    for name, bundle in bundles.items():
        assert bundle["type"] == "transaction"
        problems += _bundle_problems(name, bundle, transaction=True)
    assert problems == []


def test_bundles_validate_as_fhir_bundles(bundles: dict[str, dict[str, Any]]) -> None:
    """Whole Bundles (envelope and resources) parse with the fhir.resources R4B Bundle model."""
    for bundle in list(bundles.values())[:8]:
        Bundle.model_validate(bundle)


def test_one_bundle_per_household_with_its_members(
    bundles: dict[str, dict[str, Any]], population: cdg.Dataset
) -> None:
    """One Bundle per subscriber, named after them, holding exactly the household's Patients."""
    members = population.tables["members"].to_pylist()
    households = {m["subscriber_member_id"] for m in members}
    assert set(bundles) == households
    for m in members:
        patients = [e["resource"] for e in bundles[m["subscriber_member_id"]]["entry"]
                    if e["resource"]["resourceType"] == "Patient"]  # fmt: skip
        values = {i["value"] for p in patients for i in p["identifier"]}
        assert m["member_id"] in values


def test_bundles_hold_the_same_resources_as_ndjson(
    bundles: dict[str, dict[str, Any]], exported: Path
) -> None:
    """Household resources appear once across Bundles, identical to NDJSON but for urn:uuid references."""
    ndjson = read_ndjson(exported / "fhir-ndjson")
    by_id = {r["id"]: r for rs in ndjson.values() for r in rs}
    seen: Counter[str] = Counter()
    for bundle in bundles.values():
        for e in bundle["entry"]:
            r = e["resource"]
            if r["resourceType"] not in SHARED:
                seen[r["id"]] += 1
            relative = _relative(r, by_id)
            assert relative == by_id[r["id"]]
    household = {r["id"] for k, rs in ndjson.items() if k not in SHARED for r in rs}
    assert set(seen) == household and set(seen.values()) == {1}


def _relative(value: Any, by_id: dict[str, Any]) -> Any:
    """``value`` with urn:uuid references rewritten as Type/id (the NDJSON form)."""
    if isinstance(value, dict):
        out = {k: _relative(v, by_id) for k, v in value.items()}
        ref = value.get("reference")
        if isinstance(ref, str) and ref.startswith("urn:uuid:"):
            rid = ref.removeprefix("urn:uuid:")
            out["reference"] = f"{by_id[rid]['resourceType']}/{rid}"
        return out
    if isinstance(value, list):
        return [_relative(v, by_id) for v in value]
    return value


@pytest.fixture(scope="module")
def small_dataset() -> cdg.Dataset:
    return cdg.generate(members=40, seed=9)


def _write(ds: cdg.Dataset, tmp_path: Path, options: BundleOptions) -> dict[str, dict[str, Any]]:
    ds.write(tmp_path, formats=[FHIRBundleFormat(options=options)])
    return read_bundles(tmp_path / "fhir-bundle")


def test_collection_bundles_have_no_requests(small_dataset: cdg.Dataset, tmp_path: Path) -> None:
    """type='collection' writes collection Bundles without request elements, still resolvable."""
    bundles = _write(small_dataset, tmp_path, BundleOptions(type="collection"))
    for name, bundle in bundles.items():
        assert bundle["type"] == "collection"
        assert _bundle_problems(name, bundle, transaction=False) == []


def test_put_method_makes_every_entry_an_update(small_dataset: cdg.Dataset, tmp_path: Path) -> None:
    """method='PUT' writes every entry as PUT Type/id, so loading twice changes nothing."""
    bundles = _write(small_dataset, tmp_path, BundleOptions(method="PUT"))
    methods = {e["request"]["method"] for b in bundles.values() for e in b["entry"]}
    assert methods == {"PUT"}


def test_split_bundles_are_small_closed_and_complete(
    small_dataset: cdg.Dataset, tmp_path: Path
) -> None:
    """max_entries splits large households into parts that each resolve every reference they make."""
    whole = _write(small_dataset, tmp_path / "whole", BundleOptions())
    parts = _write(small_dataset, tmp_path / "parts", BundleOptions(max_entries=MIN_BUNDLE_ENTRIES))
    assert len(parts) > len(whole)
    problems = []
    for name, bundle in parts.items():
        assert len(bundle["entry"]) <= MIN_BUNDLE_ENTRIES, name
        assert {e["request"]["method"] for e in bundle["entry"]} == {"PUT"}
        problems += _bundle_problems(name, bundle, transaction=True)
    assert problems == []
    ids = {e["resource"]["id"] for b in whole.values() for e in b["entry"]}
    assert {e["resource"]["id"] for b in parts.values() for e in b["entry"]} == ids
    assert set(whole) == {n.rsplit("-", 1)[0] if n not in whole else n for n in parts}


def test_bundle_ids_are_distinct_and_deterministic(
    small_dataset: cdg.Dataset, tmp_path: Path
) -> None:
    """Bundle ids are unique per Bundle and the same on every run."""
    first = _write(small_dataset, tmp_path / "a", BundleOptions(max_entries=30))
    second = _write(small_dataset, tmp_path / "b", BundleOptions(max_entries=30))
    ids = [b["id"] for b in first.values()]
    assert len(set(ids)) == len(ids)
    assert ids == [b["id"] for b in second.values()]


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"type": "batch"}, "type"),
        ({"max_entries": MIN_BUNDLE_ENTRIES - 1}, "max_entries"),
        ({"max_entries": True}, "max_entries"),
        ({"method": "PATCH"}, "method"),
        ({"max_entries": 100, "method": "POST"}, "method"),
        ({"indent": "yes"}, "indent"),
    ],
)
def test_bad_options_name_the_argument(kwargs: dict[str, Any], argument: str) -> None:
    """Invalid Bundle options raise an error naming the option (indent: a TypeError from attrs)."""
    with pytest.raises((InvalidArgumentError, TypeError)) as info:
        BundleOptions(**kwargs)
    assert argument in str(info.value)


def test_indented_bundles_hold_the_same_json(small_dataset: cdg.Dataset, tmp_path: Path) -> None:
    """indent=True only pretty-prints: the parsed Bundles are the same."""
    plain = _write(small_dataset, tmp_path / "plain", BundleOptions())
    pretty = _write(small_dataset, tmp_path / "pretty", BundleOptions(indent=True))
    assert plain == pretty
    assert b'\n  "type"' in next((tmp_path / "pretty" / "fhir-bundle").glob("*.json")).read_bytes()


class _CountingSink:
    """A DocumentSink that records how many of its streams are open at once."""

    def __init__(self) -> None:
        self.open_now = 0
        self.most = 0
        self.files: dict[str, bytes] = {}

    def open(self, relative_path: str) -> Any:
        sink = self

        class Stream:
            def __init__(self) -> None:
                sink.open_now += 1
                sink.most = max(sink.most, sink.open_now)
                self.closed = False

            def write(self, data: bytes) -> int:
                sink.files[relative_path] = sink.files.get(relative_path, b"") + data
                return len(data)

            def close(self) -> None:
                if not self.closed:
                    sink.open_now -= 1
                    self.closed = True

        return Stream()


def test_bundle_files_are_closed_as_they_are_written(small_dataset: cdg.Dataset) -> None:
    """One file per household must not keep thousands of files open (EMFILE on big runs)."""
    sink = _CountingSink()
    reference = {n: small_dataset.tables[n] for n in ("payers", "plans", "sponsors", "providers")}
    writer = FHIRBundleFormat().open(sink, reference, small_dataset.info)
    writer.write_block(dict(small_dataset.tables))
    writer.close()
    assert len(sink.files) > 5 and sink.most == 1
