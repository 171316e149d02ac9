"""The one error type the exporter raises for problems a user can fix."""


class ExportError(Exception):
    """A model cannot be exported; the message says what failed and why.

    Messages read ``"Cannot export model: <why>"`` so the command line can print them as they are.
    """

    @classmethod
    def because(cls, why: str) -> "ExportError":
        """Builds the error with the standard ``Cannot export model:`` prefix."""
        return cls(f"Cannot export model: {why}")
