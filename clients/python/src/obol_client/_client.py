"""Obol: a client of Obol's obol.v1 WalletService, AccountService and AdminService."""

import copy
import datetime
import os
import random
import time
import uuid

import grpc
from google.protobuf import descriptor as _descriptor
from google.protobuf import timestamp_pb2

from obol.v1 import account_service_pb2 as _accounts
from obol.v1 import account_service_pb2_grpc as _accounts_grpc
from obol.v1 import admin_service_pb2 as _admin
from obol.v1 import admin_service_pb2_grpc as _admin_grpc
from obol.v1 import wallet_service_pb2 as _wallet
from obol.v1 import wallet_service_pb2_grpc as _wallet_grpc

from obol_client._error import ObolError

_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}
_USER_AGENT = "obol-client-python"


class Obol:
    """A client of Obol's obol.v1 services: the generated request and response messages, plus what every caller would
    otherwise write by hand.

    - The API key goes on every call as ``authorization: Bearer <key>``.
    - Every call has a deadline (``deadline_seconds``, 5 s) that bounds it as a whole, retries included.
    - ``UNAVAILABLE`` (no connection, a server restarting) is retried with the same request, and so the same
      ``request_id``: every Obol write is idempotent by request_id, so a retry of a write that did land returns the
      first answer and writes nothing twice. Attempts are bounded (``max_attempts``, 3) and spaced by a jittered
      exponential backoff (``initial_backoff_seconds`` 0.1, doubled up to ``max_backoff_seconds`` 2). No other code is
      retried: the answer would be the same.
    - A write sent without a ``request_id`` gets a random one, once, before the first attempt, so the client's own
      retries are safe. Set your own to make *your* retries (after a crash, from a queue) safe too.
    - Every failure is an ``ObolError`` with the gRPC code and the ErrorInfo reason, field and metadata. A denial
      (insufficient balance, suspended account) is a normal response with ``allowed=False``.

    Each method takes the request's fields as keyword arguments (``obol.check_and_debit(account_id="demo",
    feature="image", request_id="job-42")``), or a ready request message as its only positional argument, and returns
    the response message. Enum fields take the value or its name (``asset="ASSET_TOKEN"``); Timestamp fields take a
    ``Timestamp`` or a ``datetime`` (naive means UTC).

    Transport security (``tls``): ``None`` (the default) is plaintext for a loopback target (``localhost``,
    ``127.0.0.1``, ``[::1]``), as Obol listens out of the box, and TLS with the system's trusted roots for any other
    host, since the API key travels in every call. ``True``: TLS with the system's roots. A path (str or PathLike) or
    PEM bytes: TLS trusting those CA certificates (Obol's ``OBOL_GRPC_TLS_*`` certificate). A
    ``grpc.ChannelCredentials``: used as is. ``False``: plaintext whatever the target.

    Thread-safe: share one per process. A context manager; ``close()`` closes the channel it built.
    """

    def __init__(self, target, api_key, *, deadline_seconds=5.0, max_attempts=3, tls=None,
                 initial_backoff_seconds=0.1, max_backoff_seconds=2.0, options=None):
        if not target:
            raise ValueError("target is required: host:port (localhost:50051) or a URI (dns:///obol.internal:443)")
        api_key = (api_key or "").strip()
        if not api_key:
            raise ValueError("api_key is required (an Obol API key, e.g. from OBOL_DATA_DIR/admin-key)")
        self._deadline = _positive(deadline_seconds, "deadline_seconds")
        if int(max_attempts) != max_attempts or max_attempts < 1:
            raise ValueError("max_attempts must be an integer of at least 1, not %r" % (max_attempts,))
        self._max_attempts = int(max_attempts)
        self._initial_backoff = _positive(initial_backoff_seconds, "initial_backoff_seconds")
        self._max_backoff = _positive(max_backoff_seconds, "max_backoff_seconds")
        if self._max_backoff < self._initial_backoff:
            raise ValueError("max_backoff_seconds %r is below initial_backoff_seconds %r"
                             % (max_backoff_seconds, initial_backoff_seconds))
        channel_options = [("grpc.primary_user_agent", _USER_AGENT)] + list(options or [])
        credentials = _credentials(target, tls)
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=channel_options)
        else:
            self._channel = grpc.secure_channel(target, credentials, options=channel_options)
        self._owns_channel = True
        self._metadata = (("authorization", "Bearer " + api_key),)
        self._wallet = _wallet_grpc.WalletServiceStub(self._channel)
        self._accounts = _accounts_grpc.AccountServiceStub(self._channel)
        self._admin = _admin_grpc.AdminServiceStub(self._channel)

    def with_deadline(self, deadline_seconds):
        """The same client with another deadline, e.g. for run_monthly_charges, which may take longer than a debit.
        It shares this client's channel: close this one, not the view (closing the view does nothing)."""
        view = copy.copy(self)
        view._deadline = _positive(deadline_seconds, "deadline_seconds")
        view._owns_channel = False
        return view

    # ---- WalletService -----------------------------------------------------------------------------------------

    def check_and_debit(self, request=None, /, **fields):
        """Debits when the account is active and the balance covers it; else ``allowed=False`` and a reason."""
        return self._call(self._wallet.CheckAndDebit, _wallet.CheckAndDebitRequest, request, fields)

    def check(self, request=None, /, **fields):
        """CheckAndDebit's question without the debit."""
        return self._call(self._wallet.Check, _wallet.CheckRequest, request, fields)

    def grant(self, request=None, /, **fields):
        return self._call(self._wallet.Grant, _wallet.GrantRequest, request, fields)

    def reverse_debit(self, request=None, /, **fields):
        return self._call(self._wallet.ReverseDebit, _wallet.ReverseDebitRequest, request, fields)

    def get_balance(self, request=None, /, **fields):
        return self._call(self._wallet.GetBalance, _wallet.GetBalanceRequest, request, fields)

    def list_ledger_entries(self, request=None, /, **fields):
        return self._call(self._wallet.ListLedgerEntries, _wallet.ListLedgerEntriesRequest, request, fields)

    def list_features(self, request=None, /, **fields):
        return self._call(self._wallet.ListFeatures, _wallet.ListFeaturesRequest, request, fields)

    def get_usage_summary(self, request=None, /, **fields):
        return self._call(self._wallet.GetUsageSummary, _wallet.GetUsageSummaryRequest, request, fields)

    def reserve(self, request=None, /, **fields):
        return self._call(self._wallet.Reserve, _wallet.ReserveRequest, request, fields)

    def capture_reservation(self, request=None, /, **fields):
        return self._call(self._wallet.CaptureReservation, _wallet.CaptureReservationRequest, request, fields)

    def release_reservation(self, request=None, /, **fields):
        return self._call(self._wallet.ReleaseReservation, _wallet.ReleaseReservationRequest, request, fields)

    # ---- AccountService ----------------------------------------------------------------------------------------

    def list_catalog(self, request=None, /, **fields):
        return self._call(self._accounts.ListCatalog, _accounts.ListCatalogRequest, request, fields)

    def create_checkout_session(self, request=None, /, **fields):
        return self._call(self._accounts.CreateCheckoutSession, _accounts.CreateCheckoutSessionRequest, request, fields)

    def set_seat_count(self, request=None, /, **fields):
        return self._call(self._accounts.SetSeatCount, _accounts.SetSeatCountRequest, request, fields)

    def get_standing(self, request=None, /, **fields):
        return self._call(self._accounts.GetStanding, _accounts.GetStandingRequest, request, fields)

    def suspend_account(self, request=None, /, **fields):
        return self._call(self._accounts.SuspendAccount, _accounts.SuspendAccountRequest, request, fields)

    def reinstate_account(self, request=None, /, **fields):
        return self._call(self._accounts.ReinstateAccount, _accounts.ReinstateAccountRequest, request, fields)

    def run_monthly_charges(self, request=None, /, **fields):
        return self._call(self._accounts.RunMonthlyCharges, _accounts.RunMonthlyChargesRequest, request, fields)

    def set_auto_recharge(self, request=None, /, **fields):
        return self._call(self._accounts.SetAutoRecharge, _accounts.SetAutoRechargeRequest, request, fields)

    def get_auto_recharge(self, request=None, /, **fields):
        return self._call(self._accounts.GetAutoRecharge, _accounts.GetAutoRechargeRequest, request, fields)

    def list_accounts(self, request=None, /, **fields):
        return self._call(self._accounts.ListAccounts, _accounts.ListAccountsRequest, request, fields)

    def get_sales_summary(self, request=None, /, **fields):
        return self._call(self._accounts.GetSalesSummary, _accounts.GetSalesSummaryRequest, request, fields)

    # ---- AdminService ------------------------------------------------------------------------------------------

    def create_api_key(self, request=None, /, **fields):
        """The response's ``secret`` is shown once; Obol keeps only its hash."""
        return self._call(self._admin.CreateApiKey, _admin.CreateApiKeyRequest, request, fields)

    def list_api_keys(self, request=None, /, **fields):
        return self._call(self._admin.ListApiKeys, _admin.ListApiKeysRequest, request, fields)

    def revoke_api_key(self, request=None, /, **fields):
        return self._call(self._admin.RevokeApiKey, _admin.RevokeApiKeyRequest, request, fields)

    def reprocess_stripe_event(self, request=None, /, **fields):
        return self._call(self._admin.ReprocessStripeEvent, _admin.ReprocessStripeEventRequest, request, fields)

    # ---- the one call path -------------------------------------------------------------------------------------

    def _call(self, rpc, request_type, request, fields):
        """One unary RPC: request id, deadline, UNAVAILABLE retries, and the failure as an ObolError."""
        sent = _with_request_id(_request(request_type, request, fields))
        end = time.monotonic() + self._deadline
        backoff = self._initial_backoff
        attempt = 1
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise ObolError(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline of %ss exceeded" % self._deadline)
            try:
                return rpc(sent, timeout=remaining, metadata=self._metadata)
            except grpc.RpcError as e:
                error = e
            pause = backoff / 2 + random.uniform(0, backoff / 2)
            if (_code(error) != grpc.StatusCode.UNAVAILABLE
                    or attempt >= self._max_attempts
                    or end - time.monotonic() <= pause):
                raise ObolError.from_rpc_error(error) from error
            time.sleep(pause)
            backoff = min(backoff * 2, self._max_backoff)
            attempt += 1

    def close(self):
        """Closes the channel this client built; a no-op for a with_deadline view."""
        if self._owns_channel:
            self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def __repr__(self):
        return "Obol(deadline_seconds=%r, max_attempts=%r)" % (self._deadline, self._max_attempts)


def _request(request_type, request, fields):
    if request is not None:
        if fields:
            raise TypeError("pass a %s or its fields as keyword arguments, not both" % request_type.__name__)
        if not isinstance(request, request_type):
            raise TypeError("expected a %s, not %s" % (request_type.DESCRIPTOR.full_name, type(request).__name__))
        copied = request_type()
        copied.CopyFrom(request)  # the caller's message is never changed
        return copied
    for name, value in list(fields.items()):
        field = request_type.DESCRIPTOR.fields_by_name.get(name)
        if (field is not None and field.message_type is not None
                and field.message_type.full_name == "google.protobuf.Timestamp"
                and isinstance(value, datetime.datetime)):
            if value.tzinfo is not None:
                value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            timestamp = timestamp_pb2.Timestamp()
            timestamp.FromDatetime(value)
            fields[name] = timestamp
    return request_type(**fields)


def _with_request_id(request):
    """The request, with a random request_id if it has that field and it is empty."""
    field = request.DESCRIPTOR.fields_by_name.get("request_id")
    if (field is not None and field.type == _descriptor.FieldDescriptor.TYPE_STRING
            and field.label != _descriptor.FieldDescriptor.LABEL_REPEATED and not request.request_id):
        request.request_id = str(uuid.uuid4())
    return request


def _code(error):
    try:
        return error.code()
    except Exception:
        return None


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError("%s must be a positive number of seconds, not %r" % (name, value))
    return float(value)


def _credentials(target, tls):
    """None for plaintext, else the channel credentials."""
    if isinstance(tls, grpc.ChannelCredentials):
        return tls
    if tls is None:
        tls = not is_loopback(target)
    if tls is False:
        return None
    if tls is True:
        return grpc.ssl_channel_credentials()
    if isinstance(tls, bytes):
        return grpc.ssl_channel_credentials(root_certificates=tls)
    if isinstance(tls, (str, os.PathLike)):
        try:
            with open(tls, "rb") as pem:
                return grpc.ssl_channel_credentials(root_certificates=pem.read())
        except OSError as e:
            raise ValueError("cannot read the trusted certificates in %s: %s" % (tls, e)) from e
    raise TypeError("tls must be None, True, False, a PEM path, PEM bytes or grpc.ChannelCredentials, not %r" % (tls,))


def is_loopback(target):
    """Whether the target's host is loopback: localhost:50051, dns:///127.0.0.1:50051, [::1]:1."""
    authority = target.split(":///", 1)[1] if ":///" in target else target
    if authority.startswith("["):
        end = authority.find("]")
        host = authority if end < 0 else authority[:end + 1]
    else:
        colon = authority.rfind(":")
        host = authority if colon < 0 else authority[:colon]
    return host.lower() in _LOOPBACK
