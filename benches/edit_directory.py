#!/usr/bin/env python3
"""Changes about 1% of a directory file the way a week of an organisation's life does, so that
an update by difference (`tongxunlu delta`, docs/snapshot.md#differences) can be measured on
the snapshots built before and after.

    benches/edit_directory.py IN.json OUT.json [--seed S]

Of the members (resigned ones included), chosen at random but never the sample's well-known
viewers (exec001, staff001, dev001, supplier001):

- 0.4% are edited: every other one gets a new mobile, the rest another position;
- 0.3% move: their first department becomes another one, with a new sort number there;
- 0.3% join: copies of existing members with a new account, mobile and e-mail;
- 0.3% leave: removed, and with them their place as a department leader, in a group, or in a
  `visible_to` list.

Deterministic: the same input and seed give the same output on every machine (Python's
`random.Random` is specified to be reproducible for a given seed). Prints what it did.
"""

import argparse
import copy
import json
import random

EDITED, MOVED, JOINED, LEFT = 0.004, 0.003, 0.003, 0.003
# The sample's well-known accounts (docs/cli.md#sample): the viewers benchmarks build for.
KEEP = {"exec001", "staff001", "dev001", "supplier001", "principal001", "teacher001", "parent001"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with open(args.input, encoding="utf-8") as f:
        directory = json.load(f)
    rng = random.Random(args.seed)
    members = directory["userlist"]
    count = len(members)
    edited, moved, joined, left = (round(count * share) for share in (EDITED, MOVED, JOINED, LEFT))

    # Disjoint sets of members for the edits, the moves and the departures.
    chosen = [i for i, m in enumerate(members) if m["userid"] not in KEEP]
    rng.shuffle(chosen)
    to_edit = chosen[:edited]
    to_move = chosen[edited : edited + moved]
    to_remove = set(chosen[edited + moved : edited + moved + left])

    accounts = {m["userid"] for m in members}
    mobiles = {digits(m["mobile"]) for m in members if m.get("mobile")}
    emails = {m["email"].lower() for m in members if m.get("email")}
    positions = sorted({m["position"] for m in members if m.get("position")})
    departments = sorted(d["id"] for d in directory["department"])

    def new_mobile():
        while True:
            mobile = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
            if mobile not in mobiles:
                mobiles.add(mobile)
                return mobile

    for n, i in enumerate(to_edit):
        member = members[i]
        if n % 2 == 0 or not positions:
            member["mobile"] = new_mobile()
        else:
            member["position"] = rng.choice([p for p in positions if p != member.get("position")] or positions)

    for i in to_move:
        member = members[i]
        first = member["department"][0]
        member["department"][0] = rng.choice([d for d in departments if d not in member["department"]] or [first])
        if member.get("order"):
            member["order"][0] = rng.randint(1, 50)

    newcomers = []
    for n in range(joined):
        member = copy.deepcopy(members[rng.randrange(count)])
        account = f"{member['userid']}j{n}"
        while account in accounts:
            account += "x"
        accounts.add(account)
        member["userid"] = account
        member["mobile"] = new_mobile()
        domain = member.get("email", "x@example.com").split("@")[-1]
        member["email"] = f"{account}@{domain}"
        emails.add(member["email"].lower())
        # A copy is an ordinary newcomer: nobody's leader yet, not pinned.
        member.pop("pinned", None)
        newcomers.append(member)

    gone = {members[i]["userid"] for i in to_remove}
    for department in directory["department"]:
        forget(department, "department_leader", gone)
        forget(department.get("visible_to"), "userid", gone)
    for group in directory.get("group", []):
        forget(group, "userid", gone)
    directory["userlist"] = [m for i, m in enumerate(members) if i not in to_remove] + newcomers
    for member in directory["userlist"]:
        forget(member.get("visible_to"), "userid", gone)

    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(directory, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(
        f"{args.output}: of {count} members, {len(to_edit)} edited, {len(to_move)} moved, "
        f"{len(newcomers)} joined, {len(gone)} left ({len(directory['userlist'])} members now)"
    )


def digits(mobile):
    """A mobile's digits without +86, as the directory file's uniqueness rule compares them."""
    d = "".join(c for c in mobile if c.isdigit())
    return d[2:] if mobile.startswith("+86") else d


def forget(record, key, gone):
    """Drops the accounts in `gone` from the list `record[key]`, if there is one."""
    if record and key in record:
        record[key] = [account for account in record[key] if account not in gone]


if __name__ == "__main__":
    main()
