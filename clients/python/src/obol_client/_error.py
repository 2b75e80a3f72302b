"""ObolError: every failed call of an Obol client, with the ErrorInfo Obol attaches."""

import grpc

from google.rpc import error_details_pb2, status_pb2

_DETAILS_KEY = "grpc-status-details-bin"


class ObolError(Exception):
    """Every failed call: one type, so a caller catches one thing and switches on ``reason`` (the contract's stable
    UPPER_SNAKE name, e.g. ``REQUEST_ID_CONFLICT``), not on message text.

    Obol puts one ``google.rpc.ErrorInfo`` (domain ``obol``) in the ``grpc-status-details-bin`` trailer of each error;
    this unpacks it. A failure Obol did not answer itself (no connection, a deadline, a proxy in between) has the gRPC
    code only: an empty reason and domain, no field and no metadata.

    A denial (an insufficient balance, a suspended account) is not an error: it is ``allowed=False`` in the response.

    Attributes:
        code: the ``grpc.StatusCode``, e.g. ``grpc.StatusCode.INVALID_ARGUMENT``.
        message: the status message.
        reason: the ErrorInfo reason, e.g. ``API_KEY_INVALID``; ``""`` when the failure did not come from Obol.
        domain: ``"obol"`` for Obol's own errors, else ``""``.
        field: the request field a bad argument was found in (ErrorInfo metadata ``field``), or ``None``.
        metadata: all ErrorInfo metadata (a dict), e.g. ``{"field": "account_id"}`` or ``{"scope": "wallet:grant"}``.
    """

    def __init__(self, code, message="", reason="", domain="", metadata=None):
        self.code = code
        self.message = message or ""
        self.reason = reason or ""
        self.domain = domain or ""
        self.metadata = dict(metadata or {})
        self.field = self.metadata.get("field")
        super().__init__(self._text())

    def _text(self):
        name = self.code.name if isinstance(self.code, grpc.StatusCode) else str(self.code)
        return name + (": " + self.message if self.message else "") + (" [" + self.reason + "]" if self.reason else "")

    def __str__(self):
        return self._text()

    def __repr__(self):
        return "ObolError(%r, %r, reason=%r, metadata=%r)" % (self.code, self.message, self.reason, self.metadata)

    @classmethod
    def from_rpc_error(cls, error):
        """The ObolError of a failed call (a ``grpc.RpcError`` that is also a ``grpc.Call``)."""
        code = _call(error, "code") or grpc.StatusCode.UNKNOWN
        message = _call(error, "details") or ""
        for key, value in _call(error, "trailing_metadata") or ():
            if key != _DETAILS_KEY:
                continue
            try:
                status = status_pb2.Status.FromString(value if isinstance(value, bytes) else value.encode("latin-1"))
            except Exception:  # a detail we cannot read: the code alone still says what happened
                break
            for detail in status.details:
                if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    if detail.Unpack(info):
                        return cls(code, status.message or message, info.reason, info.domain, dict(info.metadata))
            break
        return cls(code, message)


def _call(error, name):
    method = getattr(error, name, None)
    try:
        return method() if callable(method) else None
    except Exception:
        return None
