"""Families: accounts, the family file, approvals and a family's own records.

`accounts` signs families up and says who may register whom; `account_tokens` are the
single-use email links; `family_file` is what a family fills in before the morning;
`approvals` is staff's decision on new families; `records` is "Mon dossier".
"""

__all__ = ["account_tokens", "accounts", "approvals", "family_file", "records"]
