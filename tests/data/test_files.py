"""The data directory's files: what stays parsed in memory, and when it may not."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from data.deadlines import SAO_PAULO
from data.errors import ValidationError
from data.models import Organisation
from data.tinystore.files import Files
from data.tinystore.repository import TinyRepository


@pytest.fixture
def files(tmp_path: Path) -> Files:
    files = Files(tmp_path)
    files.write(tmp_path / "index.json", {"_default": {"1": {"protocol": 1}}})
    return files


def test_a_refusal_keeps_what_was_parsed(files: Files) -> None:
    parsed = files.read("index.json")

    with pytest.raises(ValidationError), files.transaction():
        raise ValidationError("Não.")

    assert files.read("index.json") is parsed


def test_an_unexpected_failure_drops_what_was_parsed(files: Files) -> None:
    parsed = files.read("index.json")

    with pytest.raises(RuntimeError), files.transaction():
        raise RuntimeError("disk gone")

    again = files.read("index.json")
    assert again == parsed
    assert again is not parsed


def test_a_record_changed_in_place_leaves_the_stored_one_alone(tmp_path: Path) -> None:
    repository = TinyRepository(tmp_path)
    repository.put_organisation(
        Organisation(
            id=1,
            name="Prefeitura de Santos",
            created_at=datetime(2026, 3, 2, 10, 0, tzinfo=SAO_PAULO),
            domains=["santos.sp.gov.br"],
        )
    )

    changed = repository.get_organisation(1)
    assert changed is not None
    changed.domains.append("outro.com.br")

    kept = repository.get_organisation(1)
    assert kept is not None
    assert kept.domains == ["santos.sp.gov.br"]
