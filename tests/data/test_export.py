"""A customer's copy of its data: all of its own, nothing of anyone else's."""

from __future__ import annotations

import copy
import hashlib
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from data.deadlines import SAO_PAULO
from data.errors import NotFound, PermissionDenied, StoreError, ValidationError
from data.export import export_organisation
from data.helpdesk import Helpdesk
from data.i18n import set_language
from data.models import Category, Kind, Permission, Role, Severity
from data.store import Draft

PASSWORD = "Copia-da-base-LGPD-18"
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=SAO_PAULO)


class Helpdesks:
    """Two organisations with people, interactions, notes and attachments."""

    def __init__(self, root: Path, files: Path) -> None:
        files.mkdir()
        self.store = store = Helpdesk(root, clock=lambda: NOW)
        self.admin = store.add_user(
            None,
            name="Ana Souza",
            email="ana@backsite.com.br",
            role=Role.ADMIN,
            password=PASSWORD,
        )
        self.agent = store.add_user(
            self.admin,
            name="Bruno Lima",
            email="bruno@backsite.com.br",
            role=Role.AGENT,
            password=PASSWORD,
        )
        self.santos = store.create_organisation(
            self.admin, name="Prefeitura de Santos", domains=["santos.sp.gov.br"]
        )
        self.vicente = store.create_organisation(
            self.admin, name="Câmara de São Vicente", domains=["saovicente.sp.leg.br"]
        )
        self.carla = store.register(
            name="Carla Dias",
            email="carla@santos.sp.gov.br",
            password=PASSWORD,
            phone="(13) 3568-7961",
        )
        self.diego = store.register(
            name="Diego Nunes",
            email="diego@santos.sp.gov.br",
            password=PASSWORD,
            phone="(13) 3568-7962",
        )
        self.otavio = store.register(
            name="Otávio Reis",
            email="otavio@saovicente.sp.leg.br",
            password=PASSWORD,
            phone="(13) 3466-1200",
        )
        ours = files / "print-da-tela.png"
        ours.write_bytes(b"\x89PNG santos " * 40)
        twin = files / "sub" / "print-da-tela.png"
        twin.parent.mkdir()
        twin.write_bytes(b"\x89PNG outra tela " * 40)
        theirs = files / "planilha-sigilosa.csv"
        theirs.write_bytes(b"vereador;gabinete;segredo-de-sao-vicente\n" * 20)
        self.santos_protocol = store.create_interaction(
            self.carla,
            Draft(
                Category.SUPPORT,
                Kind.COMPLAINT,
                "Remessas digitais não abrem",
                "Desde ontem o GPE não abre as remessas do protocolo.",
                severity=Severity.MEDIUM,
                attachments=[ours, twin],
            ),
        ).protocol
        store.add_note(
            self.agent, self.santos_protocol, "NOTA INTERNA: cliente difícil"
        )
        store.forward(
            self.agent,
            self.santos_protocol,
            "ENCAMINHAMENTO INTERNO para a equipe de infraestrutura",
            team="Infraestrutura",
        )
        store.answer(self.agent, self.santos_protocol, "Reiniciamos o servidor.")
        self.request = store.create_interaction(
            self.diego,
            Draft(
                Category.DATA_COPY,
                Kind.REQUEST,
                "Cópia da base de dados",
                "Pedimos a cópia dos nossos dados, conforme a LGPD.",
            ),
        ).protocol
        self.vicente_protocol = store.create_interaction(
            self.otavio,
            Draft(
                Category.SAC,
                Kind.REQUEST,
                "Assunto reservado de São Vicente",
                "Texto que só a Câmara de São Vicente pode ler.",
                attachments=[theirs],
            ),
        ).protocol
        self.theirs = theirs.read_bytes()


@pytest.fixture(autouse=True)
def portuguese() -> None:
    set_language("pt_BR")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Helpdesks:
    folder = tmp_path_factory.mktemp("template")
    return Helpdesks(folder / "data", folder / "files")


@pytest.fixture
def desk(tmp_path: Path, template: Helpdesks) -> Helpdesks:
    """A copy of the template's data directory: hashing passwords takes time."""
    shutil.copytree(template.store.root, tmp_path / "data")
    desk = copy.copy(template)
    desk.store = Helpdesk(tmp_path / "data", clock=lambda: NOW)
    return desk


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_copy_holds_the_organisation_its_people_and_interactions(
    desk: Helpdesks, tmp_path: Path
) -> None:
    out = tmp_path / "saida"
    out.mkdir()

    result = export_organisation(
        desk.store, desk.admin, desk.santos.id, out, protocol=desk.request
    )

    files = members(result.path)
    assert result.path.parent == out
    assert result.path.name == "copia-da-base-1-20260310-100000.zip"
    organisation = orjson.loads(files["organisation.json"])
    assert organisation["name"] == "Prefeitura de Santos"
    users = orjson.loads(files["users.json"])
    assert {u["email"] for u in users} == {
        "carla@santos.sp.gov.br",
        "diego@santos.sp.gov.br",
    }
    interactions = orjson.loads(files["interactions.json"])
    assert [i["protocol"] for i in interactions] == [
        desk.santos_protocol,
        desk.request,
    ]
    answered = interactions[0]
    assert any(e["kind"] == "answered" for e in answered["timeline"])
    assert {e["actor"] for e in answered["timeline"]} >= {"Carla Dias"}
    # Every attachment, byte for byte, under a unique name.
    stored = desk.store.get_interaction(desk.admin, desk.santos_protocol)
    for attachment, entry in zip(
        stored.attachments, answered["attachments"], strict=True
    ):
        content = files[entry["file"]]
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
    assert sorted(e["file"] for e in answered["attachments"]) == [
        "attachments/1/print-da-tela (2).png",
        "attachments/1/print-da-tela.png",
    ]
    assert result.interactions == 2
    assert result.attachments == 2
    assert result.users == 2
    assert result.missing == []


