from tests.common.conftest import alice, bob, evidence_root, make_user, token_for  # noqa: F401
