"""The one exception tree of the project.

Every error a user can cause by a mistake of theirs is a `PqaError`; the CLI
prints its message as one sentence and exits non-zero, never a traceback.
"""


class PqaError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigurationError(PqaError):
    """The configuration file or a setting is invalid; nothing was run."""


class InputError(PqaError):
    """An input file or table cannot be used as signals at all."""


class ConnectorError(PqaError):
    """An outside system (warehouse, CRM, Slack, ...) refused or failed a call."""
