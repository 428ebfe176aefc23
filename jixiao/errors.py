"""The exceptions jixiao raises to its users: catch `JixiaoError` for all of them.

Plain classes without imports, so every layer (readers, normalisation, batch)
can raise them without loading the others.
"""


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose; the message names the file and the reason."""


class ReadError(JixiaoError):
    """A file that cannot be read as a document (empty, damaged, encrypted, not text, Word or PDF)."""


class NotAReport(JixiaoError):
    """A readable document that holds nothing of a performance-goal report."""


class BatchError(JixiaoError):
    """A batch that cannot run or finish as a whole (OUT in use or not writable, no inputs, no Dask workers)."""


class NoInputs(BatchError):
    """The inputs hold no file, or none that --include/--exclude select."""


class Interrupted(BatchError):
    """The batch was stopped by Ctrl-C or SIGTERM; what finished is kept and the same command resumes."""


class DiskFull(BatchError):
    """OUT's file system is full: the batch stops, every complete file is kept."""
