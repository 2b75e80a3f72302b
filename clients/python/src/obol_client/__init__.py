"""obol_client: a small Python client of Obol's obol.v1 gRPC services.

    from obol_client import Obol, ObolError

    with Obol("localhost:50051", api_key) as obol:
        debit = obol.check_and_debit(account_id="demo", feature="image", request_id="job-42")

The request and response messages are generated from proto/src/main/proto/obol/v1 at build time (see
obol_client.proto); the enums are re-exported here.
"""

from obol.v1.common_pb2 import AccountStatus, Asset, DenialReason, EntryKind, GrantSource

from obol_client._client import Obol
from obol_client._error import ObolError

__all__ = ["Obol", "ObolError", "AccountStatus", "Asset", "DenialReason", "EntryKind", "GrantSource"]
__version__ = "0.1.0.dev0"
