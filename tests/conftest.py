"""Shared test configuration: real servers and each service's fixtures, as plugins."""

pytest_plugins = [
    "tests.servers",
    "tests.customer_fixtures",
    "tests.s3_fixtures",
    "tests.contract_fixtures",
    "tests.callcenter_fixtures",
    "tests.search_fixtures",
    "tests.alerts_fixtures",
    "tests.softphone_sip",
]
