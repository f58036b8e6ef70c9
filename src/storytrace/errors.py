"""One exception family, so callers (the CLI, the server) can catch everything storytrace raises."""


class StorytraceError(Exception):
    """Base class of every error storytrace raises on purpose."""


class InputError(StorytraceError):
    """Input that cannot be read as articles (the message names the file and line or row)."""


class ConfigError(StorytraceError, ValueError):
    """A parameter outside its valid range; the message quotes the bad value and says what is allowed."""


class NotFound(StorytraceError, KeyError):
    """An article or story id that is not in the index."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
