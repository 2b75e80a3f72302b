"""The client against a real Obol (app/target/obol.jar as a process, on its embedded PostgreSQL): each test on an
account of its own, granted tokens by the admin key, debited by a key bound to it with the scopes an application gets
(wallet:debit, wallet:read). The default catalog prices ``image`` at 50 tokens."""

import contextlib
import io
import unittest
import uuid

import grpc

from obol_client import Asset, DenialReason, GrantSource, Obol, ObolError
from tests.real_obol import ADMIN_KEY, RealObol


class EndToEndTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.obol = RealObol()
        cls.admin = cls.obol.client(ADMIN_KEY)

    @classmethod
    def tearDownClass(cls):
        cls.admin.close()
        cls.obol.close()

    def setUp(self):
        self.account = "acct-" + str(uuid.uuid4())
        secret = self.admin.create_api_key(
            name="app for " + self.account, scopes=["wallet:debit", "wallet:read"], account_id=self.account).secret
        self.app = self.obol.client(secret)
        self.addCleanup(self.app.close)

    def test_a_debit_is_allowed_and_lowers_the_balance(self):
        self.grant(100)

        debit = self.app.check_and_debit(**self.debit("image", "d1"))

        self.assertTrue(debit.allowed)
        self.assertEqual(50, debit.debited)
        self.assertEqual(50, debit.balance)
        self.assertTrue(debit.debit_id)
        self.assertEqual(50, self.balance())

    def test_an_insufficient_balance_is_a_denial_not_an_error(self):
        self.grant(10)

        debit = self.app.check_and_debit(**self.debit("image", "d1"))

        self.assertFalse(debit.allowed)
        self.assertEqual(DenialReason.Value("DENIAL_REASON_INSUFFICIENT_BALANCE"), debit.denial_reason)
        self.assertEqual(0, debit.debited)
        self.assertEqual(10, self.balance())

    def test_the_same_request_id_twice_returns_the_first_answer_and_debits_once(self):
        self.grant(200)

        first = self.app.check_and_debit(**self.debit("image", "same"))
        retry = self.app.check_and_debit(**self.debit("image", "same"))

        self.assertEqual(first, retry)
        self.assertEqual(150, self.balance())

    def test_the_same_request_id_with_other_content_is_a_conflict(self):
        self.grant(200)
        self.app.check_and_debit(**self.debit("image", "same"))

        with self.assertRaises(ObolError) as caught:
            self.app.check_and_debit(**self.debit("audio", "same"))

        self.assertEqual(grpc.StatusCode.FAILED_PRECONDITION, caught.exception.code)
        self.assertEqual("REQUEST_ID_CONFLICT", caught.exception.reason)
        self.assertEqual("obol", caught.exception.domain)
        self.assertEqual(150, self.balance())

    def test_an_unknown_key_is_refused(self):
        with self.obol.client("obol_unknown_0123456789abcdef0123456789abcdef") as stranger:
            with self.assertRaises(ObolError) as caught:
                stranger.list_features()

        self.assertEqual(grpc.StatusCode.UNAUTHENTICATED, caught.exception.code)
        self.assertEqual("API_KEY_INVALID", caught.exception.reason)

    def test_a_bad_argument_names_its_field(self):
        with self.assertRaises(ObolError) as caught:
            self.admin.check_and_debit(account_id="acct\u202e", feature="image")

        invalid = caught.exception
        self.assertEqual(grpc.StatusCode.INVALID_ARGUMENT, invalid.code)
        self.assertEqual("INVALID_CHARACTERS", invalid.reason)
        self.assertEqual("account_id", invalid.field)
        self.assertEqual("account_id", invalid.metadata.get("field"))
        self.assertIn("INVALID_ARGUMENT", str(invalid))
        self.assertIn("INVALID_CHARACTERS", str(invalid))

    def test_a_missing_scope_says_which_in_the_metadata(self):
        with self.assertRaises(ObolError) as caught:
            self.app.grant(**self.grant_fields(100))

        denied = caught.exception
        self.assertEqual(grpc.StatusCode.PERMISSION_DENIED, denied.code)
        self.assertEqual("SCOPE_MISSING", denied.reason)
        self.assertEqual("wallet:grant", denied.metadata.get("scope"))
        self.assertIsNone(denied.field)

    def test_a_write_without_a_request_id_gets_one(self):
        self.grant(100)

        debit = self.app.check_and_debit(account_id=self.account, feature="image")

        self.assertTrue(debit.allowed)
        self.assertEqual(50, self.balance())

    def test_the_readme_example_runs(self):
        """The README's example, as printed there but for the target, key and account: it runs."""
        self.grant(100)
        target = self.obol.target
        api_key = self.admin.create_api_key(name="readme", scopes=["wallet:debit"], account_id=self.account).secret
        account = self.account
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            # ---- README example ----
            with Obol(target, api_key) as obol:
                debit = obol.check_and_debit(account_id=account, feature="image", request_id="job-42")
                print("debited %d, balance %d" % (debit.debited, debit.balance) if debit.allowed
                      else "denied: " + DenialReason.Name(debit.denial_reason))
            # ---- end ----
        self.assertEqual("debited 50, balance 50\n", out.getvalue())

    def test_a_ready_request_message_works_too(self):
        from obol_client.proto import wallet_service_pb2
        self.grant(100)
        request = wallet_service_pb2.CheckRequest(account_id=self.account, feature="image")

        check = self.app.check(request)

        self.assertTrue(check.allowed)
        self.assertEqual(50, check.cost)
        self.assertEqual("", request.request_id)  # the caller's message is not changed

    # ---- helpers -----------------------------------------------------------------------------------------------

    def grant(self, amount):
        self.admin.grant(request_id="grant-" + str(uuid.uuid4()), **self.grant_fields(amount))

    def grant_fields(self, amount):
        return dict(account_id=self.account, asset=Asset.Value("ASSET_TOKEN"), amount=amount,
                    source=GrantSource.Value("GRANT_SOURCE_PROMO"), reason="client test")

    def debit(self, feature, request_id):
        # request ids need not be unique across accounts: to be safe
        return dict(account_id=self.account, feature=feature, request_id=self.account + "/" + request_id)

    def balance(self):
        return self.app.get_balance(account_id=self.account, asset="ASSET_TOKEN").wallets[0].balance


if __name__ == "__main__":
    unittest.main()