def test_nothing_of_another_organisation_and_no_password_or_internal_note(
    desk: Helpdesks, tmp_path: Path
) -> None:
    result = export_organisation(desk.store, desk.admin, desk.santos.id, tmp_path)

    files = members(result.path)
    everything = b"\n".join(files.values())
    for foreign in (
        b"S\xc3\xa3o Vicente",
        b"saovicente",
        "Otávio".encode(),
        b"Assunto reservado",
        b"segredo-de-sao-vicente",
        b"planilha-sigilosa",
        desk.theirs[:40],
    ):
        assert foreign not in everything
    assert b"$argon2" not in everything
    assert b"password_hash" not in everything
    assert b"NOTA INTERNA" not in everything
    assert b"ENCAMINHAMENTO INTERNO" not in everything
    for interaction in orjson.loads(files["interactions.json"]):
        assert interaction["organisation_id"] == desk.santos.id
        assert not any(event["internal"] for event in interaction["timeline"])
    for user in orjson.loads(files["users.json"]):
        assert user["organisation_id"] == desk.santos.id
    assert not [name for name in files if name.endswith((".py", ".pyc", ".tcss"))]
    assert {name.split("/")[0] for name in files} == {
        "LEIA-ME.txt",
        "manifest.json",
        "organisation.json",
        "users.json",
        "interactions.json",
        "attachments",
    }


def test_the_manifest_lets_the_customer_check_every_file(
    desk: Helpdesks, tmp_path: Path
) -> None:
    result = export_organisation(desk.store, desk.admin, desk.santos.id, tmp_path)

    files = members(result.path)
    manifest = orjson.loads(files["manifest.json"])
    assert manifest["organisation"] == {"id": 1, "name": "Prefeitura de Santos"}
    assert manifest["counts"] == {"users": 2, "interactions": 2, "attachments": 2}
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert entry["size"] == len(files[name])
    readme = files["LEIA-ME.txt"].decode()
    assert "LGPD" in readme and "Prefeitura de Santos" in readme


def test_a_missing_attachment_file_is_reported_not_hidden(
    desk: Helpdesks, tmp_path: Path
) -> None:
    stored = desk.store.get_interaction(desk.admin, desk.santos_protocol)
    desk.store.repository.attachment_path(stored.attachments[0].id).unlink()

    result = export_organisation(desk.store, desk.admin, desk.santos.id, tmp_path)

    assert result.missing == ["attachments/1/print-da-tela.png"]
    files = members(result.path)
    manifest = orjson.loads(files["manifest.json"])
    assert manifest["missing_attachments"] == result.missing
    assert (
        "Um anexo não pôde ser incluído porque o arquivo estava ausente ou "
        "danificado; ele está listado em manifest.json."
    ) in files["LEIA-ME.txt"].decode()


def test_only_admins_and_people_granted_backup_may_export(
    desk: Helpdesks, tmp_path: Path
) -> None:
    for person in (desk.carla, desk.agent):
        with pytest.raises(PermissionDenied):
            export_organisation(desk.store, person, desk.santos.id, tmp_path)
    assert list(tmp_path.glob("*.zip")) == []

    granted = desk.store.grant(desk.admin, desk.agent.id, Permission.BACKUP)
    result = export_organisation(desk.store, granted, desk.santos.id, tmp_path)
    assert result.path.exists()


def test_the_request_must_be_a_data_copy_of_that_organisation(
    desk: Helpdesks, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="cópia"):
        export_organisation(
            desk.store,
            desk.admin,
            desk.santos.id,
            tmp_path,
            protocol=desk.santos_protocol,
        )
    with pytest.raises(NotFound):
        export_organisation(
            desk.store,
            desk.admin,
            desk.santos.id,
            tmp_path,
            protocol=desk.vicente_protocol,
        )
    with pytest.raises(NotFound):
        export_organisation(desk.store, desk.admin, 99, tmp_path)
    with pytest.raises(ValidationError):
        export_organisation(desk.store, desk.admin, 1, tmp_path / "nao-existe")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_a_failed_export_leaves_no_archive(
    desk: Helpdesks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "saida"
    out.mkdir()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full_disk)
    with pytest.raises(StoreError, match="não pôde ser gravada"):
        export_organisation(desk.store, desk.admin, desk.santos.id, out)
    monkeypatch.undo()
    assert list(out.iterdir()) == []
