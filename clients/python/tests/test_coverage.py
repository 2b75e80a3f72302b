"""The client grows with the contract: an RPC added to an obol.v1 service without a method on Obol fails here."""

import re
import unittest

from obol_client import Obol
from obol_client.proto import account_service_pb2, admin_service_pb2, wallet_service_pb2


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class CoverageTest(unittest.TestCase):

    def test_every_rpc_of_every_service_has_a_method(self):
        missing = []
        for module, service in ((wallet_service_pb2, "WalletService"), (account_service_pb2, "AccountService"),
                                (admin_service_pb2, "AdminService")):
            for method in module.DESCRIPTOR.services_by_name[service].methods:
                if not callable(getattr(Obol, _snake(method.name), None)):
                    missing.append("%s/%s" % (service, method.name))
        self.assertEqual([], missing)

    def test_the_names_it_looks_for_exist(self):
        self.assertTrue(callable(getattr(Obol, _snake("CheckAndDebit"))))


if __name__ == "__main__":
    unittest.main()
