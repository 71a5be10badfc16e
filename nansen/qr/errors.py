"""The one error the QR codec raises: its messages name the problem, never the data."""

from nansen.errors import InvalidInput


class QRCodeError(InvalidInput):
    """A presentation cannot be put into a QR code, or a QR code or its text cannot be read."""
