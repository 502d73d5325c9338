"""The generator's settings, read once at its edges (the MkDocs plugin's options, the CLI's environment)
and passed down as one typed object: nothing below the edges reads os.environ."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CACHE = Path(".cache/suanli")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")  # $SUANLI_DATA: the data folder (layout of data/)
    cache_dir: Path | None = DEFAULT_CACHE  # $SUANLI_CACHE: the generator's cache; None ("off") for none
    site_url: str = ""  # where the site is served (mkdocs.yml's site_url, from $SUANLI_SITE_URL)

    @classmethod
    def from_plugin(cls, base: Path, data: str, cache: str | bool, site_url: str) -> Settings:
        """From the plugin's options in mkdocs.yml; relative folders are taken from `base`, its folder.
        `cache`: a folder, or "off" (YAML's false, as !ENV reads a bare off) for none."""
        return cls(
            data_dir=base / data,
            cache_dir=None if cache in ("off", False) else base / str(cache),
            site_url=site_url,
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], site_url: str | None = None) -> Settings:
        cache = environ.get("SUANLI_CACHE") or str(DEFAULT_CACHE)
        return cls(
            data_dir=Path(environ.get("SUANLI_DATA") or "data"),
            cache_dir=None if cache == "off" else Path(cache),
            site_url=site_url if site_url is not None else environ.get("SUANLI_SITE_URL", ""),
        )
