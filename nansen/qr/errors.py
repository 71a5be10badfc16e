"""The one error the QR codec raises: its messages name the problem, never the data."""

from nansen.errors import InvalidInput


class QRCodeError(InvalidInput):
    """A presentation cannot be put into a QR code, or a QR code or its text cannot be read.

    ``kind`` names the problem for programs that act on it (a camera keeps scanning after
    ``no-qr-code``): ``no-qr-code``, ``several-qr-codes``, ``image-too-large``, ``not-an-image``,
    ``not-nansen``, ``other-version``, or ``damaged`` for everything else.
    """

    def __init__(self, message: str, kind: str = "damaged") -> None:
        super().__init__(message)
        self.kind = kind
