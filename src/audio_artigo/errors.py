"""The project's one error hierarchy.

Every failure a user can cause or fix (bad input, a missing or broken voice, a
full disk) is raised as a subclass of :class:`AudioArtigoError`; the CLI turns
it into one line on stderr and ``exit_code``. Anything else is a bug and keeps
its traceback.
"""


class AudioArtigoError(Exception):
    """Base class: a problem the user can act on."""

    exit_code = 2


class InputError(AudioArtigoError):
    """The article (or another input file) cannot be read or is empty."""


class VoiceError(AudioArtigoError):
    """A voice is missing, incomplete or broken."""


class VoiceNotFound(VoiceError):
    """No voice by that name is installed (it may still be downloadable)."""


class DownloadError(VoiceError):
    """A voice could not be downloaded or did not match its manifest."""


class SynthesisError(AudioArtigoError):
    """The speech engine failed."""


class PublishError(AudioArtigoError):
    """The episode could not be written or published (disk full, read-only folder...)."""


class ConfigError(AudioArtigoError):
    """podcast.toml or a lexicon file is invalid."""


class StoreError(AudioArtigoError):
    """The shared clip store cannot be reached or used."""


class ClusterError(AudioArtigoError):
    """The cluster (its broker, its workers) cannot be reached, or a cluster build failed."""


class RemoteBuildError(SynthesisError):
    """An article failed on the cluster (its reason is the workers'): like a local build's failure, it fails that article."""
