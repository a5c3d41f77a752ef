"""Families: accounts, the family file, approvals and a family's own records.

`accounts` signs families up and says who may register whom; `account_tokens` are the
single-use email links; `account_attempts` limits the tries at each account's doors; the
family file is what a family fills in before the morning, in
`family_file_types` (its shapes and errors), `family_file_validation` (the one judge of its
values) and `family_file_storage` (reading and writing it, adding a child included);
`readiness` says what a family must still fill in before registering; `approvals` is staff's
decision on new families; `records` is "Mon dossier"; `key_rotation` re-encrypts the file's
secrets under the newest encryption key.
"""

__all__ = [
    "account_attempts",
    "account_tokens",
    "accounts",
    "approvals",
    "family_file_storage",
    "family_file_types",
    "family_file_validation",
    "key_rotation",
    "readiness",
    "records",
]
