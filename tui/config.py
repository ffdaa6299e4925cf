"""The console's configuration file: language, glyphs and key remapping.

A TOML file in the platform's config folder (or the path in ``SAC_CONFIG``)::

    language = "en"          # or "pt_BR"; the locale decides when absent
    glyphs = false           # plain text instead of symbols such as the eye
    attachment_folder = "~/Downloads"

    [keys]                   # binding id = keys, comma-separated
    "list.detail" = "enter,o"
    "app.quit" = "ctrl+c"

Every binding has an id; ``?`` in the console lists the keys and their ids.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from data.errors import ValidationError
from data.i18n import LANGUAGES, _


@dataclass
class Config:
    """What the configuration file may set; each field has a sensible default."""

    language: str | None = None
    glyphs: bool = True
    attachment_folder: Path = field(default_factory=Path.home)
    keys: dict[str, str] = field(default_factory=dict)


def config_path() -> Path:
    """Where the configuration file is read from."""
    configured = os.environ.get("SAC_CONFIG")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("sac", "Backsite")) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the configuration file; a missing file gives the defaults.

    Raises:
        ValidationError: the file is not valid TOML or has a wrong value,
            with a sentence that names the file and the problem.
    """
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValidationError(
            _(
                "The configuration file {path} cannot be read: {reason}",
                path=path,
                reason=error,
            )
        ) from None
    config = Config()
    language = raw.get("language")
    if language is not None and language not in LANGUAGES:
        raise ValidationError(
            _(
                "In {path}, language must be one of: {choices}.",
                path=path,
                choices=", ".join(LANGUAGES),
            )
        )
    config.language = language
    config.glyphs = bool(raw.get("glyphs", True))
    if "attachment_folder" in raw:
        config.attachment_folder = Path(str(raw["attachment_folder"])).expanduser()
    keys = raw.get("keys", {})
    if not isinstance(keys, dict) or not all(
        isinstance(value, str) for value in keys.values()
    ):
        raise ValidationError(
            _(
                'In {path}, [keys] maps binding ids to keys, such as "list.new" = "n".',
                path=path,
            )
        )
    config.keys = dict(keys)
    return config
