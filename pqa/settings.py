"""Process settings from the environment (prefix `PQA_`).

Built by `load_settings()`, never at import, so tests and commands make their
own with their own environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path(".pqa")


class Settings(BaseSettings):
    """Where the warehouse and the configuration are."""

    model_config = SettingsConfigDict(env_prefix="PQA_", extra="ignore")

    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the warehouse; default a SQLite file "
        "under .pqa/ in the working directory.",
    )
    config: Path | None = Field(
        None, description="Configuration file used when --config is not given."
    )
    home: Path = Field(
        DEFAULT_HOME,
        description="Folder for the embedded warehouse and the run snapshots.",
    )

    @property
    def resolved_database_url(self) -> str:
        """The warehouse URL, falling back to the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'warehouse.db').resolve()}"

    @property
    def snapshot_dir(self) -> Path:
        """Where each run's full evaluation is kept as a Parquet snapshot."""
        return self.home / "snapshots"

    def resolve_config_path(self, explicit: Path | None) -> Path:
        """--config FILE, else PQA_CONFIG, else pqa.toml in the working directory."""
        return explicit or self.config or Path("pqa.toml")


def load_settings() -> Settings:
    """Read the settings from the environment as it is now."""
    return Settings()
