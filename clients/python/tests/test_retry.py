"""The client's own logic (retries, deadline, headers, error unpacking) against a fake WalletService on a local port:
a real Obol cannot be made UNAVAILABLE twice and then answer on cue."""

import threading
import time
import unittest
from concurrent import futures

import grpc
from google.protobuf import any_pb2

from obol_client import Obol, ObolError
from obol_client._client import is_loopback
from obol_client.proto import error_details_pb2, status_pb2, wallet_service_pb2, wallet_service_pb2_grpc


class FakeWallet(wallet_service_pb2_grpc.WalletServiceServicer):

    def __init__(self):
        self.request_ids = []
        self.authorizations = []
        self.failures_left = 0
        self.failure = (grpc.StatusCode.UNAVAILABLE, "restarting", None)
        self.hang = threading.Event()  # set: never answers, the deadline must end the call
        self.released = threading.Event()

    def CheckAndDebit(self, request, context):
        self.request_ids.append(request.request_id)
        self.authorizations.append(dict(context.invocation_metadata()).get("authorization"))
        if self.hang.is_set():
            self.released.wait(10)
            context.abort(grpc.StatusCode.CANCELLED, "released")
        if self.failures_left > 0:
            self.failures_left -= 1
            code, message, status = self.failure
            if status is not None:
                context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
            context.abort(code, message)
        return wallet_service_pb2.CheckAndDebitResponse(allowed=True, debited=50, balance=50)


class RetryTest(unittest.TestCase):

    def setUp(self):
        self.wallet = FakeWallet()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        wallet_service_pb2_grpc.add_WalletServiceServicer_to_server(self.wallet, self.server)
        port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()
        self.target = "127.0.0.1:%d" % port

    def tearDown(self):
        self.wallet.released.set()
        self.server.stop(None)

    def client(self, **settings):
        settings.setdefault("initial_backoff_seconds", 0.005)
        settings.setdefault("max_backoff_seconds", 0.02)
        obol = Obol(self.target, "obol_test_key", **settings)
        self.addCleanup(obol.close)
        return obol

    def debit(self, obol, request_id="r-1"):
        return obol.check_and_debit(account_id="a", feature="image", request_id=request_id)

    def test_unavailable_twice_then_the_answer_with_the_same_request_id(self):
        self.wallet.failures_left = 2

        response = self.debit(self.client())

        self.assertTrue(response.allowed)
        self.assertEqual(["r-1", "r-1", "r-1"], self.wallet.request_ids)
        self.assertEqual(["Bearer obol_test_key"] * 3, self.wallet.authorizations)

    def test_a_request_without_an_id_gets_one_that_every_attempt_shares(self):
        self.wallet.failures_left = 1

        self.client().check_and_debit(account_id="a", feature="image")

        self.assertEqual(2, len(self.wallet.request_ids))
        self.assertTrue(self.wallet.request_ids[0])
        self.assertEqual(self.wallet.request_ids[0], self.wallet.request_ids[1])

    def test_attempts_are_bounded(self):
        self.wallet.failures_left = 1000

        with self.assertRaises(ObolError) as caught:
            self.debit(self.client())

        self.assertEqual(grpc.StatusCode.UNAVAILABLE, caught.exception.code)
        self.assertEqual("", caught.exception.reason)
        self.assertEqual(3, len(self.wallet.request_ids))

    def test_max_attempts_one_turns_retries_off(self):
        self.wallet.failures_left = 1

        with self.assertRaises(ObolError):
            self.debit(self.client(max_attempts=1))

        self.assertEqual(1, len(self.wallet.request_ids))

    def test_other_codes_are_not_retried_and_keep_their_error_info(self):
        self.wallet.failures_left = 1
        info = error_details_pb2.ErrorInfo(domain="obol", reason="NEGATIVE", metadata={"field": "quantity"})
        detail = any_pb2.Any()
        detail.Pack(info)
        status = status_pb2.Status(code=grpc.StatusCode.INVALID_ARGUMENT.value[0],
                                   message="quantity: must not be negative", details=[detail])
        self.wallet.failure = (grpc.StatusCode.INVALID_ARGUMENT, "quantity: must not be negative", status)

        with self.assertRaises(ObolError) as caught:
            self.debit(self.client())

        invalid = caught.exception
        self.assertEqual(grpc.StatusCode.INVALID_ARGUMENT, invalid.code)
        self.assertEqual("NEGATIVE", invalid.reason)
        self.assertEqual("obol", invalid.domain)
        self.assertEqual("quantity", invalid.field)
        self.assertEqual({"field": "quantity"}, invalid.metadata)
        self.assertEqual("quantity: must not be negative", invalid.message)
        self.assertEqual(1, len(self.wallet.request_ids))
        for part in ("INVALID_ARGUMENT", "quantity: must not be negative", "NEGATIVE"):
            self.assertIn(part, str(invalid))

    def test_the_deadline_bounds_the_call(self):
        self.wallet.hang.set()
        obol = self.client(deadline_seconds=0.2)

        start = time.monotonic()
        with self.assertRaises(ObolError) as caught:
            self.debit(obol)

        self.assertEqual(grpc.StatusCode.DEADLINE_EXCEEDED, caught.exception.code)
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(1, len(self.wallet.request_ids))

    def test_no_server_is_unavailable_after_the_attempts(self):
        self.server.stop(None)

        with self.assertRaises(ObolError) as caught:
            self.debit(self.client(deadline_seconds=2.0))

        self.assertEqual(grpc.StatusCode.UNAVAILABLE, caught.exception.code)

    def test_loopback_targets_default_to_plaintext(self):
        self.assertTrue(is_loopback("localhost:50051"))
        self.assertTrue(is_loopback("127.0.0.1:50051"))
        self.assertTrue(is_loopback("[::1]:50051"))
        self.assertTrue(is_loopback("dns:///localhost:50051"))
        self.assertFalse(is_loopback("obol.internal:443"))
        self.assertFalse(is_loopback("dns:///obol.example.com:443"))

    def test_bad_settings_are_refused(self):
        for settings in ({"deadline_seconds": 0}, {"max_attempts": 0}, {"initial_backoff_seconds": 1,
                                                                        "max_backoff_seconds": 0.5}):
            with self.subTest(settings=settings), self.assertRaises(ValueError):
                Obol(self.target, "k", **settings)
        with self.assertRaises(ValueError):
            Obol(self.target, " ")


if __name__ == "__main__":
    unittest.main()
