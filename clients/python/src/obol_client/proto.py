"""The generated obol.v1 messages and stubs, generated at build time (protoc + grpc_python_plugin) into obol.v1.

    from obol_client.proto import wallet_service_pb2, common_pb2
"""

from obol.v1 import account_service_pb2, account_service_pb2_grpc  # noqa: F401
from obol.v1 import admin_service_pb2, admin_service_pb2_grpc  # noqa: F401
from obol.v1 import common_pb2  # noqa: F401
from obol.v1 import wallet_service_pb2, wallet_service_pb2_grpc  # noqa: F401
from google.rpc import error_details_pb2, status_pb2  # noqa: F401

__all__ = [
    "account_service_pb2", "account_service_pb2_grpc",
    "admin_service_pb2", "admin_service_pb2_grpc",
    "common_pb2",
    "wallet_service_pb2", "wallet_service_pb2_grpc",
    "error_details_pb2", "status_pb2",
]
